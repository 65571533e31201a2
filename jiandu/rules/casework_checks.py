"""Compliance checks supervisors rely on (宁夏 2020 三（二）5–9, 三（四）16, 五（五）): when each recurring
duty falls due and whether a record met it. Pure: the Django side feeds dates, this returns dates and
Reasons; the daily pass (jiandu.casework.checks) turns a miss into a problem-list item."""

from __future__ import annotations

import datetime as dt

from jiandu.rules.calendar import add_months
from jiandu.rules.casework import isolation_end
from jiandu.rules.decision import Reason
from jiandu.rules.rulebook import Rulebook

OK, ALERT, OVERDUE = "ok", "alert", "overdue"


def isolation_state(
    rulebook: Rulebook, *, start: dt.date, extended: bool, on: dt.date, alert_days: int
) -> tuple[str, dt.date, Reason]:
    """ok / alert (the limit is within `alert_days`) / overdue (past it) for isolation begun `start`."""
    end, reason = isolation_end(rulebook, start, extended)
    if on > end:
        state = OVERDUE
    elif (end - on).days <= alert_days:
        state = ALERT
    else:
        state = OK
    return state, end, reason


def trusty_evaluation_due(rulebook: Rulebook, last_evaluated_or_approved: dt.date) -> tuple[dt.date, Reason]:
    """事务犯 evaluated every half-year (三（二）8 五是)."""
    c = rulebook.param("casework.trusty_evaluation_months", last_evaluated_or_approved)
    due = add_months(last_evaluated_or_approved, c.value)
    return due, Reason(
        "casework.trusty_evaluation_due",
        c.rulebook,
        c.article,
        f"事务犯每{c.value}个月测评一次：上次{last_evaluated_or_approved.isoformat()}，{due.isoformat()}前再次测评",
        {"last": last_evaluated_or_approved, "months": c.value, "due": due},
    )


def grading_due(rulebook: Rulebook, last_assessed: dt.date) -> tuple[dt.date, Reason]:
    """分级处遇 assessed every quarter (三（二）9 三是)."""
    c = rulebook.param("casework.grading_months", last_assessed)
    due = add_months(last_assessed, c.value)
    return due, Reason(
        "casework.grading_due",
        c.rulebook,
        c.article,
        f"罪犯处遇等级每{c.value}个月评定一次：上次{last_assessed.isoformat()}，{due.isoformat()}前再次评定",
        {"last": last_assessed, "months": c.value, "due": due},
    )


def penalty_review_levels(rulebook: Rulebook, on: dt.date) -> tuple[int, Reason]:
    """How many levels of 复议 an objection to an administrative penalty gets (三（二）7: 二级复议)."""
    c = rulebook.param("casework.penalty_review_levels", on)
    return int(c.value), Reason(
        "casework.penalty_review_levels",
        c.rulebook,
        c.article,
        f"罪犯对行政处罚结果有异议的，实行{c.value}级复议",
        {"levels": c.value},
    )


def quarterly_report_due(rulebook: Rulebook, on: dt.date) -> tuple[dt.date, Reason]:
    """The next report day on or after `on` (五（五）: the 13th of January, April, July, October)."""
    day = rulebook.param("casework.quarterly_report_day", on)
    months = sorted(int(m) for m in rulebook.param("casework.quarterly_report_months", on).value)
    year = on.year
    while True:
        for m in months:
            due = dt.date(year, m, int(day.value))
            if due >= on:
                return due, Reason(
                    "casework.quarterly_report_due",
                    day.rulebook,
                    day.article,
                    f"季度工作开展情况书面报告于{due.isoformat()}前报送",
                    {"due": due, "months": months},
                )
        year += 1


def quarter_of(due: dt.date) -> tuple[int, int]:
    """The quarter a report due in `due`'s month covers: the three months before it."""
    prev = add_months(dt.date(due.year, due.month, 1), -1)
    return prev.year, (prev.month - 1) // 3 + 1
