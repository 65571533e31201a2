"""/api/v1/public/ signed out (issue 16): the same public selectors as the portal pages — the roster
(name, employer, term; never an identifier or a phone), the certificate check by number, the
announcements, the open statistics and the published draw records — and a limit per address."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import override_settings

from jiandu.roster import services as roster_services
from jiandu.roster.models import Announcement, AnnouncementKind, Certificate
from jiandu.roster.testing import make_programme, person

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def roster(world):  # type: ignore[no-untyped-def]
    programme = make_programme(world, "weihai-admin-2022")
    people = []
    for n in range(3):
        p = person(n + 1, employer=f"威海第{n + 1}律师事务所")
        p.district_id = world.orgs["huancui_justice"].pk
        people.append(
            roster_services.supervisor_appoint(
                actor=None, programme=programme, person=p, starts_on=D(2025, 6, 1), on=D(2025, 6, 1)
            )
        )
    return programme, people


def test_it_reads_the_roster_by_pages_without_identifiers(roster, client):  # type: ignore[no-untyped-def]
    programme, people = roster
    first = client.get(f"/api/v1/public/programmes/{programme.pk}/roster?limit=2")
    assert first.status_code == 200 and len(first.json()) == 2
    rest = client.get(
        f"/api/v1/public/programmes/{programme.pk}/roster?limit=2&cursor={first['X-Next-Cursor']}"
    )
    assert rest.status_code == 200 and "X-Next-Cursor" not in rest
    rows = first.json() + rest.json()
    assert {r["full_name"] for r in rows} == {p.full_name for p in people}
    text = first.content.decode() + rest.content.decode()
    for p in people:
        assert p.id_number not in text and p.phone not in text
    assert client.get("/api/v1/public/programmes/999999/roster").status_code == 404
    listed = client.get("/api/v1/public/programmes/").json()
    assert programme.pk in [p["id"] for p in listed]


def test_it_checks_a_certificate_by_number(roster, client):  # type: ignore[no-untyped-def]
    programme, people = roster
    cert = Certificate.objects.get(supervisor=people[0])
    answer = client.get(f"/api/v1/public/certificates/{cert.number.lower()}")
    assert answer.status_code == 200
    assert answer.json()["name"] == people[0].full_name and answer.json()["programme"] == programme.name
    assert answer.json()["state"] in ("valid", "pending", "expired")
    missing = client.get("/api/v1/public/certificates/NO-SUCH-1")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_it_lists_announcements_and_the_statistics(roster, client):  # type: ignore[no-untyped-def]
    programme, _ = roster
    Announcement.objects.create(
        programme=programme,
        kind=AnnouncementKind.OTHER,
        title="年度工作通报",
        body="……",
        published_on=D(2026, 1, 5),
    )
    kinds = {a["kind"] for a in client.get("/api/v1/public/announcements/").json()}
    assert AnnouncementKind.OTHER in kinds
    only = client.get("/api/v1/public/announcements/?status=other&date_from=2026-01-01").json()
    assert [a["title"] for a in only] == ["年度工作通报"]
    assert client.get("/api/v1/public/announcements/?status=nonsense").status_code == 422
    stats = client.get(f"/api/v1/public/programmes/{programme.pk}/statistics/2026")
    assert stats.status_code == 200 and stats.json()["supervisors"] == 3
    assert client.get(f"/api/v1/public/programmes/{programme.pk}/statistics/1999").status_code == 404


def test_it_lists_the_published_draws(client, world):  # type: ignore[no-untyped-def]
    from jiandu.duties import services as sv
    from jiandu.duties.tests.conftest import make_supervisor, open_and_draw, request_data
    from jiandu.roster.models import Programme, ProgrammeKind

    programme = Programme.objects.create(
        name="威海市人民监督员",
        kind=ProgrammeKind.PEOPLE,
        organisation=world.orgs["weihai_justice"],
        rulebook_id="weihai-people-2024",
    )
    for i in range(3):
        make_supervisor(
            programme, f"监督员{i}", district=world.orgs["huancui_justice"], phone=f"1380000000{i}"
        )
    with time_machine.travel(dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC), tick=False):
        duty = sv.duty_request(actor=world.users["weihai_procurator"], data=request_data(programme))
        drawn = open_and_draw(world, duty)
    rows = client.get("/api/v1/public/draws/").json()
    assert [r["id"] for r in rows] == [drawn.pk] and rows[0]["record_hash"] == drawn.record_hash
    record = client.get(f"/api/v1/public/draws/{drawn.pk}").json()
    assert record["problems"] == [] and record["record"]["record_hash"] == drawn.record_hash
    assert "1380000000" not in client.get(f"/api/v1/public/draws/{drawn.pk}").content.decode()


@override_settings(JIANDU_RATE_PUBLIC_API="3/m")
def test_it_limits_each_address(client, world):  # type: ignore[no-untyped-def]
    answers = [client.get("/api/v1/public/programmes/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    over = client.get("/api/v1/public/programmes/")
    assert over.json()["code"] == "rate_limited" and over["Retry-After"] == "60"
