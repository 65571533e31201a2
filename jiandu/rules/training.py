"""Training rules (威海 人民监督员 第二十一条–第二十四条): the initial-training deadline counted from the
appointment, the gate before duty, and the yearly in-term check. Values come from the rulebook with
their article; dates from the WorkCalendar."""

from __future__ import annotations

import datetime as dt

from jiandu.rules.calendar import WorkCalendar, add_months, provisional_note
from jiandu.rules.decision import ALLOWED, REFUSED, Decision, Reason
from jiandu.rules.rulebook import Rulebook, UnknownParameter


def initial_training_due(
    rulebook: Rulebook, calendar: WorkCalendar, appointed_on: dt.date
) -> tuple[dt.date, Reason]:
    """The last day to hold the initial training for someone appointed on `appointed_on`: N months
    later, on the corresponding day (民法典 第二百零二条), moved to the next working day when it is a
    rest day (第二百零三条)."""
    c = rulebook.param("training.initial_within_months", appointed_on)
    due = calendar.next_working_day(add_months(appointed_on, c.value))
    years = calendar.provisional_years(appointed_on, due)
    note = f"（{provisional_note(years)}）" if years else ""
    return due, Reason(
        "training.initial_due",
        c.rulebook,
        c.article,
        f"选任决定（{appointed_on.isoformat()}）后{c.value}个月内组织初任培训，最晚{due.isoformat()}{note}",
        {"appointed_on": appointed_on, "months": c.value, "due": due, "provisional_years": list(years)},
    )


def duty_gate_decide(rulebook: Rulebook, passed_on: dt.date | None, on: dt.date) -> Decision:
    """May a supervisor whose initial training (with its exam) was passed on `passed_on` (None: not yet)
    take part in a duty on `on`? Refused only where the rulebook says so."""
    try:
        c = rulebook.param("training.required_before_duty", on)
    except UnknownParameter:
        return Decision(ALLOWED, [], rulebook.id, rulebook.version)
    if not c.value or (passed_on is not None and passed_on <= on):
        facts = {"passed_on": passed_on, "required": bool(c.value)}
        return Decision(
            ALLOWED,
            [Reason("training.passed", c.rulebook, c.article, "已完成初任培训并考核合格", facts)]
            if c.value
            else [],
            rulebook.id,
            rulebook.version,
        )
    return Decision(
        REFUSED,
        [
            Reason(
                "training.not_passed",
                c.rulebook,
                c.article,
                "未经初任培训及考核合格，不得参与监督办案活动",
                {"passed_on": passed_on, "on": on},
            )
        ],
        rulebook.id,
        rulebook.version,
    )


def in_term_check(rulebook: Rulebook, year: int, attended: int) -> Decision:
    """Did a supervisor attend enough in-term training sessions in `year`?"""
    on = dt.date(year, 12, 31)
    c = rulebook.param("training.in_term_min_per_year", on)
    facts = {"year": year, "attended": attended, "minimum": c.value}
    if attended >= c.value:
        return Decision(
            ALLOWED,
            [
                Reason(
                    "training.in_term_met",
                    c.rulebook,
                    c.article,
                    f"{year}年参加任期培训{attended}次，不少于{c.value}次",
                    facts,
                )
            ],
            rulebook.id,
            rulebook.version,
        )
    return Decision(
        REFUSED,
        [
            Reason(
                "training.in_term_missing",
                c.rulebook,
                c.article,
                f"{year}年参加任期培训{attended}次，少于每年至少{c.value}次",
                facts,
            )
        ],
        rulebook.id,
        rulebook.version,
    )


def exam_passed(score: float, pass_mark: float) -> bool:
    """The pass mark is set per session by the bureau (the rulebook asks for an exam, 第二十二条第二款,
    but names no mark); a score equal to the mark passes."""
    return score >= pass_mark
