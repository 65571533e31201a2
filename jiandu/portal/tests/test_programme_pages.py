"""The public pages of one programme, signed out: the roster (the 500 of issue 17), certificate check by
number, the complaint form linked from every programme, and the yearly open statistics."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
import time_machine

from jiandu.findings.models import Finding, Source, Status
from jiandu.roster import services as roster_services
from jiandu.roster.models import Certificate, DepartureKind
from jiandu.roster.testing import make_programme, person

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


def test_it_shows_the_public_roster_with_name_employer_and_term(roster, client):
    # Issue 17: the page answered 500 ("Field Supervisor.district cannot be both deferred and
    # traversed using select_related").
    programme, people = roster
    response = client.get(f"/public/roster/{programme.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    for s in people:
        assert s.full_name in page and s.employer in page and f"{s.term_end:%Y-%m-%d}" in page
        assert s.id_number not in page and s.phone not in page


def test_it_answers_404_for_an_unknown_or_inactive_programme(roster, client):
    programme, _ = roster
    assert client.get("/public/roster/999999/").status_code == 404
    programme.is_active = False
    programme.save()
    assert client.get(f"/public/roster/{programme.pk}/").status_code == 404
    assert client.get(f"/public/programmes/{programme.pk}/").status_code == 404


def test_it_checks_a_certificate_by_number(roster, client):
    programme, people = roster
    cert = Certificate.objects.get(supervisor=people[0])
    with time_machine.travel(dt.datetime(2026, 1, 5, 2, tzinfo=dt.UTC), tick=False):
        page = client.get("/public/certificates/", {"number": cert.number}).content.decode()
    assert "有效" in page and people[0].full_name in page and programme.name in page
    assert people[0].employer not in page
    # The QR code on the certificate leads to the same answer.
    assert f"/public/verify/{cert.token}/" in page
    code = roster_services.grounds_for(programme, on=D(2026, 1, 5))[0].code
    roster_services.supervisor_leave(
        actor=None, supervisor=people[0], kind=DepartureKind.DISMISSAL, ground_code=code, on=D(2026, 1, 5)
    )
    page = client.get("/public/certificates/", {"number": f" {cert.number.lower()} "}).content.decode()
    assert "证书无效" in page
    page = client.get("/public/certificates/", {"number": "NO-SUCH-1"}).content.decode()
    assert "未查到" in page


def test_every_programme_page_links_the_complaint_form(roster, client):
    programme, _ = roster
    page = client.get(f"/public/programmes/{programme.pk}/").content.decode()
    assert f"/findings/public/complaint/?programme={programme.pk}" in page
    assert f"/public/roster/{programme.pk}/" in page
    form = client.get(f"/findings/public/complaint/?programme={programme.pk}").content.decode()
    assert f'<option value="{programme.pk}" selected' in form
    assert f"/public/programmes/{programme.pk}/" in client.get("/public/").content.decode()


def _finding(programme, agency, **kw):  # type: ignore[no-untyped-def]
    values = {
        "programme": programme,
        "agency": agency,
        "source": Source.OPINION,
        "title": "意见",
        "text": "内容",
        "submitted_on": D(2026, 3, 1),
        "status": Status.CLOSED,
    }
    values.update(kw)
    return Finding.objects.create(**values)


def test_it_publishes_the_yearly_statistics_as_a_page_csv_and_json(roster, world, client):
    programme, _ = roster
    agency = world.orgs["wanzhou_market"]
    _finding(programme, agency, replied_on=D(2026, 3, 20), reply_due=D(2026, 3, 31), adopted=True)
    _finding(programme, agency, replied_on=D(2026, 5, 20), reply_due=D(2026, 5, 1), adopted=False)
    _finding(programme, agency, status=Status.FORWARDED, reply_due=D(2026, 12, 1))
    _finding(programme, agency, submitted_on=D(2025, 3, 1))  # another year
    page = client.get(f"/public/programmes/{programme.pk}/statistics/2026/")
    assert page.status_code == 200
    data = json.loads(client.get(f"/public/programmes/{programme.pk}/statistics/2026.json").content)
    assert data["opinions"] == 3 and data["replied"] == 2 and data["replied_on_time"] == 1
    assert data["adopted"] == 1 and data["adoption_rate"] == "50.0%"
    assert data["year"] == 2026 and data["programme"] == programme.name
    raw = client.get(f"/public/programmes/{programme.pk}/statistics/2026.csv").content.decode("utf-8-sig")
    values = {row[0]: row[2] for row in list(csv.reader(io.StringIO(raw)))[1:]}
    assert values["opinions"] == "3" and values["adoption_rate"] == "50.0%"
    assert client.get(f"/public/programmes/{programme.pk}/statistics/1999.json").status_code == 404
