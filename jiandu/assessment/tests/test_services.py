"""The annual assessment through its services: each rule and refusal, with frozen time for the
陈述申辩 period and the five/ten working-day deadlines; nothing written on a refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jiandu.assessment import services as sv
from jiandu.assessment.models import Assessment, AssessmentRound, RoundMode, RoundStatus
from jiandu.assessment.selectors import failing_disqualifications, round_page, term_view
from jiandu.audit.models import AuditEvent
from jiandu.duties.selectors import dismissal_proposals
from jiandu.roster.models import Announcement, Programme, ProgrammeKind
from jiandu.training import services as training
from jiandu.training.models import Participation, SessionKind

CONDITIONS = ["political", "ethics", "many_activities", "quality_opinions", "training"]
OPENED = dt.date(2026, 12, 14)  # a Monday


@pytest.fixture
def rnd(admin: Any, programme: Any, people: Any) -> AssessmentRound:
    return sv.round_open(actor=admin, programme=programme, year=2026, today=OPENED)


def row(rnd: AssessmentRound, supervisor: Any) -> Assessment:
    return Assessment.objects.get(round=rnd, supervisor=supervisor)


def propose(admin: Any, a: Assessment, grade: str, **kw: Any) -> Assessment:
    kw.setdefault("reason", "依据台账和各方意见")
    kw.setdefault("today", OPENED)
    if grade == "excellent":
        kw.setdefault("conditions", CONDITIONS)
    return sv.grade_propose(actor=admin, assessment=a, grade=grade, **kw)


def test_opening_a_round_lists_every_serving_supervisor(rnd, people):
    assert rnd.mode == RoundMode.GRADES
    assert rnd.assessments.count() == 20
    assert AuditEvent.objects.filter(action="assessment.round_open").count() == 1


def test_shanxi_evaluates_in_free_text(world):
    programme = Programme.objects.create(
        name="山西省监狱执法监督员",
        kind=ProgrammeKind.PRISON,
        organisation=world.orgs["shanxi_prisons"],
        rulebook_id="shanxi-prison-2023",
    )
    r = sv.round_open(actor=world.users["shanxi_admin"], programme=programme, year=2026, today=OPENED)
    assert r.mode == RoundMode.FREE_TEXT


def test_only_the_supervisor_writes_their_summary(world, rnd, people):
    user = world.users["weihai_supervisor"]
    sv.self_summary_submit(actor=user, assessment=row(rnd, people[0]), text="全年参加监督活动六次……")
    with pytest.raises(PermissionDenied):
        sv.self_summary_submit(actor=user, assessment=row(rnd, people[1]), text="不是我的")
    assert row(rnd, people[1]).self_summary == ""


def test_excellent_needs_every_condition_confirmed(admin, rnd, people):
    with pytest.raises(ValidationError) as exc:
        propose(admin, row(rnd, people[0]), "excellent", conditions=CONDITIONS[:4])
    assert "积极参加业务培训" in exc.value.messages[0] and "第三十一条" in exc.value.messages[0]
    assert row(rnd, people[0]).proposed_grade == ""


def test_the_fourth_excellent_of_twenty_is_refused_with_the_figures(admin, rnd, people):
    for s in people[:3]:
        propose(admin, row(rnd, s), "excellent")
    with pytest.raises(ValidationError) as exc:
        propose(admin, row(rnd, people[3]), "excellent")
    message = exc.value.messages[0]
    assert "20人中至多3人" in message and "拟定4人" in message and "第三十条" in message
    assert row(rnd, people[3]).proposed_grade == ""
    # “一般不超过”: a stated reason lets the bureau exceed it, and the reason is kept.
    propose(admin, row(rnd, people[3]), "excellent", cap_exception="获省级表彰，经集体研究")
    rnd.refresh_from_db()
    assert rnd.cap_exception and rnd.cap_decision["outcome"] == "review"


def test_failing_needs_a_ground_and_gives_five_working_days_to_defend(world, admin, rnd, people):
    with pytest.raises(ValidationError):
        propose(admin, row(rnd, people[0]), "failing")
    a = propose(admin, row(rnd, people[0]), "failing", grounds=["absent_without_reason"])
    assert a.hearing_notified_on == OPENED and a.defence_due == dt.date(2026, 12, 21)
    assert a.failing_grounds[0]["article"] == "第三十二条第（一）项"
    user = world.users["weihai_supervisor"]
    with pytest.raises(ValidationError):
        sv.defence_submit(actor=user, assessment=a, text="迟到的申辩", today=dt.date(2026, 12, 22))
    sv.defence_submit(actor=user, assessment=a, text="缺席系因住院，附病历", today=dt.date(2026, 12, 21))
    a.refresh_from_db()
    assert a.defence_text.startswith("缺席系因住院")


def test_the_ledger_offers_the_countable_ground(admin, programme, rnd, people):
    s = training.session_create(
        actor=admin,
        programme=programme,
        kind=SessionKind.IN_TERM,
        mode="lecture",
        title="任期培训",
        held_on=dt.date(2026, 6, 1),
    )
    training.session_invite(actor=admin, session=s, supervisors=[people[2]])
    training.attendance_record(
        actor=admin, participation=Participation.objects.get(session=s), attended=False
    )
    page = round_page(rnd, today=OPENED)
    offered = {r.assessment.supervisor_id: r.offered for r in page["rows"]}
    assert [x.article for x in offered[people[2].pk]] == ["第三十二条第（一）项"]
    assert offered[people[3].pk] == []


def finish(admin: Any, rnd: AssessmentRound, people: Any, *, failing: bool = True) -> None:
    propose(admin, row(rnd, people[1]), "excellent")
    for s in people[2:]:
        propose(admin, row(rnd, s), "competent")
    if failing:
        propose(admin, row(rnd, people[0]), "failing", grounds=["absent_without_reason"])
    else:
        propose(admin, row(rnd, people[0]), "basic")
    sv.excellent_notice_publish(
        actor=admin, round=rnd, starts_on=dt.date(2026, 12, 15), ends_on=dt.date(2026, 12, 21)
    )


def test_finalising_waits_for_the_defence_period_and_the_notice(admin, rnd, people):
    finish(admin, rnd, people)
    with pytest.raises(ValidationError) as exc:
        sv.round_finalise(actor=admin, round=rnd, today=dt.date(2026, 12, 21))
    assert any("陈述申辩期限" in m for m in exc.value.messages)
    assert any("公示期" in m for m in exc.value.messages)
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.OPEN


def test_final_grades_start_the_five_and_ten_working_day_clocks_and_commend(admin, rnd, people):
    finish(admin, rnd, people)
    r = sv.round_finalise(actor=admin, round=rnd, today=dt.date(2026, 12, 22))
    assert r.status == RoundStatus.FINAL
    assert [(d["code"], d["due"]) for d in r.deadlines] == [("entry", "2026-12-29"), ("filing", "2027-01-06")]
    assert r.deadlines[1]["reason"]["facts"]["provisional_years"] == [2027]
    assert row(r, people[1]).final_grade == "excellent"
    assert Announcement.objects.filter(
        title__contains="通报表扬", body__contains=people[1].full_name
    ).exists()
    assert Announcement.objects.filter(title__contains="公示", body__contains="第三十四条第（五）项").exists()


def test_reminders_are_sent_on_the_due_day_and_once_overdue(admin, rnd, people):
    finish(admin, rnd, people, failing=False)
    sv.round_finalise(actor=admin, round=rnd, today=dt.date(2026, 12, 22))
    assert sv.deadline_scan(today=dt.date(2026, 12, 28)) == 0
    assert sv.deadline_scan(today=dt.date(2026, 12, 29)) == 1
    assert sv.deadline_scan(today=dt.date(2026, 12, 29)) == 0
    assert sv.deadline_scan(today=dt.date(2026, 12, 30)) == 1  # entry overdue
    sv.deadline_done(actor=admin, round=rnd, code="filing", on=dt.date(2026, 12, 30))
    assert sv.deadline_scan(today=dt.date(2027, 1, 7)) == 0


def test_a_final_failing_grade_proposes_disqualification_with_the_article(admin, rnd, people):
    finish(admin, rnd, people)
    sv.round_finalise(actor=admin, round=rnd, today=dt.date(2026, 12, 22))
    proposals = failing_disqualifications(admin, on=dt.date(2026, 12, 22))
    assert [p.supervisor.pk for p in proposals] == [people[0].pk]
    assert proposals[0].reasons[0].article == "第八条第（五）项"
    assert people[0].pk in {p.supervisor.pk for p in dismissal_proposals(admin, today=dt.date(2026, 12, 22))}


def test_the_renewal_screen_sees_the_term_grades(admin, rnd, people):
    finish(admin, rnd, people)
    sv.round_finalise(actor=admin, round=rnd, today=dt.date(2026, 12, 22))
    view = term_view(people[1], on=dt.date(2026, 12, 22))
    assert view.grades == [(2026, "excellent")]
    assert view.decision.outcome == "excellent_possible"


def test_nothing_changes_after_the_round_is_final(admin, rnd, people):
    finish(admin, rnd, people, failing=False)
    sv.round_finalise(actor=admin, round=rnd, today=dt.date(2026, 12, 22))
    with pytest.raises(ValidationError):
        propose(admin, row(rnd, people[2]), "basic")


def test_many_competent_at_once_but_never_excellent_or_failing(admin, rnd, people):
    rows = {a.supervisor_id: a.pk for a in rnd.assessments.all()}
    with pytest.raises(ValidationError):
        sv.grades_propose_many(actor=admin, round=rnd, grades={rows[people[0].pk]: "excellent"}, reason="x")
    propose(admin, row(rnd, people[1]), "excellent")
    n = sv.grades_propose_many(
        actor=admin,
        round=rnd,
        grades={pk: "competent" for pk in rows.values()},
        reason="区县建议",
        today=OPENED,
    )
    assert n == 19  # the proposed 优秀 is left alone
    assert row(rnd, people[1]).proposed_grade == "excellent"
    assert AuditEvent.objects.filter(action="assessment.propose_many").count() == 1


def test_a_programme_with_only_commendation_runs_a_free_text_round(world):
    # 威海 2022 第十七条: 可以给予通报表彰 — no grades, no annual assessment named.
    programme = Programme.objects.create(
        name="威海市行政执法社会监督员",
        kind=ProgrammeKind.ADMINISTRATIVE,
        organisation=world.orgs["weihai_justice"],
        rulebook_id="weihai-admin-2022",
    )
    admin = world.users["weihai_admin"]
    r = sv.round_open(actor=admin, programme=programme, year=2026, today=OPENED)
    assert r.mode == RoundMode.FREE_TEXT


def test_the_procuratorate_is_told_of_the_results(
    world, admin, rnd, people, django_capture_on_commit_callbacks
):
    from jiandu.notifications.models import Notification

    finish(admin, rnd, people, failing=False)
    with django_capture_on_commit_callbacks(execute=True):
        sv.round_finalise(actor=admin, round=rnd, today=dt.date(2026, 12, 22))
    note = Notification.objects.get(
        recipient=world.users["weihai_procurator"], kind="assessment.procuratorate"
    )
    assert "优秀1人" in note.subject
