"""The work queue on each role's home page: what needs doing, with counts, oldest first.

A small registry. Each app contributes entries in its own `workqueue.py` (found the way Django's admin
finds `admin.py`: `autodiscover_modules`), so a new app adds its items without touching this file:

    from jiandu.core.workqueue import QueueEntry, register

    register(QueueEntry(key="training_overdue", label=_("培训逾期"), audience=STAFF,
                        rows=overdue_trainees, oldest="due_on", row=lambda t: (str(t), t.url, t.due_on)))

`rows(user, today)` is a scoped selector returning a QuerySet. The home page reads every entry's count
and oldest date in ONE query (each entry two scalar sub-selects of one row), so it costs the same
whatever the number of entries or rows. Counts are capped: a work queue needs "is there anything, and
roughly how much", not an exact total of a backlog, so each count reads at most `COUNT_CAP` rows and the
page shows "99+" beyond. The oldest date is exact: the first row in that date's order (an index walk
where the app has one for it). The entry's list page (`core:queue`) shows the same QuerySet's rows, so a
count always matches its list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Func, IntegerField, QuerySet, Subquery
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules

from jiandu.accounts.roles import Capability

# Audiences: who sees an entry. Bureau staff (programme admins and regional staff), agency staff,
# and supervisors, as in DESIGN.md "People who use it".
STAFF, AGENCY, SUPERVISOR = "staff", "agency", "supervisor"

# A row of an entry's list: (title, link, date shown).
Row = tuple[str, str, dt.date | None]


def audience_of(user: Any) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if user.can(Capability.MANAGE_PROGRAMMES) or user.can(Capability.ASSIST_PROGRAMMES):
        return STAFF
    if user.can(Capability.REQUEST_DUTIES) or user.can(Capability.ANSWER_FINDINGS):
        return AGENCY
    if user.can(Capability.ACT_AS_SUPERVISOR):
        return SUPERVISOR
    return None


@dataclass(frozen=True)
class QueueEntry:
    key: str
    label: str | Promise
    audience: str
    rows: Callable[[Any, dt.date], QuerySet[Any]]
    oldest: str  # the date field rows are ordered by, oldest first
    row: Callable[[Any], Row]
    order: int = 100  # position on the page (smaller first)
    date_label: str | Promise = ""


# A count reads at most this many rows; at the cap the page shows "99+" (QueueItem.shown).
COUNT_CAP = 100


@dataclass(frozen=True)
class QueueItem:
    key: str
    label: str
    count: int  # capped at COUNT_CAP
    url: str
    oldest: dt.date | None

    @property
    def shown(self) -> str:
        return f"{COUNT_CAP - 1}+" if self.count >= COUNT_CAP else str(self.count)


_REGISTRY: dict[str, QueueEntry] = {}
_discovered = False


def register(entry: QueueEntry) -> QueueEntry:
    _REGISTRY[entry.key] = entry
    return entry


def _entries() -> list[QueueEntry]:
    global _discovered
    if not _discovered:
        autodiscover_modules("workqueue")
        _discovered = True
    return sorted(_REGISTRY.values(), key=lambda e: (e.order, e.key))


def entries_for(user: Any) -> list[QueueEntry]:
    who = audience_of(user)
    return [e for e in _entries() if e.audience == who]


def entry_get(user: Any, key: str) -> QueueEntry | None:
    return next((e for e in entries_for(user) if e.key == key), None)


def _capped_count(qs: QuerySet[Any], field: str) -> Subquery:
    """`SELECT COUNT(id) FROM t WHERE id IN (<qs's ids in `field` order> LIMIT COUNT_CAP)`: the same
    ordered walk as the oldest date's (the entry's partial index), stopped at the cap."""
    capped = qs.order_by(field).values("pk")[:COUNT_CAP]
    counted = qs.model._base_manager.filter(pk__in=capped).order_by()
    return Subquery(
        counted.annotate(n=Func(F("pk"), function="COUNT", output_field=IntegerField())).values("n")
    )


def _oldest(qs: QuerySet[Any], field: str) -> Subquery:
    """The first date in `field` order (the MIN, as an ordered read the planner can take from an index)."""
    return Subquery(qs.filter(**{f"{field}__isnull": False}).order_by(field).values(field)[:1])


def queue_for(user: Any, *, today: dt.date) -> list[QueueItem]:
    """The user's queue: every entry's capped count and oldest date in one query, whatever the number
    of entries (scalar sub-selects on the user's own row)."""
    entries = entries_for(user)
    selects: dict[str, Subquery] = {}
    for i, entry in enumerate(entries):
        qs = entry.rows(user, today)
        if not qs.query.is_empty():
            selects[f"n{i}"] = _capped_count(qs, entry.oldest)
            selects[f"o{i}"] = _oldest(qs, entry.oldest)
    row: dict[str, Any] = {}
    if selects:
        row = user._meta.model._default_manager.filter(pk=user.pk).values(**selects).get()
    return [
        QueueItem(
            key=entry.key,
            label=str(entry.label),
            count=row.get(f"n{i}") or 0,
            url=reverse("core:queue", args=[entry.key]),
            oldest=row.get(f"o{i}"),
        )
        for i, entry in enumerate(entries)
    ]


def queue_rows(user: Any, entry: QueueEntry, *, today: dt.date, limit: int = 500) -> list[Row]:
    qs = entry.rows(user, today).order_by(entry.oldest, "pk")
    return [entry.row(obj) for obj in qs[:limit]]


def queue_count(user: Any, entry: QueueEntry, *, today: dt.date) -> int:
    return int(entry.rows(user, today).count())
