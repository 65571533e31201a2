"""Reaching the drawn supervisors: masked phones revealed one click at a time (audited), invitations by
SMS and in-app with a link, an answer deadline set by the bureau, a time-out moving on to the next in
draw order with its time recorded, and the list for the procuratorate generated from the answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jiandu.accounts.testing import client_sign_in
from jiandu.audit.models import AuditEvent
from jiandu.duties import contact
from jiandu.duties import services as sv
from jiandu.duties.models import AssignmentStatus
from jiandu.notifications.models import Notification
from jiandu.notifications.sms import MemorySmsBackend
from jiandu.rules.identifiers import mobile_mask

from .conftest import act_as, open_and_draw


@pytest.fixture(autouse=True)
def _outbox() -> None:
    MemorySmsBackend.outbox.clear()


def signed_in(user: Any) -> Client:
    client = Client()
    client_sign_in(client, user)
    return client


def _phones(roster: dict[str, Any]) -> None:
    # Written straight to the rows (no audit needed here), so with the mask the services store beside it.
    for i, s in enumerate(roster.values()):
        s.phone = f"1380000{i:04d}"
        s.phone_masked = mobile_mask(s.phone)
        s.save(update_fields=["phone", "phone_masked"])


def test_invitations_deadline_time_out_and_the_next_in_order(
    world: Any, duty: Any, roster: Any, frozen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _phones(roster)
    admin = world.users["weihai_admin"]
    contact.duty_set_answer_window(actor=admin, duty=duty, hours=24)
    open_and_draw(world, duty)
    first = list(duty.assignments.order_by("position"))
    assert [a.status for a in first] == [AssignmentStatus.INVITED] * 3
    with django_capture_on_commit_callbacks(execute=True):
        sent = contact.invitations_send(actor=admin, duty=duty)
    assert sent == [a.pk for a in first]
    assert len(MemorySmsBackend.outbox) == 3
    link = reverse("duties:invite", args=[first[0].confirm_token])
    assert any(link in m.text for m in MemorySmsBackend.outbox)
    for a in first:
        a.refresh_from_db()
        assert a.answer_due_at == a.notified_at + dt.timedelta(hours=24)
    with pytest.raises(sv.DutyError, match="没有待发送"):
        contact.invitations_send(actor=admin, duty=duty)

    # The first accepts through the link on the phone; the other two answer nothing.
    phone = signed_in(act_as(world, first[0].supervisor))
    response = phone.get(link)
    assert response["Location"] == reverse("duties:mine_detail", args=[first[0].pk])
    assert "前答复" in phone.get(response["Location"]).content.decode()
    phone.post(reverse("duties:mine_respond", args=[first[0].pk]), {"action": "accept"})

    # Before the deadline the scan changes nothing; after it, the two time out and the next are asked.
    assert contact.invitations_scan(now=first[1].answer_due_at - dt.timedelta(minutes=1))["timed_out"] == 0
    later = first[1].answer_due_at + dt.timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        result = contact.invitations_scan(now=later)
    assert result["timed_out"] == 2
    rows = list(duty.assignments.order_by("draw_id", "position"))
    statuses = [a.status for a in rows]
    assert statuses[:3] == [AssignmentStatus.ACCEPTED, AssignmentStatus.TIMED_OUT, AssignmentStatus.TIMED_OUT]
    new = [a for a in rows if a.status == AssignmentStatus.INVITED]
    assert len(new) == 2 and all(a.position > 3 for a in new)
    assert all(a.notified_at == later and a.answer_due_at == later + dt.timedelta(hours=24) for a in new)
    timed_out = rows[1]
    assert timed_out.responded_at == later and "逾期未答复" in timed_out.reason
    assert AuditEvent.objects.filter(action="duty.assignment_timed_out").count() == 2
    assert len(MemorySmsBackend.outbox) == 5
    assert contact.invitations_scan(now=later)["timed_out"] == 0  # idempotent


def test_a_decline_invites_the_next_at_once_once_sending_started(
    world: Any, duty: Any, roster: Any, frozen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _phones(roster)
    admin = world.users["weihai_admin"]
    open_and_draw(world, duty)
    with django_capture_on_commit_callbacks(execute=True):
        contact.invitations_send(actor=admin, duty=duty)
        a = duty.assignments.order_by("position").first()
        sv.assignment_respond(actor=admin, assignment=a, accept=False, reason="出差")
    nxt = duty.assignments.filter(status=AssignmentStatus.INVITED).order_by("-position").first()
    assert nxt.position == 4 and nxt.notified_at is not None
    assert len(MemorySmsBackend.outbox) == 4


def test_the_contact_list_masks_phones_and_a_reveal_is_audited(
    world: Any, duty: Any, roster: Any, frozen: Any
) -> None:
    _phones(roster)
    open_and_draw(world, duty)
    a = duty.assignments.order_by("position").first()
    admin = signed_in(world.users["weihai_admin"])
    page = admin.get(reverse("duties:detail", args=[duty.pk])).content.decode()
    full = a.supervisor.phone
    assert full not in page and f"{full[:3]}****{full[-4:]}" in page
    positions = [int(p) for p in __import__("re").findall(r'data-position="(\d+)"', page)]
    assert positions == sorted(positions)
    revealed = admin.post(
        reverse("duties:contact_reveal", args=[duty.pk, a.pk]), headers={"HX-Request": "true"}
    )
    assert full in revealed.content.decode()
    assert AuditEvent.objects.filter(action="personal.reveal", target_id=str(a.supervisor_id)).exists()
    # The agency cannot reveal; the refusal is audited.
    agency = signed_in(world.users["weihai_procurator"])
    assert agency.post(reverse("duties:contact_reveal", args=[duty.pk, a.pk])).status_code == 403


def test_the_participant_list_is_generated_and_sent_to_the_agency(
    world: Any, duty: Any, roster: Any, frozen: Any
) -> None:
    _phones(roster)
    admin = world.users["weihai_admin"]
    open_and_draw(world, duty)
    with pytest.raises(sv.DutyError, match="人员确定后"):
        contact.participants_send(actor=admin, duty=duty)
    for a in duty.assignments.all():
        sv.assignment_respond(actor=admin, assignment=a, accept=True)
    duty.refresh_from_db()
    assert contact.participants_send(actor=admin, duty=duty) == 1
    note = Notification.objects.get(kind="duty.participants")
    assert note.recipient == world.users["weihai_procurator"]
    agency = signed_in(world.users["weihai_procurator"])
    page = agency.get(note.link).content.decode()
    for a in duty.assignments.select_related("supervisor"):
        assert a.supervisor.full_name in page and a.supervisor.phone in page
    assert AuditEvent.objects.filter(action="duty.participants_view").count() == 1


def test_only_the_bureau_sets_the_deadline(world: Any, duty: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        contact.duty_set_answer_window(actor=world.users["weihai_procurator"], duty=duty, hours=24)
    with pytest.raises(sv.DutyError, match="答复期限"):
        contact.duty_set_answer_window(actor=world.users["weihai_admin"], duty=duty, hours=0)
    duty.refresh_from_db()
    assert duty.answer_hours is None
