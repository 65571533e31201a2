"""Issue 16, done when: a test plays an agency's system end to end through the API only.

The procuratorate's system holds a token and a registered webhook endpoint (a real HTTP server on
127.0.0.1 in this test, verifying every signature it receives). It requests a duty with an
Idempotency-Key (and retries it: one duty), hears `duty.drawn` after the bureau draws and
`participant.confirmed` when the supervisor accepts on the phone, reads the participants, posts the
feedback form, hears `record.confirmed` when the supervisor confirms on the phone, hears
`opinion.forwarded` when the bureau forwards the supervisor's opinion, replies with a rectification
plan, reports it done and hears `rectification.verified`. The people (the bureau, the supervisor, the
agency's clerk marking attendance, which the API does not offer) act through their own pages or
services; the database commits for real (transaction=True), so every event leaves on commit as in
production, and the task worker's ImmediateBackend POSTs it at once."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import pytest
from django.test import Client

from jiandu.accounts.testing import client_sign_in
from jiandu.duties import services as dsv
from jiandu.duties.models import Assignment, Duty
from jiandu.duties.tests.conftest import MONDAY, act_as, open_and_draw
from jiandu.findings import services as fsv
from jiandu.findings.models import Finding
from jiandu.integrations.models import DeliveryState, WebhookDelivery
from jiandu.integrations.tests.conftest import duty_body, issue
from jiandu.integrations.tests.receiver import Received, Receiver


def _json(
    client: Client, method: str, url: str, auth: dict[str, Any], body: Any = None, **headers: Any
) -> Any:
    if method == "GET":
        response = client.get(url, **auth)
    else:
        response = client.post(url, json.dumps(body), content_type="application/json", **auth, **headers)
    assert response.status_code in (200, 201), (url, response.status_code, response.content)
    return response.json()


def _heard(receiver: Receiver, event: str, secret: str, count: int = 1) -> list[dict[str, Any]]:
    got: list[Received] = receiver.events(event)
    assert len(got) == count, (event, [r.headers.get("X-Jiandu-Event") for r in receiver.received])
    for r in got:
        assert r.verified(secret, now=int(time.time())), f"{event}: bad signature"
        assert r.headers["Content-Type"].startswith("application/json")
    return [r.json() for r in got]


@pytest.mark.django_db(transaction=True)
def test_an_agencys_system_plays_a_duty_and_an_opinion_through_the_api_and_webhooks(
    world, programme, roster, procurator, receiver, frozen
) -> None:  # type: ignore[no-untyped-def]
    admin = world.users["weihai_admin"]
    system = Client()  # the agency's case system: a bearer token, no session
    auth = {"HTTP_AUTHORIZATION": f"Bearer {issue(procurator)}"}

    # The agency's staff register the system's endpoint on the page; the secret is shown once.
    clerk = Client()
    client_sign_in(clerk, procurator)
    page = clerk.post(
        "/integrations/webhooks/",
        {
            "name": "检察业务应用系统",
            "url": receiver.url,
            "events": [
                "duty.drawn",
                "participant.confirmed",
                "record.confirmed",
                "opinion.forwarded",
                "rectification.verified",
            ],
        },
    )
    assert page.status_code == 200 and page.context is not None
    secret = page.context["created"]["secret"]

    # 1. Request a duty; the network drops the answer and the system retries with the same key.
    body = duty_body(programme, supervisors_needed=1)
    key = {"HTTP_IDEMPOTENCY_KEY": "JC-2026-0309-001"}
    created = _json(system, "POST", "/api/v1/duties/", auth, body, **key)
    retried = _json(system, "POST", "/api/v1/duties/", auth, body, **key)
    assert retried == created and Duty.objects.count() == 1
    duty_id = created["id"]
    assert created["lead"]["outcome"] == "allowed" and created["lead"]["reasons"][0]["article"]
    assert receiver.received == []  # nothing to tell yet

    # 2. The bureau draws; the system hears duty.drawn, signed.
    duty = Duty.objects.get(pk=duty_id)
    drawn = open_and_draw(world, duty)
    [event] = _heard(receiver, "duty.drawn", secret)
    assert (
        event["data"]["duty"]["id"] == duty_id and event["data"]["draw"]["record_hash"] == drawn.record_hash
    )
    detail = _json(system, "GET", event["data"]["duty"]["api_url"], auth)
    assert detail["draws"][0]["record_hash"] == drawn.record_hash

    # 3. The drawn supervisor accepts on the phone; the system hears it and reads the participants.
    assignment = Assignment.objects.get(duty_id=duty_id)
    supervisor = act_as(world, assignment.supervisor)
    phone = Client()
    client_sign_in(phone, supervisor)
    assert phone.post(f"/duties/mine/{assignment.pk}/respond/", {"action": "accept"}).status_code == 302
    [event] = _heard(receiver, "participant.confirmed", secret)
    assert event["data"]["staffed"] is True and event["data"]["supervisor_id"] == assignment.supervisor_id
    participants = _json(system, "GET", event["data"]["participants_url"], auth)
    assert [(p["supervisor_id"], p["phone"]) for p in participants] == [
        (assignment.supervisor_id, assignment.supervisor.phone)
    ]

    # 4. The day: the clerk marks attendance (a page, not an API operation); the system posts the form.
    frozen.move_to(dt.datetime.combine(MONDAY + dt.timedelta(days=14), dt.time(10), tzinfo=dt.UTC))
    dsv.attendance_record(actor=procurator, duty=duty, present={assignment.pk})
    form = {
        "summary": "听证会按程序进行，当事人充分陈述",
        "opinions": [
            {
                "supervisor_id": assignment.supervisor_id,
                "text": "建议对听证笔录补充当事人陈述",
                "adoption": "adopted",
            }
        ],
    }
    record = _json(system, "POST", f"/api/v1/duties/{duty_id}/record", auth, form)
    assert record["confirmations"][0]["confirmed"] is False

    # 5. The supervisor confirms on the phone; the system hears record.confirmed and reads it.
    client_sign_in(phone, supervisor)  # two weeks on: a new session on the phone
    assert phone.post(f"/duties/mine/{assignment.pk}/confirm/").status_code == 302
    [event] = _heard(receiver, "record.confirmed", secret)
    assert event["data"]["all_confirmed"] is True and event["data"]["content_hash"] == record["content_hash"]
    confirmed = _json(system, "GET", event["data"]["record_url"], auth)
    assert (
        confirmed["confirmations"][0]["confirmed"] is True and confirmed["confirmations"][0]["via"] == "phone"
    )

    # 6. The bureau sends the opinion on and forwards it; the system hears opinion.forwarded and replies
    #    with a plan, then reports the rectification done; the bureau verifies it.
    opinion = dsv.opinion_send_to_findings(
        actor=admin, opinion=Duty.objects.get(pk=duty_id).record.opinions.get()
    )
    finding = Finding.objects.get(pk=int(opinion.finding_ref))
    fsv.finding_forward(actor=admin, finding=finding, reply_due=MONDAY + dt.timedelta(days=60))
    [event] = _heard(receiver, "opinion.forwarded", secret)
    assert event["data"]["finding"]["id"] == finding.pk and event["data"]["finding"]["reply_due"]
    read = _json(system, "GET", event["data"]["finding"]["api_url"], auth)
    assert read["status"] == "forwarded" and "补充当事人陈述" in read["text"]
    reply = {
        "adopted": True,
        "reply_text": "意见采纳，已制定整改计划",
        "correction": "plan",
        "rectification_plan": "修订听证笔录模板，增加当事人陈述栏",
        "rectify_due": (MONDAY + dt.timedelta(days=45)).isoformat(),
    }
    assert (
        _json(system, "POST", f"/api/v1/findings/{finding.pk}/reply", auth, reply)["status"] == "rectifying"
    )
    done = {"report": "模板已修订并下发"}
    assert (
        _json(system, "POST", f"/api/v1/findings/{finding.pk}/rectified", auth, done)["status"] == "replied"
    )
    fsv.finding_verify(actor=admin, finding=finding, result_text="整改到位，予以销号")
    [event] = _heard(receiver, "rectification.verified", secret)
    assert event["data"]["finding"]["status"] == "closed" and event["data"]["finding"]["correction"] == "plan"

    # Every event was delivered once, each with its own event id, and logged as delivered.
    deliveries = WebhookDelivery.objects.all()
    assert len(receiver.received) == deliveries.count() == 5
    assert {d.state for d in deliveries} == {DeliveryState.DELIVERED}
    assert len({r.headers["X-Jiandu-Event-Id"] for r in receiver.received}) == 5
