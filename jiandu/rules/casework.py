"""Casework limits supervisors look at (宁夏监狱管理局 执法规范化 2020): isolation review ≤ 2 months
(+1 with the regional bureau's approval), medical records completed within 15 days of approval,
monthly points published by the 20th, trusty (事务犯) re-approval every 12 months, and the two-thirds
majority of collective review meetings."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from jiandu.rules.calendar import WorkCalendar, add_months
from jiandu.rules.decision import ALLOWED, REFUSED, Decision, Reason
from jiandu.rules.rulebook import Rulebook


def isolation_end(rulebook: Rulebook, start: dt.date, extended: bool = False) -> tuple[dt.date, Reason]:
    """Last day of isolation review begun on `start` (+ the extension when approved)."""
    c = rulebook.param("casework.isolation_months", start)
    months = c.value
    message = f"单独隔离期限不得超过{c.value}个月"
    article = c.article
    if extended:
        ext = rulebook.param("casework.isolation_extension_months", start)
        months += ext.value
        message += f"，经自治区监狱管理局批准延长{ext.value}个月"
        article = ext.article
    end = add_months(start, months)
    return end, Reason(
        "casework.isolation_end",
        c.rulebook,
        article,
        f"{message}：自{start.isoformat()}起至{end.isoformat()}",
        {"start": start, "months": months, "extended": extended, "end": end},
    )


def isolation_decide(rulebook: Rulebook, start: dt.date, on: dt.date, extended: bool = False) -> Decision:
    """Is isolation still within its limit on `on`?"""
    end, reason = isolation_end(rulebook, start, extended)
    facts = {**reason.facts, "on": on}
    if on <= end:
        return Decision(
            ALLOWED,
            [Reason("casework.isolation_within", reason.rulebook, reason.article, reason.message, facts)],
            rulebook.id,
            rulebook.version,
        )
    return Decision(
        REFUSED,
        [
            Reason(
                "casework.isolation_overdue",
                reason.rulebook,
                reason.article,
                reason.message + f"；{on.isoformat()}已超期",
                facts,
            )
        ],
        rulebook.id,
        rulebook.version,
    )


def medical_records_due(
    rulebook: Rulebook, calendar: WorkCalendar, approved_on: dt.date
) -> tuple[dt.date, Reason]:
    """Last day to complete the medical records of a 暂予监外执行 case approved on `approved_on`."""
    c = rulebook.param("casework.medical_records_days", approved_on)
    result = calendar.deadline_result(approved_on, c.value)
    due = result.date
    note = f"（{result.note}）" if result.provisional else ""
    return due, Reason(
        "casework.medical_records_due",
        c.rulebook,
        c.article,
        f"案件审批完备后{c.value}日内补充完善病历资料，截止{due.isoformat()}{note}",
        {
            "approved_on": approved_on,
            "days": c.value,
            "due": due,
            "provisional": result.provisional,
            "provisional_years": list(result.provisional_years),
        },
    )


def points_publish_due(rulebook: Rulebook, year: int, month: int) -> tuple[dt.date, Reason]:
    """The day by which a month's points results are sent down for publication (每月20日前)."""
    c = rulebook.param("casework.points_publish_day", dt.date(year, month, 1))
    due = dt.date(year, month, c.value)
    return due, Reason(
        "casework.points_publish_due",
        c.rulebook,
        c.article,
        f"计分考核审批结果应于{due.isoformat()}前下发监区公布",
        {"year": year, "month": month, "due": due},
    )


def trusty_reapproval_due(rulebook: Rulebook, approved_on: dt.date) -> tuple[dt.date, Reason]:
    """When a trusty (事务犯) approved on `approved_on` must be approved again (原则上)."""
    c = rulebook.param("casework.trusty_reapproval_months", approved_on)
    due = add_months(approved_on, c.value)
    return due, Reason(
        "casework.trusty_reapproval_due",
        c.rulebook,
        c.article,
        f"事务犯原则上{c.value}个月重新审批一次：{approved_on.isoformat()}审批，{due.isoformat()}前重新审批",
        {"approved_on": approved_on, "months": c.value, "due": due},
    )


def review_majority_decide(rulebook: Rulebook, present: int, in_favour: int, on: dt.date) -> Decision:
    """A collective review decision needs two-thirds of those who should attend (应参会人员)."""
    c = rulebook.param("casework.review_majority", on)
    share = Fraction(c.value).limit_denominator(12)
    needed = -(-present * share.numerator // share.denominator)  # ceiling
    facts = {"members": present, "in_favour": in_favour, "needed": needed, "share": str(share)}
    ok = in_favour >= needed
    message = (
        f"集体审议一般按应参会人员{share}以上多数意见作出决定：{present}人中需{needed}人，同意{in_favour}人"
    )
    return Decision(
        ALLOWED if ok else REFUSED,
        [
            Reason(
                "casework.majority_met" if ok else "casework.majority_not_met",
                c.rulebook,
                c.article,
                message,
                facts,
            )
        ],
        rulebook.id,
        rulebook.version,
    )
