"""Issue 9 end to end below the browser: a reply date forwarded on 2 December is provisional in
January 2027; the system admin pastes a (FICTITIOUS, test-only) 2027 notice, previews it, loads it;
the date is recomputed, the move audited old → new and the agency told in its inbox. A malformed
notice changes nothing and names the failed line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine

from jiandu.accounts.testing import client_sign_in
from jiandu.audit.models import AuditEvent
from jiandu.findings import services
from jiandu.findings.models import Finding, Source
from jiandu.notifications.models import Notification
from jiandu.workdays.models import CalendarOverlay, CalendarRecompute, RecomputeStatus
from jiandu.workdays.recompute import KEPT, MOVED, UNCHANGED, date_settle

DATA = Path(__file__).resolve().parents[2] / "workdays" / "tests" / "data"
FICTITIOUS_2027 = (DATA / "TEST-fictitious-2027-notice.txt").read_text(encoding="utf-8")
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def december() -> Any:
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI), tick=True) as t:
        yield t


def _forwarded(reporter: Any, agency: Any, bureau_user: Any) -> Finding:
    f = services.finding_submit(
        actor=reporter.user, supervisor=reporter, agency=agency, text="执法人员未出示证件", source=Source.LEAD
    )
    services.finding_forward(actor=bureau_user, finding=f)
    return Finding.objects.get(pk=f.pk)


@pytest.mark.django_db(transaction=True)
def test_paste_preview_load_recompute_and_tell_the_agency(
    december: Any, client: Any, world: Any, reporter: Any, agency: Any, agency_user: Any, bureau_user: Any
) -> None:
    f = _forwarded(reporter, agency, bureau_user)
    assert f.reply_due == dt.date(2027, 1, 4) and f.reply_due_provisional
    forwarded = Notification.objects.get(recipient=agency_user, kind="finding.forwarded")
    assert "2027-01-04（暂定，待2027年放假安排公布后确定）" in forwarded.subject

    # The API and the export carry the flag and the words.
    from django.test import Client

    agency_client = Client()
    client_sign_in(agency_client, agency_user)
    row = next(r for r in agency_client.get("/api/findings/").json() if r["id"] == f.pk)
    assert row["reply_due"] == "2027-01-04" and row["reply_due_provisional"] is True
    assert row["reply_due_note"] == "暂定，待2027年放假安排公布后确定"

    client_sign_in(client, world.users["sysadmin"])
    page = client.post("/calendar/", {"kind": "national", "text": FICTITIOUS_2027, "action": "preview"})
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="preview-ok"' in body and 'data-testid="month-grid"' in body
    assert 'data-date="2027-01-04" data-kind="holiday"' in body  # the fictitious extra day off
    assert 'data-date="2027-01-09" data-kind="workday"' in body
    assert "测试数据" in body
    assert not CalendarOverlay.objects.exists()  # a preview writes nothing

    done = client.post("/calendar/", {"kind": "national", "text": FICTITIOUS_2027, "action": "load"})
    assert done.status_code == 302
    overlay = CalendarOverlay.objects.get(year=2027)
    assert overlay.test_data  # the text calls itself fictitious
    job = CalendarRecompute.objects.get()
    assert job.status == RecomputeStatus.DONE and job.moved == 1, job.error

    f.refresh_from_db()
    assert f.reply_due == dt.date(2027, 1, 5) and not f.reply_due_provisional
    event = AuditEvent.objects.get(action="calendar.date_recompute")
    assert event.before == {"答复截止日": "2027-01-04", "provisional": True}
    assert event.after is not None and event.after["答复截止日"] == "2027-01-05"
    assert AuditEvent.objects.filter(action="calendar.overlay_load").count() == 1
    told = Notification.objects.get(recipient=agency_user, kind="calendar.date_moved")
    assert f.number in told.subject and "2027-01-05" in told.subject
    assert Notification.objects.filter(recipient=reporter.user, kind="calendar.date_moved").exists()
    status = client.get(f"/calendar/recompute/{job.pk}/").content.decode()
    assert "2027-01-05" in status and f.number in status


@pytest.mark.django_db
def test_a_malformed_notice_changes_nothing_and_names_the_line(
    december: Any, client: Any, world: Any
) -> None:
    client_sign_in(client, world.users["sysadmin"])
    bad = FICTITIOUS_2027.replace("1月1日（周五）", "1月1日（周四）")
    page = client.post("/calendar/", {"kind": "national", "text": bad, "action": "load"})
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="failed-line"' in body and "第3行" in body and "周五" in body
    assert not CalendarOverlay.objects.exists() and not CalendarRecompute.objects.exists()


@pytest.mark.django_db
def test_only_the_system_admin_loads_notices(client: Any, world: Any) -> None:
    client_sign_in(client, world.users["weihai_admin"])
    assert client.get("/calendar/").status_code == 403


def test_the_rule_for_moved_and_passed_dates() -> None:
    today = dt.date(2027, 1, 10)
    d = dt.date
    assert date_settle(old=d(2027, 1, 20), computed=d(2027, 1, 20), today=today)[1] == UNCHANGED
    assert date_settle(old=d(2027, 1, 5), computed=d(2027, 1, 12), today=today)[:2] == (d(2027, 1, 5), KEPT)
    assert date_settle(old=d(2027, 1, 20), computed=d(2027, 1, 22), today=today)[:2] == (
        d(2027, 1, 22),
        MOVED,
    )
    assert date_settle(old=d(2027, 1, 20), computed=d(2027, 1, 18), today=today)[:2] == (
        d(2027, 1, 18),
        MOVED,
    )
    assert date_settle(old=d(2027, 1, 20), computed=d(2027, 1, 9), today=today)[:2] == (d(2027, 1, 20), KEPT)
    assert date_settle(old=d(2027, 1, 20), computed=d(2027, 1, 18), today=today, shorten=False)[:2] == (
        d(2027, 1, 20),
        KEPT,
    )


@pytest.mark.django_db(transaction=True)
def test_a_regional_overlay_is_added_on_the_same_page(client: Any, world: Any) -> None:
    client_sign_in(client, world.users["sysadmin"])
    text = "宁夏回族自治区2026年开斋节放假安排（示例，非正式通知）\n开斋节：3月20日（周五）放假1天。"
    form = {"kind": "regional", "region": "640000", "year": "2026", "text": text}
    assert (
        client.post("/calendar/", {**form, "region": "", "action": "preview"})
        .content.decode()
        .count("6位行政区划代码")
    )
    assert client.post("/calendar/", {**form, "action": "load"}).status_code == 302
    row = CalendarOverlay.objects.get(kind="regional")
    assert row.region == "640000" and row.year == 2026 and row.test_data
    from jiandu.workdays.services import work_calendar

    assert not work_calendar("640100").is_working_day(dt.date(2026, 3, 20))
    assert work_calendar().is_working_day(dt.date(2026, 3, 20))
