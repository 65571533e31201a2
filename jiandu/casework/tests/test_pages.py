"""Casework pages: the happy paths, 405/403/404, the URL walk (nobody outside the prison, its
administration and the invited supervisor opens a case; every opening is audited), and the query
count of the list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiandu.accounts.testing import client_sign_in
from jiandu.audit.models import AuditEvent
from jiandu.casework import services as sv
from jiandu.casework.demo import advance
from jiandu.casework.models import CaseStatus, Problem, ProblemStatus
from jiandu.findings.models import Finding

pytestmark = pytest.mark.django_db


def _invite_and_accept(cw, case):
    from jiandu.duties import services as dsv
    from jiandu.duties.models import AssignmentStatus

    duty = sv.case_invite_supervisors(
        actor=cw.staff, case=case, duty_on=dt.date(2026, 11, 30), place="评审会议室", supervisors_needed=4
    )
    commitment = dsv.draw_open(actor=cw.admin, duty=duty)
    dsv.draw_perform(
        actor=cw.admin, commitment=commitment, witnesses=[{"name": "甲", "role": "检察官", "value": "1"}]
    )
    a = duty.assignments.get(supervisor__user=cw.supervisor_user)
    dsv.assignment_respond(actor=cw.supervisor_user, assignment=a, accept=True)
    assert a.__class__.objects.get(pk=a.pk).status == AssignmentStatus.ACCEPTED
    return duty


def test_the_handler_sees_the_name_others_see_it_masked(client, cw, case):
    client_sign_in(client, cw.staff)
    page = client.get(reverse("casework:detail", args=[case.pk])).content.decode()
    assert "张三丰" in page
    client_sign_in(client, cw.admin)
    page = client.get(reverse("casework:detail", args=[case.pk])).content.decode()
    assert "张三丰" not in page and "张**" in page and "6401001" in page


def test_url_walk_nobody_else_opens_a_case_and_each_opening_is_audited(client, cw, case):
    w = cw.world
    url = reverse("casework:detail", args=[case.pk])
    allowed = [cw.staff, cw.admin]
    refused = [
        cw.other_prison_staff,
        cw.supervisor_user,  # not (yet) invited to this case
        w.users["shanxi_admin"],
        w.users["taiyuan_prison_staff"],
        w.users["weihai_supervisor"],
        w.users["weihai_procurator"],
        w.users["auditor"],
        w.users["sysadmin"],
        w.users["security"],
    ]
    for user in allowed:
        client_sign_in(client, user)
        before = AuditEvent.objects.filter(action="casework.case_view", actor=user).count()
        assert client.get(url).status_code == 200
        assert AuditEvent.objects.filter(action="casework.case_view", actor=user).count() == before + 1
    for user in refused:
        client_sign_in(client, user)
        denied = AuditEvent.objects.filter(action="permission.denied", actor=user).count()
        assert client.get(url).status_code == 403, user.username
        assert AuditEvent.objects.filter(action="permission.denied", actor=user).count() > denied
        for action in ("review", "observe", "ground"):
            assert client.post(reverse("casework:action", args=[case.pk, action]), {}).status_code == 403
    client.logout()
    assert client.get(url).status_code in (302, 403)
    # Once invited and accepted, the supervisor opens it (audited), sees no evidence text or name.
    _invite_and_accept(cw, case)
    client_sign_in(client, cw.supervisor_user)
    page = client.get(url).content.decode()
    assert "张三丰" not in page and "缴纳罚金收据" not in page
    assert AuditEvent.objects.filter(action="casework.case_view", actor=cw.supervisor_user).count() == 1


def test_it_404s_for_a_missing_case_and_405s_a_get_on_an_action(client, cw, case):
    client_sign_in(client, cw.staff)
    assert client.get(reverse("casework:detail", args=[999999])).status_code == 404
    assert client.get(reverse("casework:action", args=[case.pk, "review"])).status_code == 405
    assert client.post(reverse("casework:action", args=[case.pk, "nonsense"])).status_code == 404


def test_it_records_an_individual_step_and_a_collective_vote(client, cw, case):
    client_sign_in(client, cw.staff)
    url = reverse("casework:action", args=[case.pk, "review"])
    client.post(url, {"opinion": "同意", "outcome": "allowed"})
    advance(case, cw.staff, 2, held_on=dt.date(2026, 11, 16))
    data = {"opinion": "评议", "should_attend": 3}
    for i, (m, v, o) in enumerate((("甲", "for", ""), ("乙", "for", ""), ("丙", "against", "证据不足"))):
        data |= {f"member_{i}": m, f"vote_{i}": v, f"opinion_{i}": o}
    response = client.post(url, data, follow=True)
    assert "证据不足" in response.content.decode()
    case.refresh_from_db()
    assert case.next_step == 4 and case.status == CaseStatus.IN_REVIEW


def test_a_refused_change_shows_its_reason_and_writes_nothing(client, cw, case):
    client_sign_in(client, cw.staff)
    advance(case, cw.staff, 1, held_on=dt.date(2026, 11, 16))
    url = reverse("casework:action", args=[case.pk, "review"])
    page = client.post(url, {"opinion": "不同意", "outcome": "refused"}, follow=True).content.decode()
    assert "法律依据和法定理由" in page and "三（一）2" in page
    assert case.reviews.count() == 1


def test_the_invited_supervisor_observation_becomes_a_finding(client, cw, case):
    _invite_and_accept(cw, case)
    client_sign_in(client, cw.supervisor_user)
    client.post(reverse("casework:action", args=[case.pk, "observe"]), {"text": "评议时未宣读立功证据来源"})
    finding = Finding.objects.get(agency=cw.prison)
    assert finding.source == "duty" and finding.reporter is not None
    assert finding.reporter.user == cw.supervisor_user
    assert finding.source_ref.startswith("casework.observation:")
    item = Problem.objects.get(prison=cw.prison, source_ref=f"finding:{finding.pk}")
    assert item.source == "supervisor" and item.responsible == ""


def test_problem_list_overdue_first_and_tick_off(client, cw):
    late = sv.problem_create(
        actor=cw.staff, prison=cw.prison, title="逾期的", responsible="甲", due_on=dt.date(2026, 11, 16)
    )
    sv.problem_create(
        actor=cw.staff, prison=cw.prison, title="未到期", responsible="乙", due_on=dt.date(2026, 11, 30)
    )
    Problem.objects.filter(pk=late.pk).update(due_on=dt.date(2026, 11, 1))
    client_sign_in(client, cw.admin)
    page = client.get(reverse("casework:problems")).content.decode()
    assert page.index("逾期的") < page.index("未到期")
    client_sign_in(client, cw.staff)
    client.post(reverse("casework:problem_action", args=[late.pk, "rectify"]), {"evidence": "已整改"})
    client_sign_in(client, cw.admin)
    client.post(reverse("casework:problem_action", args=[late.pk, "verify"]), {"accept": "1", "note": "属实"})
    late.refresh_from_db()
    assert late.status == ProblemStatus.CLOSED
    client_sign_in(client, cw.other_prison_staff)
    assert (
        client.post(
            reverse("casework:problem_action", args=[late.pk, "rectify"]), {"evidence": "x"}
        ).status_code
        == 403
    )


def test_figures_are_counts_only(client, cw, case):
    client_sign_in(client, cw.supervisor_user)
    page = client.get(reverse("casework:figures")).content.decode()
    assert (
        "宁夏回族自治区银川监狱" in page and "6401001" not in page and "张" not in page.split("figures")[-1]
    )


def test_the_case_list_costs_the_same_queries_however_many_cases(client, cw):
    from jiandu.casework.demo import case_with_grounds

    client_sign_in(client, cw.staff)
    case_with_grounds(cw.world, cw.programme, "6409001", "甲", "parole")
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("casework:list"))
    for i in range(5):
        case_with_grounds(cw.world, cw.programme, f"640910{i}", "乙", "commutation")
    with CaptureQueriesContext(connection) as six:
        client.get(reverse("casework:list"))
    assert len(six) == len(one)


def test_other_pages_render(client, cw, case):
    client_sign_in(client, cw.staff)
    for name in (
        "casework:list",
        "casework:new",
        "casework:problems",
        "casework:figures",
        "casework:reports",
    ):
        assert client.get(reverse(name)).status_code == 200, name
    r = client.post(reverse("casework:reports"), {"year": 2026, "quarter": 4}, follow=True)
    assert r.status_code == 200
    client_sign_in(client, cw.admin)
    assert client.get(reverse("casework:policy")).status_code == 200
    assert client.get(reverse("casework:new")).status_code == 403


def test_records_page_enters_what_the_checks_read(client, cw):
    from jiandu.casework.models import Isolation, PointsPublication

    sv.prisoner_register(actor=cw.staff, prison=cw.prison, number="6405001", name="某")
    client_sign_in(client, cw.staff)
    url = reverse("casework:records")
    client.post(url, {"kind": "points", "year": 2026, "month": 10, "published_on": "2026-10-19"})
    assert PointsPublication.objects.get(prison=cw.prison, month=10).due_on == dt.date(2026, 10, 20)
    client.post(url, {"kind": "isolation", "number": "6405001", "on": "2026-10-01"})
    iso = Isolation.objects.get(prisoner__number="6405001")
    assert iso.limit_on == dt.date(2026, 12, 1)
    r = client.post(url, {"kind": "isolation", "number": "9999", "on": "2026-10-01"}, follow=True)
    assert "本监狱没有该罪犯编号" in r.content.decode()
    client.post(url, {"extend": iso.pk})
    iso.refresh_from_db()
    assert not iso.extended  # a prison cannot approve its own extension
    client_sign_in(client, cw.admin)
    assert client.get(url).status_code == 200
    client.post(url, {"extend": iso.pk})
    iso.refresh_from_db()
    assert iso.extended and iso.limit_on == dt.date(2027, 1, 1)
    client_sign_in(client, cw.supervisor_user)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("name", ["casework:problems", "casework:records", "casework:figures"])
def test_lists_cost_the_same_queries_however_many_rows(client, cw, name):
    def add(i):
        p = sv.prisoner_register(actor=cw.staff, prison=cw.prison, number=f"64077{i:02d}", name="某")
        sv.problem_create(
            actor=cw.staff, prison=cw.prison, title=f"问题{i}", responsible="甲", due_on=dt.date(2026, 12, 1)
        )
        sv.isolation_start(actor=cw.staff, prisoner=p, starts_on=dt.date(2026, 11, 1))
        sv.trusty_approve(actor=cw.staff, prisoner=p, post="岗位", approved_on=dt.date(2026, 10, 1))
        sv.points_publication_record(
            actor=cw.staff, prison=cw.prison, year=2025, month=i + 1, published_on=dt.date(2025, i + 1, 10)
        )

    client_sign_in(client, cw.admin)
    add(0)
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse(name))
    for i in range(1, 6):
        add(i)
    with CaptureQueriesContext(connection) as six:
        client.get(reverse(name))
    assert len(six) == len(one)


def test_api_figures_and_problems_are_scoped_and_carry_no_prisoner(client, cw, case):
    sv.problem_create(
        actor=cw.staff, prison=cw.prison, title="台账不全", responsible="甲", due_on=dt.date(2026, 12, 1)
    )
    client_sign_in(client, cw.admin)
    figures = client.get("/api/casework/figures").json()
    assert {r["prison"] for r in figures} >= {"宁夏回族自治区银川监狱"}
    assert "6401001" not in str(figures)
    assert [p["title"] for p in client.get("/api/casework/problems").json()] == ["台账不全"]
    client_sign_in(client, cw.other_prison_staff)
    assert client.get("/api/casework/problems").json() == []
