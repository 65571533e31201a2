"""The findings' clocks, computed by the rules core from the programme's rulebook.

Reply due: `jiandu.rules.deadlines.reply_due` (威海 2022 第十二条: 30 days, the last day moved off a
rest day, 民法典 第二百零三条). A rulebook without a reply period (万州 2024 asks for 及时 handling and
a rectification deadline, but names no number) returns None here, and the bureau sets the date when it
forwards — the rule is not guessed.

Reminder lead time is an office practice, not law, so it is a setting
(JIANDU_FINDINGS_REMIND_DAYS, calendar days before the due date).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext

REPLY_DAYS_PARAM = "findings.reply_days"
DEFAULT_REMIND_DAYS = 5


@dataclass(frozen=True)
class ReplyClock:
    due: dt.date
    days: int | None
    reason: dict[str, Any]
    # Years computed from the statutory holidays because their notice is not loaded (暂定).
    provisional_years: tuple[int, ...] = ()

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)

    @property
    def note_suffix(self) -> str:
        """“（暂定，待2027年放假安排公布后确定）” after a provisional date, else nothing."""
        from jiandu.rules.calendar import provisional_note

        return f"（{provisional_note(self.provisional_years)}）" if self.provisional_years else ""


def remind_days() -> int:
    return int(getattr(settings, "JIANDU_FINDINGS_REMIND_DAYS", DEFAULT_REMIND_DAYS))


def remind_on(due: dt.date | None) -> dt.date | None:
    return None if due is None else due - dt.timedelta(days=remind_days())


def rulebook_reply_clock(rulebook_id: str, *, forwarded_on: dt.date, region: str | None) -> ReplyClock | None:
    """The reply due date the rulebook sets for a finding forwarded on `forwarded_on`, or None when the
    rulebook sets no period. A due date in a year whose holiday notice is not loaded is computed
    provisionally (DESIGN.md, Time) and says so: `provisional_years`, stored with the finding and
    recomputed when the notice is loaded."""
    from jiandu.rules import deadlines
    from jiandu.rules.rulebook import load_rulebook
    from jiandu.workdays.services import work_calendar

    rulebook = load_rulebook(rulebook_id)
    if not rulebook.has_param(REPLY_DAYS_PARAM, on=forwarded_on):
        return None
    due, reason = deadlines.reply_due(rulebook, work_calendar(region), forwarded_on=forwarded_on)
    days = rulebook.param(REPLY_DAYS_PARAM, on=forwarded_on).value
    reason_dict = reason.to_dict()
    reason_dict.setdefault("rulebook_version", rulebook.version)
    years = tuple(int(y) for y in reason.facts.get("provisional_years", ()))
    return ReplyClock(due=due, days=int(days), reason=reason_dict, provisional_years=years)


def manual_reply_clock(*, due: dt.date, forwarded_on: dt.date, rulebook_id: str) -> ReplyClock:
    return ReplyClock(
        due=due,
        days=(due - forwarded_on).days,
        reason={
            "code": "findings.reply_due.set_by_bureau",
            "rulebook": rulebook_id,
            "article": "",
            "message": gettext("本规则未规定答复期限，由司法行政机关转送时指定"),
            "facts": {"forwarded_on": forwarded_on.isoformat(), "due": due.isoformat()},
        },
    )
