"""The deadline pass: a reminder before the due date, an escalation once it has passed, each once;
the overdue list; the task and its self-scheduling; the command line."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse

from jiandu.accounts.testing import client_sign_in
from jiandu.audit.models import AuditEvent
from jiandu.findings import services
from jiandu.findings.models import Correction, Finding
from jiandu.findings.scan import findings_deadline_scan
from jiandu.notifications.models import Notification

pytestmark = pytest.mark.django_db
FORWARDED = dt.date(2025, 3, 3)  # reply due 2 April 2025 (30 days, 威海 2022 第十二条)


@pytest.fixture
def forwarded(reporter: Any, agency: Any, bureau_user: Any) -> Finding:
    finding = services.finding_submit(
        actor=reporter.user, supervisor=reporter, agency=agency, text="未告知陈述申辩权利"
    )
    return services.finding_forward(actor=bureau_user, finding=finding, today=FORWARDED)


def _kinds(user: Any) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind__startswith="finding.reply").values_list(
            "kind", flat=True
        )
    )


def test_reminder_then_escalation_each_once(forwarded: Finding, agency_user: Any, bureau_user: Any) -> None:
    assert forwarded.reply_due == dt.date(2025, 4, 2)
    findings_deadline_scan(today=dt.date(2025, 3, 27))
    assert _kinds(agency_user) == []
    result = findings_deadline_scan(today=dt.date(2025, 3, 28))  # 5 days before
    assert result["reply_reminder_findings"] == 1
    assert _kinds(agency_user) == ["finding.reply_reminder"] and _kinds(bureau_user) == []
    findings_deadline_scan(today=dt.date(2025, 3, 29))
    findings_deadline_scan(today=dt.date(2025, 4, 2))  # the due day itself is still in time
    assert _kinds(agency_user) == ["finding.reply_reminder"]
    result = findings_deadline_scan(today=dt.date(2025, 4, 3))
    assert result["reply_escalation_findings"] == 1
    assert sorted(_kinds(agency_user)) == ["finding.reply_escalation", "finding.reply_reminder"]
    assert _kinds(bureau_user) == ["finding.reply_escalation"]
    escalation = Notification.objects.get(recipient=bureau_user, kind="finding.reply_escalation")
    assert "逾期" in escalation.subject and "威海市市场监督管理局" in escalation.subject
    assert escalation.link == reverse("findings:detail", args=[forwarded.pk])
    again = findings_deadline_scan(today=dt.date(2025, 4, 4))
    assert again["reply_escalation_findings"] == 0 and again["reply_reminder_findings"] == 0
    assert Notification.objects.filter(kind__startswith="finding.reply_").count() == 3  # no repeats
    assert AuditEvent.objects.filter(action="finding.scan.reply_escalation").count() == 1
    forwarded.refresh_from_db()
    assert forwarded.reply_escalated_on == dt.date(2025, 4, 3)


def test_late_forwarding_gets_no_pointless_reminder(forwarded: Finding, agency_user: Any) -> None:
    findings_deadline_scan(today=dt.date(2025, 4, 10))  # first scan only after the due date
    assert _kinds(agency_user) == ["finding.reply_escalation"]


def test_replied_findings_are_not_chased(forwarded: Finding, agency_user: Any) -> None:
    services.finding_reply(
        actor=agency_user,
        finding=forwarded,
        adopted=True,
        reply_text="已纠正",
        correction=Correction.IMMEDIATE,
        today=dt.date(2025, 3, 20),
    )
    findings_deadline_scan(today=dt.date(2025, 4, 10))
    assert _kinds(agency_user) == []


def test_rectification_clock(forwarded: Finding, agency_user: Any, bureau_user: Any) -> None:
    services.finding_reply(
        actor=agency_user,
        finding=forwarded,
        adopted=True,
        reply_text="将整改",
        correction=Correction.PLAN,
        rectification_plan="修订制度",
        rectify_due=dt.date(2025, 5, 30),
        today=dt.date(2025, 3, 20),
    )
    findings_deadline_scan(today=dt.date(2025, 5, 26))
    findings_deadline_scan(today=dt.date(2025, 6, 2))
    kinds = set(
        Notification.objects.filter(kind__startswith="finding.rectify").values_list("recipient_id", "kind")
    )
    assert kinds == {
        (agency_user.pk, "finding.rectify_reminder"),
        (agency_user.pk, "finding.rectify_escalation"),
        (bureau_user.pk, "finding.rectify_escalation"),
    }


def test_overdue_list_per_agency(
    client: Any, forwarded: Finding, agency_user: Any, bureau_user: Any, other_agency_user: Any
) -> None:
    with time_machine.travel(
        dt.datetime(2025, 4, 8, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        client_sign_in(client, bureau_user)
        page = client.get(reverse("findings:overdue")).content.decode()
        assert "威海市市场监督管理局" in page and forwarded.number in page
        client_sign_in(client, agency_user)
        assert forwarded.number in client.get(reverse("findings:overdue")).content.decode()
        client_sign_in(client, other_agency_user)
        assert forwarded.number not in client.get(reverse("findings:overdue")).content.decode()


def test_scan_task_runs_on_the_immediate_backend(forwarded: Finding, agency_user: Any) -> None:
    from jiandu.findings.tasks import findings_scan_task, findings_schedule

    with time_machine.travel(
        dt.datetime(2025, 4, 3, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        result = findings_scan_task.enqueue(reschedule=True)  # immediate backend: no deferred re-run
        assert (result.return_value or {})["reply_escalation_findings"] == 1
        assert "ran once" in findings_schedule()


def test_schedule_is_idempotent_on_the_database_backend(settings: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    from jiandu.findings.tasks import findings_scan_task, findings_schedule

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # restored after the test
    assert findings_scan_task.get_backend().supports_defer
    assert findings_schedule().startswith("scheduled")
    assert findings_schedule() == "already scheduled"
    assert DBTaskResult.objects.filter(task_path=findings_scan_task.module_path).count() == 1
    # The worker running it queues exactly one next run, an interval later.
    row = DBTaskResult.objects.get()
    row.status = "RUNNING"
    row.save()
    findings_scan_task.call()
    queued = DBTaskResult.objects.filter(status="READY").get()
    assert queued.run_after > row.enqueued_at


def test_command_line(forwarded: Finding) -> None:
    out = io.StringIO()
    with time_machine.travel(
        dt.datetime(2025, 4, 8, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        call_command("findings", "list", "--json", stdout=out)
        rows = json.loads(out.getvalue())
        row = next(r for r in rows if r["id"] == forwarded.pk)
        assert {
            k: row[k]
            for k in ("agency", "status", "forwarded_on", "reply_days", "reply_due", "replied_on", "overdue")
        } == {
            "agency": "威海市市场监督管理局",
            "status": "forwarded",
            "forwarded_on": "2025-03-03",
            "reply_days": 30,
            "reply_due": "2025-04-02",
            "replied_on": None,
            "overdue": True,
        }
        out = io.StringIO()
        call_command("findings", "scan", stdout=out)
        assert json.loads(out.getvalue())["reply_escalation_findings"] == 1


def _stages(finding: Finding) -> set[str]:
    return set(finding.scan_stamps.values_list("stage", flat=True))


def test_a_clock_that_has_run_out_is_not_stamped_as_reminded(forwarded: Finding, agency_user: Any) -> None:
    # Its reminder is pointless (the escalation covers it), so the first pass of a backlog writes no
    # reminder stamp for it: half that pass's stamps at a million findings (docs/performance.md).
    findings_deadline_scan(today=dt.date(2025, 4, 10))
    assert _stages(forwarded) == {"reply_escalation"}
    assert _kinds(agency_user) == ["finding.reply_escalation"]
    findings_deadline_scan(today=dt.date(2025, 4, 11))  # and nothing more the next day
    assert _stages(forwarded) == {"reply_escalation"} and _kinds(agency_user) == ["finding.reply_escalation"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="an advisory lock is PostgreSQL's (SQLite has one writer)"
)
def test_a_scan_started_while_another_runs_sends_nothing(forwarded: Finding, agency_user: Any) -> None:
    """Two scans at once (the hourly task and someone's `jiandu findings scan`) would try to stamp the
    same findings: the second leaves the day to the first."""
    from jiandu.findings.scan import LOCK_KEY

    other = connections.create_connection("default")  # the running scan's own session
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        result = findings_deadline_scan(today=dt.date(2025, 4, 3))
        assert result["skipped"] and result["reply_escalation_findings"] == 0
        assert _kinds(agency_user) == [] and not forwarded.scan_stamps.exists()
        # That scan ends. An answered unlock, not close(): close returns before the server lets go.
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
    finally:
        other.close()
    again = findings_deadline_scan(today=dt.date(2025, 4, 3))
    assert again["reply_escalation_findings"] == 1
    assert _kinds(agency_user) == ["finding.reply_escalation"]


def test_a_deleted_finding_takes_its_stamps_with_it(forwarded: Finding) -> None:
    from jiandu.findings.models import ScanStamp

    findings_deadline_scan(today=dt.date(2025, 4, 10))
    assert ScanStamp.objects.filter(finding_id=forwarded.pk).exists()
    Finding.objects.filter(pk=forwarded.pk).delete()
    assert ScanStamp.objects.filter(finding_id=forwarded.pk).count() == 0


def _submit_forward(reporter: Any, agency: Any, bureau_user: Any, text: str) -> Finding:
    finding = services.finding_submit(actor=reporter.user, supervisor=reporter, agency=agency, text=text)
    return services.finding_forward(actor=bureau_user, finding=finding, today=FORWARDED)


def test_a_backlog_sends_each_agency_one_digest_however_many_audit_batches(
    world: Any, reporter: Any, agency: Any, agency_user: Any, bureau_user: Any
) -> None:
    """The audit trail lists the stamped findings in events of `batch`; the agencies still get one
    digest each (a national backlog cut into batches by id sent every agency one per batch)."""
    other = world.orgs["weihai_ecology"]
    ours = [_submit_forward(reporter, agency, bureau_user, f"意见{i}") for i in range(3)]
    theirs = [_submit_forward(reporter, other, bureau_user, f"他处意见{i}") for i in range(2)]
    result = findings_deadline_scan(today=dt.date(2025, 4, 10), batch=2)
    assert result["reply_escalation_findings"] == 5
    digests = Notification.objects.filter(recipient=bureau_user, kind="finding.reply_escalation")
    assert digests.count() == 2  # one per agency
    mine = Notification.objects.get(recipient=agency_user, kind="finding.reply_escalation")
    assert " 3 件" in mine.subject and all(f.number in mine.body for f in ours)
    assert not any(f.number in mine.body for f in theirs)
    events = AuditEvent.objects.filter(action="finding.scan.reply_escalation").order_by("id")
    listed = [e.after["findings"] for e in events if e.after]
    assert sorted(pk for ids in listed for pk in ids) == sorted(f.pk for f in ours + theirs)
    assert all(len(ids) <= 2 for ids in listed) and len(listed) == 3
    again = findings_deadline_scan(today=dt.date(2025, 4, 10), batch=2)
    assert again["reply_escalation_findings"] == 0 and digests.count() == 2


def test_an_agency_system_subscribed_hears_of_overdue_replies(forwarded: Finding, agency_user: Any) -> None:
    from jiandu.integrations import webhooks
    from jiandu.integrations.models import WebhookDelivery, WebhookEvent

    webhooks.endpoint_create(
        actor=agency_user,
        name="执法办案系统",
        url="https://example.cn/hook",
        events=[WebhookEvent.REPLY_OVERDUE],
    )
    findings_deadline_scan(today=dt.date(2025, 4, 3))
    delivery = WebhookDelivery.objects.get(event=WebhookEvent.REPLY_OVERDUE)
    data = delivery.payload["data"]
    assert data["on"] == "2025-04-03" and data["count"] == 1
    assert data["findings"] == [
        {
            "id": forwarded.pk,
            "number": forwarded.number,
            "reply_due": "2025-04-02",
            "api_url": f"/api/v1/findings/{forwarded.pk}",
        }
    ]
    findings_deadline_scan(today=dt.date(2025, 4, 4))  # escalated once, told once
    assert WebhookDelivery.objects.filter(event=WebhookEvent.REPLY_OVERDUE).count() == 1
