"""Assessment and ledger pages through HTTP: the supervisor writes the summary and the defence on the
phone; staff propose and see the cap refusal with its figures; the letter PDF and its public check;
the ledger page and the Excel export; refusals are 403, strangers' rows 404, writes reject GET."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from jiandu.accounts.testing import client_sign_in
from jiandu.assessment import services as sv
from jiandu.assessment.models import Assessment, AssessmentRound

from .test_services import CONDITIONS, OPENED, finish


@pytest.fixture
def rnd(admin: Any, programme: Any, people: Any) -> AssessmentRound:
    return sv.round_open(actor=admin, programme=programme, year=2026, today=OPENED)


def test_it_opens_a_round(client, admin, programme, people):
    client_sign_in(client, admin)
    r = client.post(
        reverse("assessment:new"), {"programme": programme.pk, "year": 2026, "defence_working_days": 5}
    )
    rnd = AssessmentRound.objects.get()
    assert r["Location"] == reverse("assessment:round", args=[rnd.pk])
    body = client.get(r["Location"]).content.decode()
    assert "20人中至多3人" in body and "第三十条" in body


def test_the_supervisor_writes_the_summary_on_the_phone(client, world, rnd, people):
    client_sign_in(client, world.users["weihai_supervisor"])
    a = Assessment.objects.get(round=rnd, supervisor=people[0])
    url = reverse("assessment:mine_action", args=[a.pk, "summary"])
    assert client.get(url).status_code == 405
    client.post(url, {"text": "全年参加监督活动六次"})
    a.refresh_from_db()
    assert a.self_summary == "全年参加监督活动六次"
    other = Assessment.objects.get(round=rnd, supervisor=people[1])
    assert (
        client.post(reverse("assessment:mine_action", args=[other.pk, "summary"]), {"text": "x"}).status_code
        == 404
    )


def test_the_cap_refusal_shows_the_figures(client, admin, rnd, people):
    client_sign_in(client, admin)
    for s in people[:4]:
        a = Assessment.objects.get(round=rnd, supervisor=s)
        r = client.post(
            reverse("assessment:action", args=[a.pk, "propose"]),
            {"grade": "excellent", "reason": "表现突出", "conditions": CONDITIONS},
            follow=True,
        )
    body = r.content.decode()
    assert "20人中至多3人" in body and "拟定4人" in body
    assert Assessment.objects.filter(round=rnd, proposed_grade="excellent").count() == 3


def test_the_defence_on_the_phone_and_the_answer(client, world, admin, rnd, people):
    a = Assessment.objects.get(round=rnd, supervisor=people[0])
    sv.grade_propose(
        actor=admin, assessment=a, grade="failing", reason="全年无故缺席", grounds=["absent_without_reason"]
    )
    client_sign_in(client, world.users["weihai_supervisor"])
    body = client.get(reverse("assessment:mine")).content.decode()
    assert "第三十五条" in body and "第三十二条第（一）项" in body
    client.post(reverse("assessment:mine_action", args=[a.pk, "defence"]), {"text": "缺席系因住院"})
    client_sign_in(client, admin)
    client.post(reverse("assessment:action", args=[a.pk, "answer"]), {"text": "经核实，维持拟定"})
    a.refresh_from_db()
    assert a.defence_text == "缺席系因住院" and a.defence_answer == "经核实，维持拟定"


def test_letters_and_their_public_check(client, admin, rnd, people):
    finish(admin, rnd, people, failing=False)
    sv.round_finalise(actor=admin, round=rnd, today=dt.date(2026, 12, 22))
    a = Assessment.objects.get(round=rnd, supervisor=people[1])
    client_sign_in(client, admin)
    r = client.get(reverse("assessment:letter", args=[a.pk]))
    assert r["Content-Type"] == "application/pdf" and b"".join(r.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("assessment:commendation", args=[a.pk])).status_code == 200
    client.logout()
    body = client.get(reverse("assessment:check", args=[a.letter_token])).content.decode()
    assert people[1].full_name in body and "优秀" in body


def test_ledger_page_and_export(client, admin, programme, rnd, people):
    client_sign_in(client, admin)
    with CaptureQueriesContext(connection) as few:
        r = client.get(reverse("assessment:ledger", args=[people[0].pk]) + "?year=2026")
    assert r.status_code == 200 and "履职台账" in r.content.decode()
    r = client.get(reverse("assessment:ledger_export", args=[programme.pk, 2026]))
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    assert ws.max_row == 21 and ws.cell(1, 1).value == "姓名"
    assert len(few) < 40


def test_round_page_costs_the_same_however_many_supervisors(client, admin, rnd, people):
    client_sign_in(client, admin)
    url = reverse("assessment:round", args=[rnd.pk])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    Assessment.objects.filter(round=rnd, supervisor__in=people[5:]).delete()
    with CaptureQueriesContext(connection) as fewer:
        client.get(url)
    assert len(many) == len(fewer)


def test_it_requires_staff_and_scope(client, world, rnd):
    client_sign_in(client, world.users["weihai_supervisor"])
    assert client.get(reverse("assessment:round", args=[rnd.pk])).status_code == 403
    client_sign_in(client, world.users["wanzhou_admin"])
    assert client.get(reverse("assessment:round", args=[rnd.pk])).status_code == 404


def test_it_proposes_the_rest_as_competent(client, admin, rnd):
    client_sign_in(client, admin)
    r = client.post(
        reverse("assessment:round_action", args=[rnd.pk, "propose_rest"]), {"text": "区县建议"}, follow=True
    )
    assert "已将20人拟定为合格" in r.content.decode()
    assert client.get(reverse("assessment:round_action", args=[rnd.pk, "propose_rest"])).status_code == 405


def test_the_export_never_carries_a_live_formula(client, admin, programme, rnd, people):
    people[0].full_name = '=HYPERLINK("http://x")'
    people[0].save(update_fields=["full_name"])
    client_sign_in(client, admin)
    r = client.get(reverse("assessment:ledger_export", args=[programme.pk, 2026]))
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    cells = [c for c in ws["A"] if c.value == people[0].full_name]
    assert cells and cells[0].data_type == "s"


def test_the_district_bureau_suggests_for_its_own_district(client, world, admin, rnd, people):
    huancui, wendeng = world.orgs["huancui_justice"], world.orgs["wendeng_justice"]
    people[0].district = huancui
    people[0].save(update_fields=["district"])
    people[1].district = wendeng
    people[1].save(update_fields=["district"])
    mine = Assessment.objects.get(round=rnd, supervisor=people[0])
    theirs = Assessment.objects.get(round=rnd, supervisor=people[1])
    client_sign_in(client, world.users["huancui_staff"])
    body = client.get(reverse("assessment:district")).content.decode()
    assert people[0].full_name in body and people[1].full_name not in body
    client.post(
        reverse("assessment:district_suggest", args=[mine.pk]), {"grade": "competent", "reason": "按时履职"}
    )
    assert (
        client.post(
            reverse("assessment:district_suggest", args=[theirs.pk]), {"grade": "basic", "reason": "x"}
        ).status_code
        == 404
    )
    mine.refresh_from_db()
    assert mine.district_grade == "competent"
    client_sign_in(client, admin)
    assert "按时履职" in client.get(reverse("assessment:detail", args=[mine.pk])).content.decode()
