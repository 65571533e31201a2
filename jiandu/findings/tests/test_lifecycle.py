"""The loop through services: submit → forward (rulebook clock) → reply with a plan → rectified →
verified, the reporter told at each step; triage alternatives; bad input changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from jiandu.audit.models import AuditEvent
from jiandu.findings import services
from jiandu.findings.models import Correction, Finding, Source, Status
from jiandu.notifications.models import Notification

pytestmark = pytest.mark.django_db
TZ = "Asia/Shanghai"


def _submit(reporter: Any, agency: Any, **kw: Any) -> Finding:
    return services.finding_submit(
        actor=reporter.user,
        supervisor=reporter,
        agency=agency,
        text=kw.pop("text", "窗口执法人员未出示执法证件"),
        **kw,
    )


@time_machine.travel(dt.datetime(2025, 3, 3, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
def test_full_loop(reporter: Any, agency: Any, agency_user: Any, bureau_user: Any) -> None:
    finding = _submit(reporter, agency, confidential=True, source=Source.LEAD)
    assert finding.status == Status.SUBMITTED and finding.submitted_on == dt.date(2025, 3, 3)
    assert Notification.objects.filter(recipient=bureau_user, kind="finding.new").exists()

    finding = services.finding_forward(actor=bureau_user, finding=finding, note="请核查")
    # 威海 2022 第十二条: 30 days from 3 March is 2 April, a Wednesday.
    assert finding.status == Status.FORWARDED
    assert (finding.forwarded_on, finding.reply_due, finding.reply_days) == (
        dt.date(2025, 3, 3),
        dt.date(2025, 4, 2),
        30,
    )
    assert (finding.reply_reason or {})["article"] == "第十二条"
    assert (finding.reply_reason or {})["rulebook"] == "weihai-admin-2022"
    assert Notification.objects.filter(recipient=agency_user, kind="finding.forwarded").exists()
    assert Notification.objects.filter(recipient=reporter.user, subject__contains="已转送").exists()

    finding = services.finding_reply(
        actor=agency_user,
        finding=finding,
        adopted=True,
        reply_text="情况属实",
        correction=Correction.PLAN,
        rectification_plan="组织全员培训",
        rectify_due=dt.date(2025, 4, 30),
    )
    assert finding.status == Status.RECTIFYING and finding.rectify_due == dt.date(2025, 4, 30)
    assert finding.replied_on == dt.date(2025, 3, 3)

    finding = services.finding_report_rectified(actor=agency_user, finding=finding, report="已培训 32 人")
    assert finding.status == Status.REPLIED

    finding = services.finding_verify(actor=bureau_user, finding=finding, result_text="经核查，已整改到位")
    assert finding.status == Status.CLOSED and finding.closed_on == dt.date(2025, 3, 3)
    assert Notification.objects.filter(recipient=reporter.user, subject__contains="已办结").exists()

    finding = services.finding_rate(actor=reporter.user, finding=finding, rating=5, comment="满意")
    assert finding.rating == 5
    actions = list(
        AuditEvent.objects.filter(target_type="findings.finding")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "finding.create",
        "finding.forward",
        "finding.reply",
        "finding.rectified",
        "finding.verify",
        "finding.rate",
    ]


def test_reply_due_moves_off_a_holiday(reporter: Any, agency: Any, bureau_user: Any) -> None:
    finding = _submit(reporter, agency)
    # 5 April 2025 + 30 days = 5 May, the last day of the 劳动节 holiday: moved to 6 May (民法典 第二百零三条).
    finding = services.finding_forward(actor=bureau_user, finding=finding, today=dt.date(2025, 4, 5))
    assert finding.reply_due == dt.date(2025, 5, 6)
    assert (finding.reply_reason or {})["facts"]["unextended"] == "2025-05-05"


def test_rulebook_without_a_period_asks_the_bureau(world: Any, wanzhou: Any) -> None:
    from jiandu.roster.models import Supervisor

    supervisor = Supervisor.objects.create(programme=wanzhou, full_name="谭明")
    finding = services.finding_submit(
        actor=None, supervisor=supervisor, agency=world.orgs["wanzhou_market"], text="抽检程序不规范"
    )
    admin = world.users["wanzhou_admin"]
    with pytest.raises(ValidationError, match="未规定答复期限"):
        services.finding_forward(actor=admin, finding=finding, today=dt.date(2025, 3, 3))
    finding.refresh_from_db()
    assert finding.status == Status.SUBMITTED
    finding = services.finding_forward(
        actor=admin, finding=finding, reply_due=dt.date(2025, 3, 20), today=dt.date(2025, 3, 3)
    )
    assert (
        finding.reply_due == dt.date(2025, 3, 20)
        and (finding.reply_reason or {})["code"] == "findings.reply_due.set_by_bureau"
    )


def test_triage_decline_merge_investigate(reporter: Any, agency: Any, bureau_user: Any) -> None:
    a, b, c, d = (_submit(reporter, agency, text=f"问题{i}") for i in range(4))
    with pytest.raises(ValidationError, match="理由"):
        services.finding_decline(actor=bureau_user, finding=a, reason="  ")
    assert Finding.objects.get(pk=a.pk).status == Status.SUBMITTED
    assert (
        services.finding_decline(actor=bureau_user, finding=a, reason="不属于行政执法事项").status
        == Status.DECLINED
    )
    assert services.finding_merge(actor=bureau_user, finding=b, into=c).merged_into_id == c.pk
    with pytest.raises(ValidationError):
        services.finding_merge(actor=bureau_user, finding=c, into=c)
    finding = services.finding_investigate(actor=bureau_user, finding=d, note="本局调查")
    assert finding.status == Status.INVESTIGATING
    assert (
        services.finding_verify(actor=bureau_user, finding=finding, result_text="查实").status
        == Status.CLOSED
    )


def test_only_the_addressed_agency_may_reply(
    reporter: Any, agency: Any, bureau_user: Any, other_agency_user: Any
) -> None:
    finding = services.finding_forward(actor=bureau_user, finding=_submit(reporter, agency))
    with pytest.raises(PermissionError):
        services.finding_reply(
            actor=other_agency_user,
            finding=finding,
            adopted=True,
            reply_text="x",
            correction=Correction.IMMEDIATE,
        )


def test_other_bureau_cannot_triage(world: Any, reporter: Any, agency: Any) -> None:
    with pytest.raises(PermissionError):
        services.finding_forward(actor=world.users["wanzhou_admin"], finding=_submit(reporter, agency))


def test_a_plan_needs_a_deadline(reporter: Any, agency: Any, agency_user: Any, bureau_user: Any) -> None:
    finding = services.finding_forward(
        actor=bureau_user, finding=_submit(reporter, agency), today=dt.date(2025, 3, 3)
    )
    with pytest.raises(ValidationError, match="整改期限"):
        services.finding_reply(
            actor=agency_user,
            finding=finding,
            adopted=True,
            reply_text="将整改",
            correction=Correction.PLAN,
            rectification_plan="培训",
            today=dt.date(2025, 3, 5),
        )
    assert Finding.objects.get(pk=finding.pk).status == Status.FORWARDED


def test_immediate_correction_goes_straight_to_verification(
    reporter: Any, agency: Any, agency_user: Any, bureau_user: Any
) -> None:
    finding = services.finding_forward(actor=bureau_user, finding=_submit(reporter, agency))
    finding = services.finding_reply(
        actor=agency_user,
        finding=finding,
        adopted=True,
        reply_text="已当场纠正",
        correction=Correction.IMMEDIATE,
    )
    assert finding.status == Status.REPLIED and finding.rectify_due is None
    finding = services.finding_return(actor=bureau_user, finding=finding, note="请补充佐证")
    assert finding.status == Status.FORWARDED


def test_duty_handoff(reporter: Any, agency: Any) -> None:
    from jiandu.roster.models import Programme

    record = Programme.objects.get(pk=reporter.programme_id)  # any model instance stands in for the record
    finding = services.finding_create_from_duty(
        actor=reporter.user,
        duty_record=record,
        supervisor=reporter,
        agency=agency,
        text="现场执法未告知权利",
        confidential=True,
    )
    assert finding.source == Source.DUTY and finding.confidential
    assert finding.source_ref == f"roster.programme:{record.pk}"


def test_rating_only_by_the_reporter_after_closing(reporter: Any, agency: Any, bureau_user: Any) -> None:
    finding = _submit(reporter, agency)
    with pytest.raises(ValidationError):
        services.finding_rate(actor=reporter.user, finding=finding, rating=4)
    services.finding_decline(actor=bureau_user, finding=finding, reason="重复")
    with pytest.raises(PermissionError):
        services.finding_rate(actor=bureau_user, finding=finding, rating=4)
    with pytest.raises(ValidationError):
        services.finding_rate(actor=reporter.user, finding=finding, rating=6)


def test_a_due_date_in_a_year_without_notice_is_provisional_not_refused(
    reporter: Any, agency: Any, bureau_user: Any
) -> None:
    """Issue 9: on 2 December the reply date falls in January of a year whose notice is not out."""
    finding = _submit(reporter, agency)
    services.finding_forward(actor=bureau_user, finding=finding, today=dt.date(2026, 12, 2))
    finding = Finding.objects.get(pk=finding.pk)
    assert finding.status == Status.FORWARDED
    assert finding.reply_due == dt.date(2027, 1, 4)  # 01-01 元旦, then a weekend
    reason = finding.reply_reason
    assert reason is not None and reason["facts"]["provisional"] is True
    assert "暂定，待2027年放假安排公布后确定" in reason["message"]
