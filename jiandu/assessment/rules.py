"""Assessment's door to the rules core: the programme's rulebook, its grades (or none: free text),
conditions, grounds, the 优秀 cap and the deadlines after completion."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jiandu.roster.rules import cited, rulebook_for
from jiandu.rules import assessment as core
from jiandu.rules.catalogue import GRADE_LABELS
from jiandu.rules.grades import excellent_cap, term_grade
from jiandu.workdays.services import work_calendar

__all__ = [
    "GRADE_LABELS",
    "cited",
    "core",
    "excellent_cap",
    "grade_choices",
    "results_deadlines",
    "rulebook_for",
    "term_decide",
]


def grade_choices(programme: Any, on: dt.date) -> list[tuple[str, str]]:
    return [(g, GRADE_LABELS[g]) for g in core.grades_in_use(rulebook_for(programme), on)]


def results_deadlines(programme: Any, completed_on: dt.date) -> list[dict[str, Any]]:
    return [
        {"code": code, "due": due.isoformat(), "reason": reason.to_dict(), "done_on": None}
        for code, due, reason in core.results_deadlines(
            rulebook_for(programme), work_calendar(), completed_on
        )
    ]


def term_decide(programme: Any, annual_grades: list[str], on: dt.date) -> Any:
    rb = rulebook_for(programme)
    if cited(rb, "assessment.term_excellent_auto_min", on) is None:
        return None
    return term_grade(rb, annual_grades, on)
