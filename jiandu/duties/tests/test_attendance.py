"""Issue 11 #2: the supervised body rewrote attendance. An empty POST to /duties/<id>/attendance/ as
the procuratorate marked both attending supervisors absent after they had signed the confirmed
record (unexcused absences count toward dismissal).

The rules now: attendance is recorded once, on or after the day, by the requesting agency or the
bureau, each supervisor marked explicitly; then it is frozen, and a change is a new, audited
correction by the bureau with the supervisor told."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from jiandu.accounts.testing import client_sign_in
from jiandu.audit.models import AuditEvent
from jiandu.duties import services as sv
from jiandu.duties.models import Assignment, AssignmentStatus, AttendanceCorrection, Duty, DutyStatus
from jiandu.notifications.models import Notification

from .conftest import act_as, open_and_draw

pytestmark = pytest.mark.django_db


def _staffed(world: Any, duty: Duty, n: int = 2) -> list[Assignment]:
    open_and_draw(world, duty)
    admin = world.users["weihai_admin"]
    rows = list(duty.assignments.order_by("position"))
    for a in rows[:n]:
        sv.assignment_respond(actor=admin, assignment=a, accept=True)
    for a in rows[n:]:
        sv.assignment_recuse(actor=admin, assignment=a, reason="与案件有利害关系")
    accepted = list(duty.assignments.filter(status=AssignmentStatus.ACCEPTED))
    Duty.objects.filter(pk=duty.pk).update(supervisors_needed=len(accepted), status=DutyStatus.STAFFED)
    duty.refresh_from_db()
    return accepted


def test_an_empty_post_by_the_agency_cannot_rewrite_a_confirmed_record(
    client: Any, world: Any, roster: Any, duty: Duty, frozen: Any
) -> None:
    rows = _staffed(world, duty)
    frozen.move_to(dt.datetime(2026, 3, 23, 10, 0, tzinfo=dt.UTC))
    agency = world.users["weihai_procurator"]
    client_sign_in(client, agency)
    url = reverse("duties:attendance", args=[duty.pk])
    sv.attendance_record(actor=agency, duty=duty, present={a.pk for a in rows})
    duty.refresh_from_db()
    assert duty.status == DutyStatus.HELD
    record = sv.record_save(actor=agency, duty=duty, summary="听证会按程序进行", opinions=[])
    for a in Assignment.objects.filter(pk__in=[a.pk for a in rows]):
        sv.record_confirm(actor=act_as(world, a.supervisor), assignment=a)
    assert record.pk
    events = AuditEvent.objects.filter(action="duty.attendance").count()

    client.post(url, {})  # the probe
    client.post(url, {f"mark_{a.pk}": "absent" for a in rows})  # and the explicit version of it
    statuses = set(Assignment.objects.filter(pk__in=[a.pk for a in rows]).values_list("status", flat=True))
    assert statuses == {AssignmentStatus.ATTENDED}
    assert AuditEvent.objects.filter(action="duty.attendance").count() == events
    with pytest.raises(sv.DutyError, match="已登记"):
        sv.attendance_record(actor=agency, duty=duty, present=set(), absent={a.pk for a in rows})


def test_a_missing_mark_is_refused_not_read_as_absent(
    client: Any, world: Any, roster: Any, duty: Duty, frozen: Any
) -> None:
    rows = _staffed(world, duty)
    frozen.move_to(dt.datetime(2026, 3, 23, 10, 0, tzinfo=dt.UTC))
    client_sign_in(client, world.users["weihai_procurator"])
    response = client.post(reverse("duties:attendance", args=[duty.pk]), {}, follow=True)
    assert "请为每位监督员选择" in response.content.decode()
    assert set(Assignment.objects.filter(pk__in=[a.pk for a in rows]).values_list("status", flat=True)) == {
        AssignmentStatus.ACCEPTED
    }


def test_an_agency_outside_the_duty_cannot_record_attendance(
    world: Any, roster: Any, duty: Duty, frozen: Any
) -> None:
    rows = _staffed(world, duty)
    frozen.move_to(dt.datetime(2026, 3, 23, 10, 0, tzinfo=dt.UTC))
    with pytest.raises(sv.DutyError, match="申请活动的单位或项目主管机关"):
        sv.attendance_record(
            actor=world.users["wanzhou_market_staff"], duty=duty, present={a.pk for a in rows}
        )


def test_the_bureau_corrects_with_a_reason_and_the_supervisor_is_told(
    client: Any, world: Any, roster: Any, duty: Duty, frozen: Any
) -> None:
    rows = _staffed(world, duty)
    frozen.move_to(dt.datetime(2026, 3, 23, 10, 0, tzinfo=dt.UTC))
    agency, admin = world.users["weihai_procurator"], world.users["weihai_admin"]
    sv.attendance_record(actor=agency, duty=duty, present={rows[0].pk}, absent={rows[1].pk}, excused={})
    target = rows[1]
    user = act_as(world, target.supervisor)
    # The agency cannot correct, through the service or the page.
    with pytest.raises(sv.DutyError, match="项目主管机关"):
        sv.attendance_correct(actor=agency, assignment=target, attended=True, reason="记错了")
    client_sign_in(client, agency)
    url = reverse("duties:attendance_correct", args=[duty.pk, target.pk])
    assert client.post(url, {"mark": "present", "reason": "记错了"}).status_code == 403
    with pytest.raises(sv.DutyError, match="更正理由"):
        sv.attendance_correct(actor=admin, assignment=target, attended=True, reason=" ")
    client_sign_in(client, admin)
    client.post(url, {"mark": "absent", "excuse": "突发疾病，有医院证明", "reason": "补交请假证明"})
    correction = AttendanceCorrection.objects.get()
    assert (correction.before_status, correction.before_excused) == (AssignmentStatus.ABSENT, False)
    assert (correction.after_status, correction.after_excused) == (AssignmentStatus.ABSENT, True)
    target.refresh_from_db()
    assert target.excused and target.reason == "突发疾病，有医院证明"
    event = AuditEvent.objects.get(action="duty.attendance_correct")
    assert event.before == {"status": "absent", "excused": False}
    note = Notification.objects.get(recipient=user, kind="duty.attendance_correct")
    assert "已更正" in note.subject and "补交请假证明" in note.body
