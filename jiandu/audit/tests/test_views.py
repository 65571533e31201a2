"""The auditor browses and filters the audit trail (issue #2 §7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiandu.accounts.roles import Role
from jiandu.accounts.services import user_create
from jiandu.accounts.testing import client_sign_in
from jiandu.audit.models import AuditEvent
from jiandu.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor_client(client, world):  # type: ignore[no-untyped-def]
    client_sign_in(client, world.users["auditor"])
    return client


def _rows(response) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    return html[html.index('data-testid="audit-events"') :]


def test_filters(auditor_client, world) -> None:  # type: ignore[no-untyped-def]
    staff = world.users["huancui_staff"]
    audit_record(actor=staff, action="supervisor.appoint", target=staff, after={"x": 1})
    audit_record(actor=None, actor_name="ghost", action="auth.login", target_repr="ghost", outcome="failure")
    audit_record(
        actor=staff,
        action="supervisor.appoint",
        target_repr="旧事件",
        at=dt.datetime(2025, 1, 5, 3, tzinfo=dt.UTC),
    )

    by_action = _rows(auditor_client.get("/audit/", {"action": "supervisor."}))
    assert by_action.count("supervisor.appoint") == 2 and "auth.login" not in by_action
    by_outcome = _rows(auditor_client.get("/audit/", {"outcome": "failure"}))
    assert "ghost" in by_outcome and "supervisor.appoint" not in by_outcome
    by_actor = _rows(auditor_client.get("/audit/", {"actor": "huancui"}))
    assert "supervisor.appoint" in by_actor and "ghost" not in by_actor
    by_date = _rows(auditor_client.get("/audit/", {"date_from": "2025-01-05", "date_to": "2025-01-05"}))
    assert "旧事件" in by_date and by_date.count("supervisor.appoint") == 1
    by_target = _rows(auditor_client.get("/audit/", {"target": str(staff.pk), "action": "supervisor."}))
    assert by_target.count("supervisor.appoint") == 1
    bad = auditor_client.get("/audit/", {"date_from": "2025-02-01", "date_to": "2025-01-01"})
    assert "截止日期不能早于起始日期" in bad.content.decode()


def test_pages_cost_the_same_number_of_queries_however_many_events(auditor_client, world) -> None:  # type: ignore[no-untyped-def]
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert auditor_client.get("/audit/").status_code == 200
        return len(ctx.captured_queries)

    for i in range(5):
        audit_record(actor=world.users["huancui_staff"], action="test.few", target_repr=str(i))
    few = count()
    for i in range(120):
        audit_record(actor=world.users["huancui_staff"], action="test.many", target_repr=str(i))
    many = count()
    assert few == many
    second = auditor_client.get("/audit/", {"page": 2})
    assert second.status_code == 200 and "第 2 /" in second.content.decode()


def test_detail_shows_before_and_after(auditor_client, world) -> None:  # type: ignore[no-untyped-def]
    event = audit_record(
        actor=world.users["security"],
        action="account.update",
        target=world.users["huancui_staff"],
        before={"role": "regional_staff", "full_name": "周强"},
        after={"role": "agency_staff", "full_name": "周强"},
    )
    html = auditor_client.get(f"/audit/{event.seq}/").content.decode()
    assert "regional_staff" in html and "agency_staff" in html and event.hash in html
    assert 'class="changed"' in html


def test_an_auditor_below_the_root_sees_only_its_subtree(client, world) -> None:  # type: ignore[no-untyped-def]
    local = user_create(
        actor=None,
        username="weihai_auditor",
        password="Shenji-Guanli-1",
        role=Role.AUDITOR,
        organisation=world.orgs["weihai_justice"],
    )
    inside = audit_record(actor=world.users["huancui_staff"], action="test.inside")
    outside = audit_record(actor=world.users["wanzhou_admin"], action="test.outside")
    anonymous = audit_record(actor=None, actor_name="ghost", action="test.anonymous")
    client_sign_in(client, local)
    rows = _rows(client.get("/audit/"))
    assert "test.inside" in rows and "test.outside" not in rows and "test.anonymous" not in rows
    assert client.get(f"/audit/{inside.seq}/").status_code == 200
    assert client.get(f"/audit/{outside.seq}/").status_code == 404
    assert client.get(f"/audit/{anonymous.seq}/").status_code == 404
    assert AuditEvent.objects.filter(seq=outside.seq).exists()


def test_export_is_csv_and_is_itself_audited(auditor_client, world) -> None:  # type: ignore[no-untyped-def]
    audit_record(actor=world.users["huancui_staff"], action="supervisor.appoint", after={"姓名": "张三"})
    response = auditor_client.get("/audit/export.csv", {"action": "supervisor."})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff序号,时间")
    assert "supervisor.appoint" in body and "张三" in body and "auth.login" not in body
    export = AuditEvent.objects.get(action="audit.export")
    assert export.actor_id == world.users["auditor"].pk
    assert export.after == {"filters": {"action": "supervisor."}, "count": 1}


def test_export_neutralises_formulas(auditor_client, world) -> None:  # type: ignore[no-untyped-def]
    """Issue 11 #4: user-typed labels must not become live formulas in the audit CSV."""
    import csv
    import io

    audit_record(
        actor=world.users["huancui_staff"],
        action="supervisor.appoint",
        target_type="roster.supervisor",
        target_repr="=cmd|' /C calc'!A0",
    )
    response = auditor_client.get("/audit/export.csv", {"action": "supervisor."})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(body)) for c in row]
    assert "'=cmd|' /C calc'!A0" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
