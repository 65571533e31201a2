"""Who reads what: district (regional) staff read their own district's part of a city programme
(docs/security.md, "Who reads what"). Issue 11 found 环翠区's staff reading the city roster, 文登区's
supervisors and their certificate PDFs; the city bureau still reads everything."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from openpyxl import load_workbook

from jiandu.accounts.testing import client_sign_in
from jiandu.duties import services as duty_services
from jiandu.roster import excel, services
from jiandu.roster.models import Supervisor
from jiandu.roster.selectors import supervisors_visible_to
from jiandu.roster.testing import make_programme, person

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def city(world: Any) -> dict[str, Any]:
    """威海市's programme with one supervisor in 环翠区, one in 文登区 and one with no district."""
    programme = make_programme(world, "weihai-people-2024")
    people = {}
    for n, key in ((1, "huancui"), (2, "wendeng"), (3, None)):
        data = person(n)
        if key is not None:
            data.district_id = world.orgs[f"{key}_justice"].pk
        people[key] = services.supervisor_appoint(
            actor=None, programme=programme, person=data, starts_on=D(2025, 6, 1), on=D(2025, 6, 1)
        )
    return {"programme": programme, **{str(k): v for k, v in people.items()}}


def test_district_staff_read_only_their_own_districts_supervisors(world: Any, city: dict[str, Any]) -> None:
    staff = world.users["huancui_staff"]
    assert set(supervisors_visible_to(staff)) == {city["huancui"]}
    assert set(supervisors_visible_to(world.users["weihai_admin"])) == set(Supervisor.objects.all())


def test_it_answers_404_for_another_districts_supervisor_page(
    client: Any, world: Any, city: dict[str, Any]
) -> None:
    client_sign_in(client, world.users["huancui_staff"])
    assert client.get(f"/roster/s/{city['huancui'].pk}/").status_code == 200
    assert client.get(f"/roster/s/{city['wendeng'].pk}/").status_code == 404
    assert client.get(f"/roster/s/{city['None'].pk}/").status_code == 404


def test_it_answers_404_for_another_districts_certificate_pdfs(
    client: Any, world: Any, city: dict[str, Any]
) -> None:
    client_sign_in(client, world.users["huancui_staff"])
    own, other = city["huancui"].certificates.get(), city["wendeng"].certificates.get()
    for kind in ("certificate", "card"):
        assert client.get(f"/roster/certificates/{own.pk}/{kind}.pdf").status_code == 200
        assert client.get(f"/roster/certificates/{other.pk}/{kind}.pdf").status_code == 404


def test_the_city_programme_page_and_export_list_only_the_district(
    client: Any, world: Any, city: dict[str, Any]
) -> None:
    programme = city["programme"]
    client_sign_in(client, world.users["huancui_staff"])
    page = client.get(f"/roster/p/{programme.pk}/").content.decode()
    assert city["huancui"].full_name in page
    assert city["wendeng"].full_name not in page and city["None"].full_name not in page
    response = client.get(f"/roster/p/{programme.pk}/export.xlsx")
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)[excel.SHEET]
    names = {row[excel.KEYS.index("full_name")] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert names == {city["huancui"].full_name}
    # The city bureau still reads (and exports) the whole roster.
    client_sign_in(client, world.users["weihai_admin"])
    page = client.get(f"/roster/p/{programme.pk}/").content.decode()
    assert all(city[k].full_name in page for k in ("huancui", "wendeng", "None"))
    assert client.get(f"/roster/s/{city['wendeng'].pk}/").status_code == 200


@time_machine.travel(dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC), tick=False)
def test_the_api_answers_404_for_another_districts_duty(
    client: Any, world: Any, city: dict[str, Any]
) -> None:
    programme = city["programme"]

    def duty_in(key: str) -> Any:
        return duty_services.duty_request(
            actor=world.users["weihai_procurator"],
            data=duty_services.DutyRequestData(
                programme=programme,
                kind="hearing",
                title=f"{key}听证",
                duty_on=D(2026, 3, 23),
                place="听证室",
                supervisors_needed=1,
                district=world.orgs[f"{key}_justice"],
            ),
        )

    own, other = duty_in("huancui"), duty_in("wendeng")
    client_sign_in(client, world.users["huancui_staff"])
    assert client.get(f"/api/v1/duties/{own.pk}").status_code == 200
    assert client.get(f"/api/v1/duties/{other.pk}").status_code == 404
    assert [d["id"] for d in client.get("/api/v1/duties/").json()] == [own.pk]


def test_a_city_recruitment_round_shows_district_staff_their_districts_applicants(
    client: Any, world: Any
) -> None:
    """The same rule for the people applying to become supervisors: 环翠区 reads its own applicants
    of the city's round, not 文登区's (their 身份证号, phones and attachments)."""
    from jiandu.recruitment import services as recruitment
    from jiandu.recruitment.models import Channel
    from jiandu.roster.testing import application_data

    programme = make_programme(world, "weihai-people-2024")
    admin = world.users["weihai_admin"]
    r = recruitment.round_create(
        actor=admin,
        programme=programme,
        title="威海市人民监督员选任公告",
        quota=3,
        applications_open=D(2026, 3, 2),
        applications_close=D(2026, 3, 31),
        recruitment_starts_on=D(2026, 4, 10),
        term_start=D(2026, 5, 1),
        on=D(2026, 3, 1),
    )
    recruitment.round_publish(actor=admin, round=r, on=D(2026, 3, 1))
    own, other = (
        recruitment.application_submit(
            actor=None,
            round=r,
            channel=Channel.SELF,
            data=application_data(n, district_id=world.orgs[key].pk),
            on=D(2026, 3, 5),
        )
        for n, key in ((7, "huancui_justice"), (8, "wendeng_justice"))
    )
    client_sign_in(client, world.users["huancui_staff"])
    page = client.get(f"/recruitment/r/{r.pk}/").content.decode()
    assert own.full_name in page and other.full_name not in page
    assert client.get(f"/recruitment/a/{own.pk}/").status_code == 200
    assert client.get(f"/recruitment/a/{other.pk}/").status_code == 404
    client_sign_in(client, admin)
    page = client.get(f"/recruitment/r/{r.pk}/").content.decode()
    assert own.full_name in page and other.full_name in page
