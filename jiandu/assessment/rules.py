"""Assessment's door to the rules core: the programme's rulebook, its grades (or none: free text),
conditions, grounds, the 优秀 cap and the deadlines after completion."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jiandu.roster.rules import cited, rulebook_for
from jiandu.rules import assessment as core
from jiandu.rules.calendar import CalendarResult
from jiandu.rules.catalogue import GRADE_LABELS
from jiandu.rules.grades import excellent_cap, term_grade
from jiandu.workdays.services import programme_calendar

__all__ = [
    "GRADE_LABELS",
    "cited",
    "core",
    "defence_due",
    "excellent_cap",
    "grade_choices",
    "results_deadlines",
    "rulebook_for",
    "term_decide",
]


def grade_choices(programme: Any, on: dt.date) -> list[tuple[str, str]]:
    return [(g, GRADE_LABELS[g]) for g in core.grades_in_use(rulebook_for(programme), on)]


def results_deadlines(programme: Any, completed_on: dt.date) -> list[dict[str, Any]]:
    """The 第三十四条（六) deadlines as stored on the round; `provisional` when a due date rests on a year
    whose holiday notice is not loaded (暂定, recomputed on loading: jiandu.assessment.calendar_dates)."""
    return [
        {
            "code": code,
            "due": due.isoformat(),
            "provisional": bool(reason.facts.get("provisional_years")),
            "reason": reason.to_dict(),
            "done_on": None,
        }
        for code, due, reason in core.results_deadlines(
            rulebook_for(programme), programme_calendar(programme), completed_on
        )
    ]


def defence_due(round: Any, notified_on: dt.date) -> CalendarResult:
    """The last day to state and defend: the round's stated number of working days after the supervisor
    is told (第三十五条), saying whether it is provisional (暂定)."""
    return programme_calendar(round.programme).add_working_days_result(
        notified_on, round.defence_working_days
    )


def term_decide(programme: Any, annual_grades: list[str], on: dt.date) -> Any:
    rb = rulebook_for(programme)
    if cited(rb, "assessment.term_excellent_auto_min", on) is None:
        return None
    return term_grade(rb, annual_grades, on)
