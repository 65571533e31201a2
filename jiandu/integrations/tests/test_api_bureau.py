"""/api/v1/ for the bureau's own systems (issue 16), through HTTP on the real DB: a programme admin's
token opens and performs the draw, reads the contact list in draw order, reveals one phone (audited as on
the page), records a telephone answer; the triage of findings; and cursor pagination with filters.
The same services as the pages decide; a role or a scope that does not fit is 403."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from jiandu.audit.models import AuditEvent
from jiandu.duties import services as sv
from jiandu.duties.models import AssignmentStatus, DrawRecord, Duty, DutyStatus
from jiandu.duties.tests.conftest import request_data
from jiandu.findings.models import Finding, Status
from jiandu.findings.services import finding_record_inspection
from jiandu.integrations.services import scopes_allowed
from jiandu.integrations.tests.conftest import issue

pytestmark = pytest.mark.django_db


def _post(client: Any, url: str, body: Any = None, key: str | None = None, **headers: Any) -> Any:
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(url, json.dumps(body or {}), content_type="application/json", **headers)


@pytest.fixture
def admin(world: Any) -> Any:
    return world.users["weihai_admin"]


@pytest.fixture
def admin_bearer(admin: Any, frozen: Any) -> dict[str, str]:
    return {
        "HTTP_AUTHORIZATION": f"Bearer {issue(admin, scopes=scopes_allowed(admin), name='市局监督员管理系统')}"
    }


@pytest.fixture
def duty(world: Any, programme: Any, roster: Any, frozen: Any) -> Duty:
    return sv.duty_request(actor=world.users["weihai_procurator"], data=request_data(programme))


def test_a_bureau_token_holds_the_bureau_scopes_and_an_agency_one_does_not(world: Any) -> None:
    assert {"draws:write", "findings:triage", "duties:read", "findings:read"} <= set(
        scopes_allowed(world.users["weihai_admin"])
    )
    assert "draws:write" not in scopes_allowed(world.users["huancui_staff"])
    assert "draws:write" not in scopes_allowed(world.users["weihai_procurator"])


def test_it_opens_and_performs_the_draw_and_reads_the_contacts(client, admin_bearer, duty) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/duties/{duty.pk}/draws"
    opened = _post(client, url, key="open-1", **admin_bearer)
    assert opened.status_code == 201, opened.content
    assert opened.json()["number"] == 1 and len(opened.json()["commitment"]) == 64
    again = _post(client, url, key="open-1", **admin_bearer)
    assert again.status_code == 201 and again.json() == opened.json()  # a retry opens nothing more
    refused = _post(client, url, key="open-2", **admin_bearer)
    assert refused.status_code == 400 and refused.json()["code"] == "refused"

    witnesses = {"witnesses": [{"name": "张三", "role": "检察官", "value": "4821"}]}
    drawn = _post(client, f"{url}/1", witnesses, key="draw-1", **admin_bearer)
    assert drawn.status_code == 201, drawn.content
    body = drawn.json()
    record = DrawRecord.objects.get(duty=duty)
    assert body["draw"]["record_hash"] == record.record_hash
    assert body["duty_status"] == DutyStatus.CONTACTING and len(body["selected"]) == duty.supervisors_needed
    assert AuditEvent.objects.filter(action="duty.draw", actor_name="weihai_admin").count() == 1

    contacts = client.get(f"/api/v1/duties/{duty.pk}/contacts", **admin_bearer)
    assert contacts.status_code == 200
    rows = contacts.json()
    assert [r["supervisor_id"] for r in rows] == body["selected"]
    assert all("*" in r["phone_masked"] for r in rows)

    first = rows[0]["assignment_id"]
    phone = client.get(f"/api/v1/duties/{duty.pk}/contacts/{first}/phone", **admin_bearer)
    assert phone.status_code == 200 and phone.json()["phone"].startswith("138")
    assert AuditEvent.objects.filter(action="personal.reveal", actor_name="weihai_admin").count() == 1

    answered = _post(
        client, f"/api/v1/duties/{duty.pk}/contacts/{first}/answer", {"accept": True}, **admin_bearer
    )
    assert answered.status_code == 200 and answered.json()["status"] == AssignmentStatus.ACCEPTED
    declined = _post(
        client, f"/api/v1/duties/{duty.pk}/contacts/{first}/answer", {"accept": False}, **admin_bearer
    )
    assert declined.status_code == 400 and declined.json()["message"]


def test_the_draw_needs_the_programme_admin_and_the_scope(client, world, duty, frozen) -> None:  # type: ignore[no-untyped-def]
    from jiandu.accounts.testing import client_sign_in

    client_sign_in(client, world.users["huancui_staff"])
    assert _post(client, f"/api/v1/duties/{duty.pk}/draws", key="k").status_code == 403
    client.logout()
    read_only = {"HTTP_AUTHORIZATION": f"Bearer {issue(world.users['weihai_admin'], scopes=['duties:read'])}"}
    missing = _post(client, f"/api/v1/duties/{duty.pk}/draws", key="k", **read_only)
    assert missing.status_code == 403 and missing.json()["code"] == "scope_missing"
    agency = {"HTTP_AUTHORIZATION": f"Bearer {issue(world.users['weihai_procurator'])}"}
    assert _post(client, f"/api/v1/duties/{duty.pk}/draws", key="k", **agency).status_code == 403
    assert Duty.objects.get().status == DutyStatus.REQUESTED


def test_the_duty_list_pages_by_cursor_and_filters(client, world, programme, roster, admin_bearer) -> None:  # type: ignore[no-untyped-def]
    procurator = world.users["weihai_procurator"]
    duties = [
        sv.duty_request(actor=procurator, data=request_data(programme, title=f"案件{i}")) for i in range(5)
    ]
    seen: list[int] = []
    url = "/api/v1/duties/?limit=2"
    while url:
        page = client.get(url, **admin_bearer)
        assert page.status_code == 200
        assert len(page.json()) <= 2
        seen += [d["id"] for d in page.json()]
        link = page.headers.get("Link")
        assert (link is None) == (page.headers.get("X-Next-Cursor") is None)
        url = link.split(";")[0].strip("<>") if link else ""
    assert seen == sorted((d.pk for d in duties), reverse=True)
    sv.duty_cancel(actor=procurator, duty=duties[0], reason="案件撤回")
    cancelled = client.get("/api/v1/duties/?status=cancelled", **admin_bearer).json()
    assert [d["id"] for d in cancelled] == [duties[0].pk]
    on = duties[0].duty_on
    assert len(client.get(f"/api/v1/duties/?date_from={on}&date_to={on}", **admin_bearer).json()) == 5
    assert client.get(f"/api/v1/duties/?date_from={on + dt.timedelta(days=1)}", **admin_bearer).json() == []
    assert client.get("/api/v1/duties/?programme_id=999999", **admin_bearer).json() == []
    bad = client.get("/api/v1/duties/?cursor=not-a-cursor", **admin_bearer)
    assert bad.status_code == 422 and bad.json()["field"] == "cursor"
    assert client.get("/api/v1/duties/?status=nonsense", **admin_bearer).status_code == 422
    assert client.get("/api/v1/duties/?limit=1000", **admin_bearer).status_code == 422


def _finding(world: Any, programme: Any, title: str = "执法记录仪未开启") -> Finding:
    return finding_record_inspection(
        actor=world.users["weihai_admin"],
        programme=programme,
        agency=world.orgs["weihai_procuratorate"],
        text="现场检查发现执法记录仪未全程开启。",
        title=title,
    )


def test_the_bureau_triages_findings(client, world, programme, admin_bearer) -> None:  # type: ignore[no-untyped-def]
    a, b, c = (_finding(world, programme, t) for t in ("甲", "乙", "丙"))
    listed = client.get("/api/v1/bureau/findings/?status=submitted", **admin_bearer)
    assert listed.status_code == 200 and [f["id"] for f in listed.json()] == [c.pk, b.pk, a.pk]
    forwarded = _post(
        client,
        f"/api/v1/bureau/findings/{a.pk}/forward",
        {"note": "请核查", "reply_due": "2026-04-30"},
        **admin_bearer,
    )
    assert forwarded.status_code == 200, forwarded.content
    assert forwarded.json()["status"] == Status.FORWARDED and forwarded.json()["reply_due"]
    again = _post(client, f"/api/v1/bureau/findings/{a.pk}/forward", {}, **admin_bearer)
    assert again.status_code == 400 and again.json()["message"]
    merged = _post(client, f"/api/v1/bureau/findings/{b.pk}/merge", {"into_id": a.pk}, **admin_bearer)
    assert merged.status_code == 200 and merged.json()["merged_into_id"] == a.pk
    declined = _post(
        client, f"/api/v1/bureau/findings/{c.pk}/decline", {"reason": "不属于监督范围"}, **admin_bearer
    )
    assert declined.status_code == 200 and declined.json()["status"] == Status.DECLINED
    assert AuditEvent.objects.filter(action="finding.decline", actor_name="weihai_admin").exists()
    # the agency sees the forwarded one through its own projection, not the bureau's list
    agency = {"HTTP_AUTHORIZATION": f"Bearer {issue(world.users['weihai_procurator'])}"}
    assert client.get("/api/v1/bureau/findings/", **agency).status_code == 403
    assert [f["id"] for f in client.get("/api/v1/findings/", **agency).json()] == [a.pk]
    other = {"HTTP_AUTHORIZATION": f"Bearer {issue(world.users['wanzhou_admin'], scopes=['findings:read'])}"}
    assert client.get(f"/api/v1/bureau/findings/{a.pk}", **other).status_code == 404


def test_a_nul_or_a_lone_surrogate_is_422_and_nothing_is_written(client, world, admin_bearer, duty) -> None:  # type: ignore[no-untyped-def]
    """Found by schemathesis: a witness value holding a NUL was a 500 on PostgreSQL (which cannot store
    it; the page's form fields refuse it). Now a 422 naming the field, before anything runs."""
    url = f"/api/v1/duties/{duty.pk}/draws"
    assert _post(client, url, key="open-1", **admin_bearer).status_code == 201
    for value in ("48\x0021", "48\ud80021"):
        bad = _post(
            client, f"{url}/1", {"witnesses": [{"name": "张三", "value": value}]}, key="d", **admin_bearer
        )
        assert bad.status_code == 422, bad.content
        assert bad.json()["code"] == "invalid" and bad.json()["field"] == "witnesses.value"
    assert not DrawRecord.objects.exists()
    assert client.get("/api/v1/public/certificates/A%00B").status_code == 422
    assert client.get("/api/v1/duties/?status=a%00", **admin_bearer).json()["field"] == "status"


def test_the_bureau_lists_cost_the_same_queries_for_one_row_or_five(
    client, world, programme, admin_bearer
) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, **admin_bearer).status_code == 200
        return len(ctx.captured_queries)

    _finding(world, programme)
    one = count("/api/v1/bureau/findings/")
    for i in range(4):
        _finding(world, programme, f"问题{i}")
    assert count("/api/v1/bureau/findings/") == one
