"""Training pages through HTTP: staff create, invite, mark and score; the supervisor checks in on the
phone; refusals are 403, strangers' sessions 404, writes reject GET."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from jiandu.accounts.testing import client_sign_in
from jiandu.training import services as sv
from jiandu.training.models import Participation, ParticipationStatus, SessionKind, TrainingSession

DAY = dt.date(2026, 11, 16)


@pytest.fixture
def session(admin: Any, programme: Any, people: Any) -> TrainingSession:
    s = sv.session_create(
        actor=admin,
        programme=programme,
        kind=SessionKind.INITIAL,
        mode="lecture",
        title="初任培训",
        held_on=DAY,
        pass_mark="60",
    )
    sv.session_invite(actor=admin, session=s)
    return s


def test_it_creates_a_session(client, admin, programme):
    client_sign_in(client, admin)
    r = client.post(
        reverse("training:new"),
        {
            "programme": programme.pk,
            "kind": "initial",
            "mode": "lecture",
            "title": "初任培训（第二期）",
            "held_on": "2026-12-01",
            "pass_mark": "60",
        },
    )
    s = TrainingSession.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("training:detail", args=[s.pk])


def test_it_shows_the_refusal_without_writing(client, admin, programme):
    client_sign_in(client, admin)
    r = client.post(
        reverse("training:new"),
        {
            "programme": programme.pk,
            "kind": "initial",
            "mode": "lecture",
            "title": "x",
            "held_on": "2026-12-01",
        },
        follow=True,
    )
    assert "第二十二条第二款" in r.content.decode()
    assert not TrainingSession.objects.exists()


def test_it_records_attendance_and_exam(client, admin, session, people):
    client_sign_in(client, admin)
    p = Participation.objects.get(session=session, supervisor=people["chen"])
    url = reverse("training:attendance", args=[session.pk, p.pk])
    assert client.get(url).status_code == 405
    client.post(url, {"attended": "1"})
    client.post(reverse("training:exam", args=[session.pk, p.pk]), {"score": "75"})
    people["chen"].refresh_from_db()
    assert people["chen"].initial_training_on == DAY
    r = client.get(reverse("training:detail", args=[session.pk]))
    assert "陈晨" in r.content.decode()
    assert client.get(reverse("training:qr", args=[session.pk]))["Content-Type"] == "image/svg+xml"


def test_the_supervisor_checks_in_by_qr_on_the_phone(client, world, session, people):
    client_sign_in(client, world.users["weihai_supervisor"])
    url = reverse("training:checkin", args=[session.checkin_token])
    assert "确认签到" in client.get(url).content.decode()
    r = client.post(url)
    assert r.status_code == 302
    assert (
        Participation.objects.get(session=session, supervisor=people["liu"]).status
        == ParticipationStatus.ATTENDED
    )
    assert "初任培训" in client.get(reverse("training:mine")).content.decode()


def test_it_requires_staff(client, world, session):
    client_sign_in(client, world.users["weihai_supervisor"])
    assert client.get(reverse("training:detail", args=[session.pk])).status_code == 403
    assert client.get(reverse("training:pending")).status_code == 403


def test_another_bureau_gets_404(client, world, session):
    client_sign_in(client, world.users["wanzhou_admin"])
    assert client.get(reverse("training:detail", args=[session.pk])).status_code == 404


def test_the_pending_page_lists_overdue_initial_training(client, admin, people):
    client_sign_in(client, admin)
    with time_machine.travel(dt.datetime(2026, 12, 15, 9, 0), tick=False):
        client_sign_in(client, admin)
        body = client.get(reverse("training:pending")).content.decode()
    assert "已逾期" in body and "第二十二条第一款" in body and "第二十三条" in body


def test_the_session_page_costs_the_same_however_many_participants(client, admin, programme, session):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jiandu.roster.models import Supervisor

    client_sign_in(client, admin)
    url = reverse("training:detail", args=[session.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    more = [Supervisor.objects.create(programme=programme, full_name=f"新人{i}") for i in range(10)]
    sv.session_invite(actor=admin, session=session, supervisors=more)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_agency_staff_never_reach_training(client, world, session):
    client_sign_in(client, world.users["weihai_procurator"])
    assert client.get(reverse("training:list")).status_code == 403
    assert client.get(reverse("training:detail", args=[session.pk])).status_code == 403


def test_materials_reach_staff_and_the_invited_only(client, world, admin, session):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client_sign_in(client, admin)
    pdf = SimpleUploadedFile("讲义.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    client.post(reverse("training:material_add", args=[session.pk]), {"file": pdf})
    m = session.files.get()
    assert client.get(reverse("training:material", args=[m.pk])).status_code == 200
    client_sign_in(client, world.users["weihai_supervisor"])  # invited
    assert client.get(reverse("training:material", args=[m.pk])).status_code == 200
    client_sign_in(client, world.users["wanzhou_admin"])
    assert client.get(reverse("training:material", args=[m.pk])).status_code == 404
    client_sign_in(client, admin)
    html = SimpleUploadedFile("x.pdf", b"<html><script>alert(1)</script></html>")
    r = client.post(reverse("training:material_add", args=[session.pk]), {"file": html}, follow=True)
    assert session.files.count() == 1 and "不是允许的类型" in r.content.decode()
