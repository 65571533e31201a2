"""Training's door to the rules core: the programme's rulebook, its training modes and the decisions
training needs (initial-training deadline, gate before duty, in-term check)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext

from jiandu.roster.rules import cited, rulebook_for
from jiandu.rules import training as core
from jiandu.rules.decision import Decision, Reason
from jiandu.workdays.services import programme_calendar

__all__ = ["cited", "gate_decide", "in_term_decide", "initial_due", "modes_for", "rulebook_for"]


def modes_for(programme: Any, on: dt.date) -> list[tuple[str, str]]:
    """(code, label) of the training modes the rulebook names; a rulebook naming none allows any
    mode, recorded as 其他."""
    c = cited(rulebook_for(programme), "training.modes", on)
    if c is None:
        return [("other", gettext("其他"))]
    return [(str(i["code"]), str(i["text"])) for i in c.value]


def initial_due(programme: Any, appointed_on: dt.date) -> tuple[dt.date, Reason] | None:
    rb = rulebook_for(programme)
    if cited(rb, "training.initial_within_months", appointed_on) is None:
        return None
    return core.initial_training_due(rb, programme_calendar(programme), appointed_on)


def in_term_decide(programme: Any, year: int, attended: int) -> Decision | None:
    rb = rulebook_for(programme)
    if cited(rb, "training.in_term_min_per_year", dt.date(year, 12, 31)) is None:
        return None
    return core.in_term_check(rb, year, attended)


def gate_decide(programme: Any, passed_on: dt.date | None, on: dt.date) -> Decision:
    return core.duty_gate_decide(rulebook_for(programme), passed_on, on)
