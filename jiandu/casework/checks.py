"""The daily compliance pass (宁夏 2020 三（二）5–9, 三（四）16, 三（一）3): from the records, what was
missed becomes an item on the prison's problem list; limits coming close send an alert first.

Set-based and idempotent: each miss carries a `source_ref` naming what and when ("grading:12:2026Q4"),
unique per prison, so running the pass twice adds nothing. Counts are per prison and period (a list
of 罪犯编号 in the item), not one item per prisoner: the list is for the prison to rectify, not a
register of prisoners. Cost: one grouped query per check, whatever the number of prisoners.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext

from jiandu.audit.services import audit_record
from jiandu.casework import rules
from jiandu.casework.models import (
    CaseFile,
    Grading,
    Isolation,
    PenaltyObjection,
    PointsPublication,
    Prisoner,
    Problem,
    ProblemSource,
    QuarterlyReport,
    Trusty,
)
from jiandu.orgs.models import Organisation, OrgKind
from jiandu.roster.models import Programme
from jiandu.rules import casework as core
from jiandu.rules import casework_checks as cc
from jiandu.rules.calendar import add_months, provisional_text
from jiandu.rules.decision import Reason
from jiandu.rules.rulebook import Rulebook, UnknownParameter

SAMPLE = 20  # 罪犯编号 listed in an item; the count says how many in all


def _alert_days() -> int:
    return int(getattr(settings, "JIANDU_CASEWORK_ALERT_DAYS", 7))


def _remind_days() -> int:
    return int(getattr(settings, "JIANDU_CASEWORK_REMIND_DAYS", 3))


def casework_prisons(on: dt.date) -> dict[int, Rulebook]:
    """Every prison under a programme whose rulebook sets the casework limits → that rulebook."""
    out: dict[int, Rulebook] = {}
    for programme in Programme.objects.filter(is_active=True).select_related("organisation"):
        book = rules.rulebook_for(programme)
        if not book.has_param("casework.isolation_months", on):
            continue
        for pk in Organisation.objects.filter(
            path__startswith=programme.organisation.path, kind=OrgKind.PRISON
        ).values_list("pk", flat=True):
            out.setdefault(pk, book)
    return out


class _Items:
    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.rows: list[Problem] = []

    def add(self, prison_id: int, ref: str, title: str, reason: Reason | None, description: str = "") -> None:
        self.rows.append(
            Problem(
                prison_id=prison_id,
                source=ProblemSource.CHECK,
                source_ref=ref[:80],
                title=title[:160],
                description=description,
                reason=reason.to_dict() if reason else {},
                found_on=self.today,
            )
        )

    def save(self) -> int:
        if not self.rows:
            return 0
        refs = {(r.prison_id, r.source_ref) for r in self.rows}
        prisons = {p for p, _ in refs}
        existing = set(
            Problem.objects.filter(prison_id__in=prisons, source_ref__in={r for _, r in refs}).values_list(
                "prison_id", "source_ref"
            )
        )
        new = [r for r in self.rows if (r.prison_id, r.source_ref) not in existing]
        Problem.objects.bulk_create(new, ignore_conflicts=True)
        return len(new)


def _numbers(numbers: list[str], total: int) -> str:
    more = gettext(" 等{total}人").format(total=total) if total > len(numbers) else ""
    return gettext("罪犯编号：") + "、".join(numbers) + more


def check_points(items: _Items, prisons: dict[int, Rulebook], today: dt.date) -> None:
    """Last month's and this month's results, if their day has passed: published by then?"""
    months = []
    first = dt.date(today.year, today.month, 1)
    for back in (1, 0):
        m = add_months(first, -back)
        months.append((m.year, m.month))
    published = {
        (r["prison_id"], r["year"], r["month"]): r
        for r in PointsPublication.objects.filter(prison_id__in=list(prisons))
        .filter(Q(year=months[0][0], month=months[0][1]) | Q(year=months[1][0], month=months[1][1]))
        .values("prison_id", "year", "month", "published_on", "due_on")
    }
    for pid, book in prisons.items():
        for year, month in months:
            due, reason = core.points_publish_due(book, year, month)
            if due >= today:
                continue
            row = published.get((pid, year, month))
            if row is None or row["published_on"] is None:
                items.add(
                    pid,
                    f"points:{year}-{month:02d}:missing",
                    gettext("{year}年{month}月计分考核结果逾期未公布").format(year=year, month=month),
                    reason,
                )
            elif row["published_on"] > due:
                items.add(
                    pid,
                    f"points:{year}-{month:02d}:late",
                    gettext("{year}年{month}月计分考核结果逾期公布（{isoformat}）").format(
                        year=year, month=month, isoformat=row["published_on"].isoformat()
                    ),
                    reason,
                )


def check_isolation(items: _Items, prisons: dict[int, Rulebook], today: dt.date) -> list[int]:
    """Past the limit → an item; within the alert window → an alert (once)."""
    alert_until = today + dt.timedelta(days=_alert_days())
    rows = list(
        Isolation.objects.filter(
            prison_id__in=list(prisons), ended_on__isnull=True, limit_on__lte=alert_until
        )
        .filter(Q(limit_on__lt=today) | Q(alerted_on__isnull=True))
        .values("pk", "prison_id", "prisoner__number", "starts_on", "extended", "limit_on", "alerted_on")
    )
    to_alert = []
    for r in rows:
        book = prisons[r["prison_id"]]
        state, end, reason = cc.isolation_state(
            book, start=r["starts_on"], extended=r["extended"], on=today, alert_days=_alert_days()
        )
        if state == cc.OVERDUE:
            items.add(
                r["prison_id"],
                f"isolation:{r['pk']}:{end.isoformat()}",
                gettext("隔离审查超过期限（罪犯编号{prisoner__number}，至{isoformat}）").format(
                    prisoner__number=r["prisoner__number"], isoformat=end.isoformat()
                ),
                reason,
                gettext("届满仍不能终结的，应采取其他措施；延长须经监狱管理局批准"),
            )
        elif r["alerted_on"] is None:
            to_alert.append(r["pk"])
    return to_alert


def check_trusties(items: _Items, prisons: dict[int, Rulebook], today: dt.date) -> None:
    """One query per rule: the cut-off is today minus the period (approved before it → due before today)."""
    period = f"{today.year}-{today.month:02d}"
    found: dict[tuple[int, str], list[str]] = defaultdict(list)
    reasons: dict[tuple[int, str], Reason] = {}
    for book, pids in _by_book(prisons):
        re_m = book.param("casework.trusty_reapproval_months", today).value
        ev_m = book.param("casework.trusty_evaluation_months", today).value
        open_ = Trusty.objects.filter(prison_id__in=pids, ended_on__isnull=True)
        for r in open_.filter(approved_on__lt=add_months(today, -re_m)).values_list(
            "prison_id", "prisoner__number", "approved_on"
        ):
            key = (r[0], "reapproval")
            found[key].append(r[1])
            reasons.setdefault(key, core.trusty_reapproval_due(book, r[2])[1])
        cutoff = add_months(today, -ev_m)
        for e in open_.filter(
            Q(evaluated_on__lt=cutoff) | Q(evaluated_on__isnull=True, approved_on__lt=cutoff)
        ).values_list("prison_id", "prisoner__number", "approved_on", "evaluated_on"):
            key = (e[0], "evaluation")
            found[key].append(e[1])
            reasons.setdefault(key, cc.trusty_evaluation_due(book, e[3] or e[2])[1])
    titles = {"reapproval": gettext("事务犯逾期未重新审批"), "evaluation": gettext("事务犯逾期未测评")}
    for (pid, what), numbers in found.items():
        items.add(
            pid,
            f"trusty:{what}:{period}",
            gettext("{titles}（{count}人）").format(titles=titles[what], count=len(numbers)),
            reasons[(pid, what)],
            _numbers(sorted(numbers)[:SAMPLE], len(numbers)),
        )


def check_grading(items: _Items, prisons: dict[int, Rulebook], today: dt.date) -> None:
    """Assessed before the cut-off, or registered before it and never assessed: two indexed queries."""
    quarter = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    for book, pids in _by_book(prisons):
        months = book.param("casework.grading_months", today).value
        cutoff = add_months(today, -months)
        found: dict[int, list[str]] = defaultdict(list)
        for pid, number in Grading.objects.filter(prison_id__in=pids, assessed_on__lt=cutoff).values_list(
            "prison_id", "prisoner__number"
        ):
            found[pid].append(number)
        registered_before = timezone.make_aware(dt.datetime.combine(cutoff, dt.time()))
        for pid, number in (
            Prisoner.objects.filter(prison_id__in=pids, created_at__lt=registered_before)
            .filter(~Exists(Grading.objects.filter(prisoner=OuterRef("pk"))))
            .values_list("prison_id", "number")
        ):
            found[pid].append(number)
        _, reason = cc.grading_due(book, cutoff)
        for pid, numbers in found.items():
            items.add(
                pid,
                f"grading:{quarter}",
                gettext("处遇等级逾期未评定（{count}人）").format(count=len(numbers)),
                reason,
                _numbers(sorted(numbers)[:SAMPLE], len(numbers)),
            )


def check_penalty_reviews(items: _Items, prisons: dict[int, Rulebook], today: dt.date) -> None:
    for book, pids in _by_book(prisons):
        levels, reason = cc.penalty_review_levels(book, today)
        for r in PenaltyObjection.objects.filter(
            prison_id__in=pids, concluded_on__isnull=False, levels_done__lt=levels
        ).values("pk", "prison_id", "levels_done"):
            items.add(
                r["prison_id"],
                f"penalty:{r['pk']}",
                gettext("行政处罚异议仅经{levels_done}级复议即终结").format(levels_done=r["levels_done"]),
                reason,
            )


def check_quarterly_reports(items: _Items, prisons: dict[int, Rulebook], today: dt.date) -> None:
    """The last report day before today (五（五）): a report for the quarter before it, submitted by then?"""
    for book, pids in _by_book(prisons):
        try:
            due, reason = cc.quarterly_report_due(book, add_months(today, -3))
        except UnknownParameter:
            continue
        if due >= today:
            continue
        year, quarter = cc.quarter_of(due)
        done = set(
            QuarterlyReport.objects.filter(
                prison_id__in=pids, year=year, quarter=quarter, submitted_on__lte=due
            ).values_list("prison_id", flat=True)
        )
        for pid in pids:
            if pid not in done:
                items.add(
                    pid,
                    f"report:{year}Q{quarter}",
                    gettext("{year}年第{quarter}季度工作报告未按期报送").format(year=year, quarter=quarter),
                    reason,
                )


def check_medical_records(items: _Items, prisons: dict[int, Rulebook], today: dt.date) -> list[int]:
    open_ = CaseFile.objects.filter(
        prison_id__in=list(prisons), records_due__isnull=False, records_supplemented_on__isnull=True
    )
    for r in open_.filter(records_due__lt=today).values("pk", "prison_id", "records_due", "records_reason"):
        reason = r["records_reason"] or {}
        items.add(
            r["prison_id"],
            f"medical:{r['pk']}",
            gettext("暂予监外执行案件 #{pk} 逾期未补充病历（截止{records_due}）").format(
                pk=r["pk"], records_due=r["records_due"]
            ),
            Reason(
                "casework.medical_records_due",
                reason.get("rulebook", ""),
                reason.get("article", ""),
                reason.get("message", ""),
                reason.get("facts", {}),
            ),
        )
    remind_from = today + dt.timedelta(days=_remind_days())
    return list(
        open_.filter(
            records_due__gte=today, records_due__lte=remind_from, records_reminded_on__isnull=True
        ).values_list("pk", flat=True)
    )


def _by_book(prisons: dict[int, Rulebook]) -> list[tuple[Rulebook, list[int]]]:
    groups: dict[str, tuple[Rulebook, list[int]]] = {}
    for pid, book in prisons.items():
        groups.setdefault(book.id, (book, []))[1].append(pid)
    return list(groups.values())


def casework_checks_run(today: dt.date | None = None) -> dict[str, Any]:
    """The daily pass. Returns counts for the log and the benchmark."""
    today = today or timezone.localdate()
    prisons = casework_prisons(today)
    items = _Items(today)
    try:
        check_points(items, prisons, today)
        iso_alerts = check_isolation(items, prisons, today)
        check_trusties(items, prisons, today)
        check_grading(items, prisons, today)
        check_penalty_reviews(items, prisons, today)
        check_quarterly_reports(items, prisons, today)
        med_reminders = check_medical_records(items, prisons, today)
    except UnknownParameter:
        raise
    with transaction.atomic():
        added = items.save()
        Isolation.objects.filter(pk__in=iso_alerts).update(alerted_on=today)
        CaseFile.objects.filter(pk__in=med_reminders).update(records_reminded_on=today)
        result = {
            "prisons": len(prisons),
            "problems_added": added,
            "isolation_alerts": len(iso_alerts),
            "medical_reminders": len(med_reminders),
        }
        if added or iso_alerts or med_reminders:
            audit_record(actor=None, actor_name="casework.checks", action="casework.checks_run", after=result)
            transaction.on_commit(lambda: _notify(iso_alerts, med_reminders))
    return result


def _provisional_words(day: dt.date | None, flag: bool) -> str:
    text = provisional_text(day, flag)
    return f"（{text}）" if text else ""


def _notify(iso_alerts: list[int], med_reminders: list[int]) -> None:
    from jiandu.findings.selectors import agency_staff_for
    from jiandu.notifications.services import EMAIL, INBOX, notification_send

    for iso in Isolation.objects.filter(pk__in=iso_alerts).select_related("prison", "prisoner"):
        notification_send(
            recipients=list(agency_staff_for(iso.prison)),
            subject=gettext("隔离审查将于{isoformat}届满（罪犯编号{number}）").format(
                isoformat=iso.limit_on.isoformat(), number=iso.prisoner.number
            ),
            channels=(INBOX, EMAIL),
            kind="casework.isolation_alert",
            audit=False,
        )
    for case in CaseFile.objects.filter(pk__in=med_reminders).select_related("officer"):
        notification_send(
            recipients=[case.officer],
            subject=(
                gettext("暂予监外执行案件 #{pk} 须于{value}{provisional_words}前补充病历").format(
                    pk=case.pk,
                    value=case.records_due.isoformat() if case.records_due else "",
                    provisional_words=_provisional_words(case.records_due, case.records_due_provisional),
                )
            ),
            channels=(INBOX, EMAIL),
            kind="casework.medical_reminder",
            audit=False,
        )
