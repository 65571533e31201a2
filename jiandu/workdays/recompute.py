"""Recomputing stored provisional dates once a year's holiday notice is loaded (DESIGN.md “Time”).

Each app that stores a date computed from the calendar keeps a `calendar_dates.py` module that
registers a `ProvisionalDates` source: how many stored dates are provisional, and a pass that
recomputes them one row at a time (each row in its own transaction, locked) and reports a
`DateChange`. This module settles what happens to a date (`date_settle`), writes the audit event
(old → new) and tells the people responsible (`date_change_record`, `date_change_notify`), and runs the whole pass with
progress (`provisional_dates_recompute`, called by the background task).

What happens to a date — our rule (the issue asked us to choose and say):
- the recomputed date equals the stored one: nothing moves, the 暂定 mark goes;
- the stored date has already passed (before the day of loading): it is kept as it was. Reminders and
  escalations have run on it; history is not rewritten;
- the recomputed date is later: the date moves (more time, never less);
- the recomputed date is earlier but still after today: it moves and everyone responsible is told,
  days ahead;
- the recomputed date is earlier and today or already past: the stored date is kept. Nobody is made
  overdue retroactively by a notice published after the fact;
- a source may forbid shortening altogether (a running 公示 is never cut short).
Moves and keeps are both audited; only moves notify.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils import timezone
from django.utils.translation import gettext

from jiandu.audit.services import audit_record
from jiandu.rules.calendar import provisional_note

logger = logging.getLogger(__name__)

MOVED, KEPT, UNCHANGED = "moved", "kept", "unchanged"


@dataclass
class DateChange:
    source: str  # e.g. "findings.reply_due"
    item: str  # what a person recognises: "监督意见 WH-2026-0001《…》"
    what: str  # which date: "答复截止日"
    target: Any  # the model row (audit target)
    old: dt.date
    computed: dt.date
    new: dt.date
    outcome: str
    note: str = ""
    provisional_years: tuple[int, ...] = ()  # still provisional after (another year not loaded)
    link: str = ""
    recipients: list[Any] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "item": self.item,
            "what": self.what,
            "old": self.old.isoformat(),
            "computed": self.computed.isoformat(),
            "new": self.new.isoformat(),
            "outcome": self.outcome,
            "note": self.note,
            "provisional": bool(self.provisional_years),
            "link": self.link,
        }


class ProvisionalDates(Protocol):
    name: str

    def count(self) -> int: ...

    def recompute(self, *, today: dt.date, actor: Any) -> Iterator[DateChange]: ...


_SOURCES: dict[str, ProvisionalDates] = {}


def provisional_dates_register(source: ProvisionalDates) -> ProvisionalDates:
    _SOURCES[source.name] = source
    return source


def provisional_sources() -> list[ProvisionalDates]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("calendar_dates")
    return [_SOURCES[k] for k in sorted(_SOURCES)]


def date_settle(
    *, old: dt.date, computed: dt.date, today: dt.date, shorten: bool = True
) -> tuple[dt.date, str, str]:
    """(stored date, outcome, why) for a provisional date `old` recomputed as `computed`."""
    if computed == old:
        return old, UNCHANGED, ""
    if old < today:
        return old, KEPT, gettext("原期限已过，保留原期限（已发生的提醒、督办不改写）")
    if computed > old:
        return computed, MOVED, ""
    if not shorten:
        return old, KEPT, gettext("公示期不缩短，保留原截止日")
    if computed <= today:
        return old, KEPT, gettext("按正式安排的期限不晚于今天，保留原期限（不溯及既往）")
    return computed, MOVED, ""


def date_change_record(*, change: DateChange, actor: Any, year: int) -> None:
    """The audit event for a moved or kept date and, for a move, the notification. Called inside the
    source's transaction for the row."""
    if change.outcome == UNCHANGED:
        return
    audit_record(
        actor=actor,
        action="calendar.date_recompute",
        target=change.target,
        before={change.what: change.old, "provisional": True},
        after={
            change.what: change.new,
            "computed": change.computed,
            "outcome": change.outcome,
            "note": change.note,
            "provisional": bool(change.provisional_years),
            "year": year,
        },
    )
    date_change_notify(change=change, year=year)


def date_change_notify(
    *, change: DateChange, year: int, recipients: list[Any] | None = None, link: str | None = None
) -> None:
    """Tell people a date moved (nothing for a kept or unchanged date). date_change_record calls it for
    `change.recipients`; a source whose people reach the item by different pages (a supervisor's own
    page, the bureau's) calls it again with other `recipients` and `link`."""
    from jiandu.notifications.services import EMAIL, INBOX, notification_send

    recipients = change.recipients if recipients is None else recipients
    if change.outcome != MOVED or not recipients:
        return
    still = f"（{provisional_note(change.provisional_years)}）" if change.provisional_years else ""
    notification_send(
        recipients=recipients,
        subject=gettext("期限变更：{item} 的{what}改为 {new:%Y-%m-%d}{still}").format(
            item=change.item, what=change.what, new=change.new, still=still
        ),
        body=(
            gettext(
                "{year}年节假日安排已载入，原暂定的{what} {old:%Y-%m-%d} 依正式安排重新计算为 {new:%Y-%m-%d}{still}。"
            ).format(year=year, what=change.what, old=change.old, new=change.new, still=still)
        ),
        link=change.link if link is None else link,
        channels=(INBOX, EMAIL),
        kind="calendar.date_moved",
        audit=False,
    )


def provisional_dates_recompute(
    *, actor: Any, year: int, progress: Callable[[int, int, list[DateChange]], None] | None = None
) -> dict[str, int]:
    """Recompute every stored provisional date (all sources). Returns counts by outcome."""
    today = timezone.localdate()
    sources = provisional_sources()
    total = sum(s.count() for s in sources)
    counts = {MOVED: 0, KEPT: 0, UNCHANGED: 0}
    done = 0
    batch: list[DateChange] = []
    if progress:
        progress(0, total, [])
    for source in sources:
        for change in source.recompute(today=today, actor=actor):
            counts[change.outcome] = counts.get(change.outcome, 0) + 1
            done += 1
            batch.append(change)
            if progress and (done % 50 == 0 or change.outcome != UNCHANGED):
                progress(done, max(total, done), batch)
                batch = []
    if progress:
        progress(done, max(total, done), batch)
    logger.info("calendar recompute %s: %s", year, counts)
    return counts
