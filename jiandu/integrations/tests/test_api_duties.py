"""/api/v1/duties/ through HTTP with a token, on the real DB: the agency's system requests a duty (the
lead-time decision comes back with its article), a retry with the same Idempotency-Key makes one duty,
and it reads the draw and the participants and cancels — the same services as the pages."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from jiandu.audit.models import AuditEvent
from jiandu.duties import services as sv
from jiandu.duties.models import AssignmentStatus, Duty, DutyStatus
from jiandu.duties.tests.conftest import MONDAY, open_and_draw
from jiandu.integrations.models import ApiToken
from jiandu.integrations.tests.conftest import duty_body, issue

pytestmark = pytest.mark.django_db


def _post(client: Any, url: str, body: dict[str, Any], key: str | None = "k-1", **headers: Any) -> Any:
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_it_requests_a_duty_and_returns_the_lead_time_decision(client, programme, roster, bearer) -> None:  # type: ignore[no-untyped-def]
    response = _post(client, "/api/v1/duties/", duty_body(programme), **bearer)
    assert response.status_code == 201, response.content
    body = response.json()
    duty = Duty.objects.get()
    assert body["id"] == duty.pk and body["status"] == DutyStatus.REQUESTED
    assert body["lead"]["outcome"] == "allowed" and body["lead"]["provisional"] is False
    reason = body["lead"]["reasons"][0]
    assert reason["article"] == duty.lead_decision["reasons"][0]["article"] and reason["article"]
    assert reason["rulebook"] == "weihai-people-2024"
    # written by the page's service, audited as the token's issuer, and the call under the token's name
    assert AuditEvent.objects.filter(action="duty.request", actor_name="weihai_procurator").exists()
    call = AuditEvent.objects.filter(action="api.call").first()
    assert call is not None and call.after is not None
    assert call.after["token"] == "检察业务应用系统" and call.after["method"] == "POST"


def test_a_retried_create_with_the_same_key_makes_one_duty(client, programme, roster, bearer) -> None:  # type: ignore[no-untyped-def]
    first = _post(client, "/api/v1/duties/", duty_body(programme), key="retry-7", **bearer)
    again = _post(client, "/api/v1/duties/", duty_body(programme), key="retry-7", **bearer)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Duty.objects.count() == 1
    other = _post(client, "/api/v1/duties/", duty_body(programme, title="另一案"), key="retry-7", **bearer)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_conflict"
    assert Duty.objects.count() == 1
    assert _post(client, "/api/v1/duties/", duty_body(programme), key=None, **bearer).status_code == 422


def test_a_late_request_is_refused_with_its_article_and_nothing_written(
    client, programme, roster, bearer
) -> None:  # type: ignore[no-untyped-def]
    late = duty_body(programme, duty_on=(MONDAY + dt.timedelta(days=2)).isoformat())
    response = _post(client, "/api/v1/duties/", late, **bearer)
    assert response.status_code == 400
    error = response.json()
    assert set(error) == {"code", "message", "field", "article"}
    assert error["article"] and error["code"].startswith("request.")
    assert Duty.objects.count() == 0
    # the refusal left no key behind: the corrected request with the same key goes through
    ok = _post(client, "/api/v1/duties/", duty_body(programme), **bearer)
    assert ok.status_code == 201


def test_it_answers_bad_input_in_the_error_shape(client, programme, roster, bearer) -> None:  # type: ignore[no-untyped-def]
    bad_type = _post(client, "/api/v1/duties/", duty_body(programme, supervisors_needed="三"), **bearer)
    assert bad_type.status_code == 422
    assert bad_type.json()["code"] == "invalid" and bad_type.json()["field"] == "supervisors_needed"
    foreign = _post(client, "/api/v1/duties/", duty_body(programme, programme_id=999999), **bearer)
    assert foreign.status_code == 422 and foreign.json()["field"] == "programme_id"
    assert Duty.objects.count() == 0


def test_it_reads_the_draw_and_the_participants_and_cancels(client, world, programme, roster, bearer) -> None:  # type: ignore[no-untyped-def]
    duty = sv.duty_request(actor=world.users["weihai_procurator"], data=_data(programme))
    drawn = open_and_draw(world, duty)
    first = duty.assignments.order_by("position").first()
    assert first is not None
    first.status = AssignmentStatus.ACCEPTED
    first.save(update_fields=["status"])
    detail = client.get(f"/api/v1/duties/{duty.pk}", **bearer).json()
    assert detail["draws"][0]["record_hash"] == drawn.record_hash
    rows = client.get(f"/api/v1/duties/{duty.pk}/participants", **bearer).json()
    assert [r["full_name"] for r in rows] == [first.supervisor.full_name]
    assert rows[0]["phone"] == first.supervisor.phone
    assert AuditEvent.objects.filter(action="duty.participants_view", target_id=str(duty.pk)).exists()
    cancelled = _post(
        client, f"/api/v1/duties/{duty.pk}/cancel", {"reason": "案件已撤回"}, key=None, **bearer
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == DutyStatus.CANCELLED
    again = _post(client, f"/api/v1/duties/{duty.pk}/cancel", {"reason": "再取消"}, key=None, **bearer)
    assert again.status_code == 400 and again.json()["code"] == "refused"


def test_another_agencys_duty_is_not_found(client, world, programme, roster, frozen) -> None:  # type: ignore[no-untyped-def]
    duty = sv.duty_request(actor=world.users["weihai_procurator"], data=_data(programme))
    raw = issue(world.users["wanzhou_market_staff"], name="万州系统")
    other = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get(f"/api/v1/duties/{duty.pk}", **other).status_code == 404
    response = _post(client, f"/api/v1/duties/{duty.pk}/cancel", {"reason": "x"}, key=None, **other)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert Duty.objects.get().status == DutyStatus.REQUESTED


def test_a_token_without_the_scope_is_refused(client, procurator, programme, roster, frozen) -> None:  # type: ignore[no-untyped-def]
    raw = issue(procurator, scopes=["duties:read"], name="只读")
    response = _post(client, "/api/v1/duties/", duty_body(programme), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 403 and response.json()["code"] == "scope_missing"
    assert Duty.objects.count() == 0
    assert AuditEvent.objects.filter(action="permission.denied", outcome="denied").exists()


@pytest.mark.parametrize("how", ["revoked", "expired", "unknown", "none", "issuer_deactivated"])
def test_it_refuses_a_dead_token(client, procurator, programme, roster, frozen, how) -> None:  # type: ignore[no-untyped-def]
    from jiandu.integrations.services import token_revoke

    raw = issue(procurator)
    token = ApiToken.objects.get()
    if how == "revoked":
        token_revoke(actor=procurator, token=token)
    elif how == "expired":
        frozen.move_to(dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    elif how == "unknown":
        raw = raw[:-2] + "zz"
    elif how == "issuer_deactivated":
        procurator.is_active = False
        procurator.save(update_fields=["is_active"])
    headers = {} if how == "none" else {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    response = client.get("/api/v1/duties/", **headers)
    assert response.status_code == 401
    assert response.json() == {
        "code": "unauthenticated",
        "message": "未提供有效的接口令牌或登录会话",
        "field": None,
        "article": None,
    }


def test_it_limits_the_rate_per_token(client, settings, procurator, bearer) -> None:  # type: ignore[no-untyped-def]
    settings.JIANDU_RATE_API_TOKEN = "3/m"
    codes = [client.get("/api/v1/duties/", **bearer).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    # another token of the same organisation has its own budget
    other = {"HTTP_AUTHORIZATION": f"Bearer {issue(procurator, name='另一系统')}"}
    assert client.get("/api/v1/duties/", **other).status_code == 200


def test_the_browser_session_still_works(client, procurator, programme, roster, frozen) -> None:  # type: ignore[no-untyped-def]
    from jiandu.accounts.testing import client_sign_in

    client_sign_in(client, procurator)
    assert client.get("/api/v1/duties/").status_code == 200
    assert client.get("/api/me").json()["username"] == "weihai_procurator"


def test_the_openapi_lists_every_answer_with_the_error_body(client, procurator) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["components"]["schemas"]["ErrorOut"]["required"] == ["code", "message"]
    operations = [(path, m, op) for path, item in schema["paths"].items() for m, op in item.items()]
    assert len(operations) >= 9
    assert schema["openapi"].startswith("3.1")
    for path, method, op in operations:
        codes = set(op["responses"])
        public = path.startswith("/api/v1/public/")
        assert public != bool(op.get("security")), path
        assert ({"429"} if public else {"401", "403", "429"}) <= codes, path
        if "{" in path:
            assert "404" in codes, path
        if method == "post":
            assert {"400", "422"} <= codes, path
        # 409 only where a create takes an idempotency key
        keyed = any(p["name"] == "Idempotency-Key" for p in op.get("parameters", []))
        assert ("409" in codes) == keyed, path
        example = op["responses"]["429"]["content"]["application/json"]["example"]
        assert example["message"]


def _data(programme: Any, **kw: Any) -> sv.DutyRequestData:
    from jiandu.duties.tests.conftest import request_data

    return request_data(programme, **{"supervisors_needed": 2, **kw})


def test_the_list_costs_the_same_number_of_queries_however_many_duties(  # type: ignore[no-untyped-def]
    client, world, programme, roster, bearer
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    procurator = world.users["weihai_procurator"]
    duty = sv.duty_request(actor=procurator, data=_data(programme))
    open_and_draw(world, duty)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/v1/duties/", **bearer).json()) == 1
    for i in range(4):
        extra = sv.duty_request(actor=procurator, data=_data(programme, title=f"案{i}"))
        open_and_draw(world, extra)
    with CaptureQueriesContext(connection) as five:
        assert len(client.get("/api/v1/duties/", **bearer).json()) == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_it_takes_draw_quotas(client, programme, roster, bearer) -> None:  # type: ignore[no-untyped-def]
    quotas = [
        {"category": "gender", "value": "女", "min": 1, "max": 2},
        {"category": "ethnicity", "value": "回族"},
    ]
    response = _post(client, "/api/v1/duties/", duty_body(programme, quotas=quotas), **bearer)
    assert response.status_code == 201, response.content
    assert Duty.objects.get().quotas == [
        {"category": "gender", "value": "女", "min": 1, "max": 2},
        {"category": "ethnicity", "value": "回族", "min": 0, "max": None},
    ]
    bad = [{"category": "zodiac", "value": "狮子", "min": 1}]
    refused = _post(client, "/api/v1/duties/", duty_body(programme, quotas=bad), key="k-2", **bearer)
    assert refused.status_code in (400, 422) and "名额要求" in refused.json()["message"]
    assert Duty.objects.count() == 1
