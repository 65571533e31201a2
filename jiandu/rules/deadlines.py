"""Duty deadlines (威海 人民监督员): request lead time in working days, reports after a duty, the monthly
summary; and the reply period for opinions (威海 行政执法社会监督员 第十二条). Every value comes from a
rulebook parameter with its article; every date from the WorkCalendar.

A date that rests on a year whose holiday notice is not loaded is provisional (DESIGN.md “Time”): its
Reason says so in the message (“暂定，待2027年放假安排公布后确定”) and in the facts
(`provisional`, `provisional_years`), so whoever stores the date stores the flag with it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jiandu.rules.calendar import WorkCalendar, provisional_note
from jiandu.rules.decision import ALLOWED, REFUSED, Decision, Reason
from jiandu.rules.rulebook import Rulebook


def _provisional(calendar: WorkCalendar, start: dt.date, end: dt.date) -> tuple[dict[str, Any], str]:
    """The facts and the message suffix for a date computed from the days between start and end."""
    years = calendar.provisional_years(start, end)
    facts: dict[str, Any] = {"provisional": bool(years), "provisional_years": list(years)}
    return facts, (f"（{provisional_note(years)}）" if years else "")


def is_provisional(reason: Reason) -> bool:
    """Whether a Reason from this module rests on a provisionally computed year."""
    return bool(reason.facts.get("provisional"))


def request_lead_decide(
    rulebook: Rulebook,
    calendar: WorkCalendar,
    requested_on: dt.date,
    duty_on: dt.date,
    consent: bool = False,
) -> Decision:
    """Is a request for supervisors made on `requested_on` for a duty on `duty_on` in time?
    In time if made on or before the N-th working day before the duty (the duty day not counted)."""
    name = "duty.request_lead_working_days_with_consent" if consent else "duty.request_lead_working_days"
    c = rulebook.param(name, requested_on)
    latest = calendar.subtract_working_days(duty_on, c.value)
    flag, note = _provisional(calendar, latest, duty_on)
    facts = {
        "requested_on": requested_on,
        "duty_on": duty_on,
        "working_days": c.value,
        "consent": consent,
        "latest_allowed": latest,
        **flag,
    }
    # A check that passes only on a provisional calendar says so (and is not refused): the notice may
    # still move `latest`; loading it re-checks nothing retroactively, the request stands.
    basis = "经同意的特殊情况" if consent else "一般情况"
    if requested_on <= latest:
        reason = Reason(
            "request.in_time",
            c.rulebook,
            c.article,
            f"{basis}须在监督活动{c.value}个工作日前通知，最晚{latest.isoformat()}；{requested_on.isoformat()}通知，符合规定{note}",
            facts,
        )
        return Decision(ALLOWED, [reason], rulebook.id, rulebook.version)
    reason = Reason(
        "request.too_late",
        c.rulebook,
        c.article,
        f"{basis}须在监督活动{c.value}个工作日前通知，最晚{latest.isoformat()}；{requested_on.isoformat()}通知已逾期{note}",
        facts,
    )
    return Decision(REFUSED, [reason], rulebook.id, rulebook.version)


def report_due(rulebook: Rulebook, calendar: WorkCalendar, duty_on: dt.date) -> tuple[dt.date, Reason]:
    """The last day to report on a duty held on `duty_on` (N working days after it)."""
    c = rulebook.param("duty.report_due_working_days", duty_on)
    due = calendar.add_working_days(duty_on, c.value)
    flag, note = _provisional(calendar, duty_on, due)
    return due, Reason(
        "report.due",
        c.rulebook,
        c.article,
        f"监督活动结束后{c.value}个工作日内通报履职情况，截止{due.isoformat()}{note}",
        {"duty_on": duty_on, "working_days": c.value, "due": due, **flag},
    )


def monthly_summary_due(rulebook: Rulebook, year: int, month: int) -> tuple[dt.date, Reason]:
    """The day by which the feedback forms of (year, month) are summarised and forwarded: the N-th of
    the next month. “每月五日前” is read as on or before the 5th; it is a fixed date, not a period, so
    it is not moved when it falls on a rest day."""
    if not 1 <= month <= 12:
        raise ValueError(f"月份应为1–12，当前为{month}")
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    c = rulebook.param("duty.monthly_summary_day", dt.date(next_year, next_month, 1))
    due = dt.date(next_year, next_month, c.value)
    return due, Reason(
        "summary.due",
        c.rulebook,
        c.article,
        f"{year}年{month}月的履职情况反馈表须于{due.isoformat()}前汇总转送",
        {"year": year, "month": month, "due": due},
    )


def reply_due(rulebook: Rulebook, calendar: WorkCalendar, forwarded_on: dt.date) -> tuple[dt.date, Reason]:
    """The last day for an agency to answer an opinion forwarded on `forwarded_on` (N calendar days,
    the forwarding day not counted, a last day on a rest day moved to the next working day)."""
    c = rulebook.param("findings.reply_days", forwarded_on)
    plain = forwarded_on + dt.timedelta(days=c.value)
    due = calendar.deadline(forwarded_on, c.value)
    moved = f"（{plain.isoformat()}为休息日，顺延至{due.isoformat()}）" if due != plain else ""
    flag, note = _provisional(calendar, plain, due)
    return due, Reason(
        "reply.due",
        c.rulebook,
        c.article,
        f"收到意见后{c.value}日内反馈，截止{due.isoformat()}{moved}{note}",
        {"forwarded_on": forwarded_on, "days": c.value, "due": due, "unextended": plain, **flag},
    )


def notice_period_end(
    rulebook: Rulebook, calendar: WorkCalendar, published_on: dt.date
) -> tuple[dt.date, Reason]:
    """The earliest day a public notice (公示) published on `published_on` has run its minimum
    number of working days (the publication day not counted)."""
    c = rulebook.param("recruitment.notice_min_working_days", published_on)
    end = calendar.add_working_days(published_on, c.value)
    flag, note = _provisional(calendar, published_on, end)
    return end, Reason(
        "notice.period",
        c.rulebook,
        c.article,
        f"公示期不少于{c.value}个工作日，{published_on.isoformat()}发布的公示至{end.isoformat()}期满{note}",
        {"published_on": published_on, "working_days": c.value, "ends": end, **flag},
    )
