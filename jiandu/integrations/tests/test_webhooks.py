"""Webhooks (issue 16 §3): registered on the page (secret shown once, stored encrypted, audited),
emitted by the services on commit, POSTed for real to a server on 127.0.0.1, signed, retried with
backoff up to a maximum, never following a redirect, logged and replayable."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
import time_machine
from django.db import connection

from jiandu.accounts.testing import client_sign_in
from jiandu.audit.models import AuditEvent
from jiandu.duties import services as sv
from jiandu.duties.tests.conftest import open_and_draw, request_data
from jiandu.integrations import webhooks
from jiandu.integrations.models import DeliveryState, WebhookDelivery, WebhookEndpoint, WebhookEvent
from jiandu.integrations.webhooks_delivery import (
    MAX_KEPT,
    backoff,
    deliveries_due,
    delivery_body,
    signature,
    signature_verify,
)

pytestmark = pytest.mark.django_db
URL = "/integrations/webhooks/"
ALL_EVENTS = [e.value for e in WebhookEvent]


def register(user: Any, url: str, events: list[str] | None = None) -> tuple[WebhookEndpoint, str]:
    return webhooks.endpoint_create(actor=user, name="检察业务应用系统", url=url, events=events or ALL_EVENTS)


def test_it_registers_an_endpoint_with_the_secret_shown_once_and_stored_encrypted(
    client, procurator, receiver
) -> None:  # type: ignore[no-untyped-def]
    client_sign_in(client, procurator)
    response = client.post(URL, {"name": "检察业务应用系统", "url": receiver.url, "events": ["duty.drawn"]})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert response.context is not None
    secret = response.context["created"]["secret"]
    assert secret.startswith("whsec_") and secret in response.content.decode()
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret == secret and endpoint.events == ["duty.drawn"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM integrations_webhookendpoint WHERE id = %s", [endpoint.pk])
        row = cursor.fetchone()
    assert row is not None
    stored = row[0]
    assert secret not in stored  # ciphertext at rest (it must be read back to sign)
    event = AuditEvent.objects.get(action="webhook.create")
    assert event.after is not None and secret not in str(event.after) and event.after["url"] == receiver.url
    again = client.get(URL).content.decode()
    assert secret not in again and "检察业务应用系统" in again


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://example.gov.cn/hook", "https://"),
        ("ftp://example.gov.cn/hook", "https://"),
        ("https://user:pw@example.gov.cn/hook", "用户名或密码"),
        ("https:///hook", "主机名"),
        ("http://10.0.0.5/hook", "https://"),
    ],
)
def test_it_refuses_an_address_that_is_not_https(client, procurator, url, message) -> None:  # type: ignore[no-untyped-def]
    client_sign_in(client, procurator)
    response = client.post(URL, {"name": "x", "url": url, "events": ["duty.drawn"]})
    assert response.status_code == 200 and message in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_http_to_this_machine_only_while_developing(procurator, settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    settings.JIANDU_WEBHOOK_ALLOW_LOOPBACK_HTTP, settings.DEBUG = False, False
    for url in ("http://127.0.0.1:9/hook", "https://127.0.0.1/hook", "https://[::1]/hook"):
        with pytest.raises(ValidationError):
            webhooks.endpoint_url_clean(url)
    assert webhooks.endpoint_url_clean("https://jiancha.example.gov.cn/hook") == (
        "https://jiancha.example.gov.cn/hook"
    )
    settings.DEBUG = True
    assert webhooks.endpoint_url_clean("http://localhost:8116/hook") == "http://localhost:8116/hook"


def test_the_page_is_for_agency_staff_and_their_own_endpoints(client, world, procurator, receiver) -> None:  # type: ignore[no-untyped-def]
    endpoint, _secret = register(procurator, receiver.url)
    client_sign_in(client, world.users["weihai_admin"])
    assert client.get(URL).status_code == 403
    client_sign_in(client, world.users["wanzhou_market_staff"])
    page = client.get(URL)
    assert page.status_code == 200 and receiver.url not in page.content.decode()
    assert client.post(f"{URL}{endpoint.pk}/disable/").status_code == 404
    client_sign_in(client, procurator)
    assert client.get(f"{URL}{endpoint.pk}/disable/").status_code == 405
    assert client.post(f"{URL}{endpoint.pk}/disable/").status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.disabled_by == procurator
    assert AuditEvent.objects.filter(action="webhook.disable").exists()


def test_a_draw_is_pushed_signed_to_the_agency_that_asked(
    world, programme, roster, procurator, receiver, frozen, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _endpoint, secret = register(procurator, receiver.url, ["duty.drawn", "record.confirmed"])
    register(world.users["wanzhou_market_staff"], receiver.url + "/other", ["duty.drawn"])
    duty = sv.duty_request(actor=procurator, data=request_data(programme, supervisors_needed=2))
    with django_capture_on_commit_callbacks(execute=True):
        drawn = open_and_draw(world, duty)
    assert len(receiver.received) == 1  # the other organisation's endpoint hears nothing
    got = receiver.received[0]
    assert got.path == "/jiandu/hook" and got.headers["X-Jiandu-Event"] == "duty.drawn"
    assert got.verified(secret, now=int(time.time()))
    assert not got.verified("whsec_wrong", now=int(time.time()))
    assert not got.verified(secret, now=int(time.time()) + 3600)  # too old: a replayed capture
    body = got.json()
    assert body["event"] == "duty.drawn" and body["id"] == got.headers["X-Jiandu-Event-Id"]
    assert body["data"]["duty"]["id"] == duty.pk and body["data"]["draw"]["record_hash"] == drawn.record_hash
    assert body["data"]["invited"] == 2
    assert "刘洋" not in got.body.decode() and "13800000001" not in got.body.decode()  # ids, not people
    delivery = WebhookDelivery.objects.get(event="duty.drawn", endpoint__organisation=procurator.organisation)
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 1
    assert delivery.response_status == 200 and delivery.response_body == '{"ok":true}'


def test_a_failed_delivery_is_retried_with_backoff_then_given_up(
    procurator, receiver, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    settings.JIANDU_WEBHOOK_MAX_ATTEMPTS = 3
    register(procurator, receiver.url, ["calendar.recomputed"])
    receiver.status, receiver.answer = 503, "维护中".encode() * 2000
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.calendar_recomputed_emit(year=2027, counts={"moved": 3, "kept": 1, "unchanged": 9})
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == DeliveryState.PENDING and delivery.attempts == 1
    assert delivery.error == "HTTP 503" and len(delivery.response_body) == MAX_KEPT
    assert delivery.next_attempt_at is not None and delivery.last_attempt_at is not None
    assert delivery.next_attempt_at - delivery.last_attempt_at >= backoff(1) == dt.timedelta(minutes=1)
    assert deliveries_due() == {}  # not yet
    with time_machine.travel(dt.timedelta(minutes=1, seconds=5)):
        assert deliveries_due() == {"pending": 1}
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.next_attempt_at - delivery.last_attempt_at >= backoff(2)
    with time_machine.travel(dt.timedelta(minutes=4)):
        assert deliveries_due() == {"failed": 1}
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED and delivery.next_attempt_at is None
    assert [h["status"] for h in delivery.history] == [503, 503, 503]
    assert len(receiver.received) == 3
    # each attempt is signed afresh over the same body
    assert len({r.headers["X-Jiandu-Signature"] for r in receiver.received} | {""}) >= 2
    assert {r.body for r in receiver.received} == {delivery_body(delivery.payload)}


def test_a_redirect_is_not_followed(procurator, receiver, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    register(procurator, receiver.url, ["calendar.recomputed"])
    receiver.status, receiver.extra_headers = 302, {"Location": receiver.url + "/elsewhere"}
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.calendar_recomputed_emit(year=2027, counts={})
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == DeliveryState.PENDING and "不跟随重定向" in delivery.error
    assert [r.path for r in receiver.received] == ["/jiandu/hook"]


def test_an_unreachable_endpoint_is_an_error_not_a_crash(
    procurator, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    register(procurator, f"http://127.0.0.1:{port}/hook", ["calendar.recomputed"])
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.calendar_recomputed_emit(year=2027, counts={})
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == DeliveryState.PENDING and delivery.response_status is None
    assert "ConnectionRefusedError" in delivery.error


def test_it_replays_a_delivery_from_the_log(
    client, world, procurator, receiver, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _endpoint, secret = register(procurator, receiver.url, ["calendar.recomputed"])
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.calendar_recomputed_emit(year=2027, counts={"moved": 1})
    first = WebhookDelivery.objects.get()
    client_sign_in(client, procurator)
    page = client.get(URL).content.decode()
    assert "calendar.recomputed" in page and "已送达" in page
    replay_url = f"{URL}deliveries/{first.pk}/replay/"
    assert client.get(replay_url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(replay_url).status_code == 302
    replay = WebhookDelivery.objects.exclude(pk=first.pk).get()
    assert replay.replay_of == first and replay.event_id == first.event_id
    assert replay.state == DeliveryState.DELIVERED and replay.replayed_by == procurator
    assert [r.json()["id"] for r in receiver.received] == [str(first.event_id)] * 2
    assert all(r.verified(secret, now=int(time.time())) for r in receiver.received)
    event = AuditEvent.objects.get(action="webhook.replay")
    assert event.after is not None and event.after["replay_of"] == first.pk
    client_sign_in(client, world.users["wanzhou_market_staff"])
    assert client.post(replay_url).status_code == 404


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    import hashlib
    import hmac

    body = '{"event":"duty.drawn","data":{"duty":{"title":"某某案公开听证"}}}'.encode()
    header = signature("whsec_test", body, 1_800_000_000)
    expected = hmac.new(b"whsec_test", b"1800000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1800000000,v1={expected}"
    assert signature_verify("whsec_test", body, header, now=1_800_000_100)
    assert not signature_verify("whsec_test", body + b" ", header, now=1_800_000_100)
    assert not signature_verify("whsec_test", body, "garbage", now=1_800_000_100)


def test_the_verification_sample_in_the_docs_accepts_a_real_signature() -> None:
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[3] / "docs" / "api.md").read_text(encoding="utf-8")
    section = doc.split("### Verifying the signature", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, flags=re.S)
    assert code is not None
    namespace: dict[str, Any] = {}
    exec(code.group(1), namespace)  # noqa: S102 (our own documentation's sample)
    check = namespace["jiandu_signature_ok"]
    body = delivery_body({"event": "duty.drawn", "data": {"duty": {"title": "某某案公开听证"}}})
    header = signature("whsec_doc", body, int(time.time()))
    assert check("whsec_doc", body, header) is True
    assert check("whsec_other", body, header) is False
    assert check("whsec_doc", body, signature("whsec_doc", body, int(time.time()) - 3600)) is False


def test_the_calendar_recompute_tells_every_subscribed_system(
    world, procurator, receiver, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from jiandu.workdays.models import CalendarRecompute
    from jiandu.workdays.tasks import calendar_recompute_task

    _endpoint, secret = register(procurator, receiver.url, ["calendar.recomputed"])
    register(world.users["wanzhou_market_staff"], receiver.url + "/wanzhou", ["calendar.recomputed"])
    register(world.users["wanzhou_market_staff"], receiver.url + "/deaf", ["duty.drawn"])
    job = CalendarRecompute.objects.create(year=2027, created_by=world.users["sysadmin"])
    with django_capture_on_commit_callbacks(execute=True):
        calendar_recompute_task.call(job.pk)
    assert sorted(r.path for r in receiver.received) == ["/jiandu/hook", "/jiandu/hook/wanzhou"]
    mine = next(r for r in receiver.received if r.path == "/jiandu/hook")
    assert mine.verified(secret, now=int(time.time()))
    data = mine.json()["data"]
    assert data["year"] == 2027 and set(data) == {"year", "moved", "kept", "unchanged"}


def test_a_disabled_endpoint_gets_nothing_more(procurator, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    endpoint, _secret = register(procurator, "http://127.0.0.1:9/hook", ["calendar.recomputed"])
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.calendar_recomputed_emit(year=2027, counts={})
    waiting = WebhookDelivery.objects.get()
    assert waiting.state == DeliveryState.PENDING
    webhooks.endpoint_disable(actor=procurator, endpoint=endpoint)
    with time_machine.travel(dt.timedelta(hours=1)):
        deliveries_due()
        webhooks.calendar_recomputed_emit(year=2028, counts={})  # no row for a disabled endpoint
    waiting.refresh_from_db()
    assert waiting.state == DeliveryState.FAILED and waiting.error == "推送地址已停用"
    assert waiting.attempts == 1 and WebhookDelivery.objects.count() == 1


def test_the_page_costs_the_same_queries_however_many_endpoints_and_deliveries(
    client, procurator, receiver, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from django.test.utils import CaptureQueriesContext

    register(procurator, receiver.url, ["calendar.recomputed"])
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.calendar_recomputed_emit(year=2027, counts={})
    client_sign_in(client, procurator)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for n in range(3):
        register(procurator, f"{receiver.url}/{n}", ["calendar.recomputed"])
    with django_capture_on_commit_callbacks(execute=True):
        for year in (2028, 2029):
            webhooks.calendar_recomputed_emit(year=year, counts={})
    first = WebhookDelivery.objects.order_by("id").first()
    assert first is not None
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.delivery_replay(actor=procurator, delivery=first)
    assert WebhookDelivery.objects.count() == 10
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
