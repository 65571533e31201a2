"""Each rule and each refusal of the casework services, and "nothing written" on a refusal."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from jiandu.audit.models import AuditEvent
from jiandu.casework import services as sv
from jiandu.casework.checks import casework_checks_run
from jiandu.casework.demo import _votes, advance
from jiandu.casework.models import CaseStatus, Problem, ProblemStatus, ReviewStep
from jiandu.rules.calendar import add_months

pytestmark = pytest.mark.django_db


def test_the_steps_come_from_the_rulebook(case):
    assert [s["code"] for s in case.steps] == [
        "nomination",
        "deputy_review",
        "head_approval",
        "unit_meeting",
        "review_committee",
        "warden_meeting",
    ]
    assert case.steps[3]["collective"] is True


def test_a_ground_needs_evidence_and_who_provided_it(cw, case):
    with pytest.raises(ValidationError, match="证据提供人"):
        sv.ground_add(actor=cw.staff, case=case, kind="merit", facts="检举", evidence="函", provided_by=" ")
    assert case.grounds.count() == 2


def test_a_vote_below_two_thirds_of_those_who_should_attend_cannot_decide(cw, case):
    advance(case, cw.staff, 3, held_on=dt.date(2026, 11, 10))
    # 9 should attend, only 5 came and all agreed: 5 < 6 → nothing decided, the meeting sits again.
    step = sv.review_record(
        actor=cw.staff, case=case, opinion="同意", votes=_votes(5, n_absent=4), should_attend=9
    )
    case.refresh_from_db()
    assert step.outcome == "undecided"
    assert case.next_step == 3 and case.status == CaseStatus.IN_REVIEW
    reason = step.decision["decisions"][0]["reasons"][0]
    assert reason["article"] == "三（一）2" and reason["facts"]["needed"] == 6
    again = sv.review_record(actor=cw.staff, case=case, opinion="同意", votes=_votes(6, 3), should_attend=9)
    assert again.sitting == 2 and again.outcome == "allowed"


def test_major_disagreement_defers_the_case_and_the_dissent_is_kept(cw, case):
    advance(case, cw.staff, 3, held_on=dt.date(2026, 11, 10))
    step = sv.review_record(actor=cw.staff, case=case, opinion="分歧", votes=_votes(5, 3, 1), should_attend=9)
    case.refresh_from_db()
    assert step.outcome == "deferred" and case.status == CaseStatus.DEFERRED
    dissent = [v.opinion for v in step.votes.all() if v.vote in ("against", "abstain")]
    assert len(dissent) == 4 and all(dissent)
    # It sits again only after the re-investigation has added to the facts.
    with pytest.raises(ValidationError, match="重新调查核实"):
        sv.review_record(actor=cw.staff, case=case, opinion="再议", votes=_votes(7, 2), should_attend=9)
    sv.ground_add(
        actor=cw.staff,
        case=case,
        kind="repentance",
        facts="重新调查：悔改表现经监区走访核实",
        evidence="调查笔录",
        provided_by="狱政管理科",
    )
    again = sv.review_record(actor=cw.staff, case=case, opinion="再议", votes=_votes(7, 2), should_attend=9)
    assert again.sitting == 2 and again.outcome == "allowed"


def test_a_dissent_without_its_opinion_is_refused(cw, case):
    advance(case, cw.staff, 3, held_on=dt.date(2026, 11, 10))
    votes = _votes(7, 2)
    votes[-1] = sv.VoteData(votes[-1].member, "against", "")
    with pytest.raises(ValidationError, match="不同意见须记录"):
        sv.review_record(actor=cw.staff, case=case, opinion="同意", votes=votes, should_attend=9)
    assert not ReviewStep.objects.filter(case=case, order=3).exists()


def test_a_refused_case_goes_on_only_with_a_legal_basis(cw, case):
    advance(case, cw.staff, 2, held_on=dt.date(2026, 11, 10))
    sv.review_record(
        actor=cw.staff,
        case=case,
        opinion="不同意",
        outcome="refused",
        legal_basis="刑法第八十一条",
        statutory_reason="悔改表现证据不足",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.STOPPED
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="法律依据"):
        sv.review_record(actor=cw.staff, case=case, opinion="同意", votes=_votes(8, 1), should_attend=9)
    assert AuditEvent.objects.count() == events
    assert not ReviewStep.objects.filter(case=case, order=3).exists()
    step = sv.review_record(
        actor=cw.staff,
        case=case,
        opinion="同意",
        votes=_votes(8, 1),
        should_attend=9,
        legal_basis="刑法第七十八条",
        statutory_reason="补充查明立功表现",
    )
    assert step.changes_earlier and step.overrides_refusal
    codes = [r["code"] for d in step.decision["decisions"] for r in d["reasons"]]
    assert "casework.change_recorded" in codes and "casework.refused_override" in codes


def test_a_later_level_changing_an_earlier_decision_without_legal_basis_is_refused(cw, case):
    advance(case, cw.staff, 1, held_on=dt.date(2026, 11, 10))
    with pytest.raises(ValidationError, match="法律依据和法定理由"):
        sv.review_record(actor=cw.staff, case=case, opinion="不同意", outcome="refused")
    assert case.reviews.count() == 1


def test_someone_outside_the_prison_cannot_record_a_step(cw, case):
    with pytest.raises(PermissionDenied):
        sv.review_record(actor=cw.other_prison_staff, case=case, opinion="同意", outcome="allowed")
    assert AuditEvent.objects.filter(action="permission.denied").exists()
    assert case.reviews.count() == 0


def test_publicity_is_frozen_hashed_and_cannot_be_shortened(cw, case):
    advance(case, cw.staff, 6, held_on=dt.date(2026, 11, 10))
    with pytest.raises(ValidationError, match="监狱管理局先设定公示期间"):
        sv.publicity_publish(actor=cw.staff, case=case)
    sv.publicity_policy_set(actor=cw.admin, programme=cw.programme, working_days=5, basis="有关规定")
    pub = sv.publicity_publish(actor=cw.staff, case=case)
    assert pub.ends_on == dt.date(2026, 11, 23)  # 5 working days after Monday 16 November
    assert "6401001" in pub.text and "张三丰" not in pub.text
    assert pub.reason["facts"]["days"] == 5
    with pytest.raises(ValidationError, match="期满后方可提请"):
        sv.case_propose(actor=cw.staff, case=case, today=dt.date(2026, 11, 23))
    from jiandu.core.immutable import ImmutableError

    pub.text = "简化"
    with pytest.raises(ImmutableError):
        pub.save()
    assert (
        sv.case_propose(actor=cw.staff, case=case, today=dt.date(2026, 11, 24)).status == CaseStatus.PROPOSED
    )


def test_a_prison_cannot_set_the_publicity_period(cw):
    with pytest.raises(PermissionDenied):
        sv.publicity_policy_set(actor=cw.staff, programme=cw.programme, working_days=1, basis="自定")


def _medical_case(cw, *, designated=True):
    from jiandu.casework.demo import case_with_grounds

    case = case_with_grounds(cw.world, cw.programme, "6401099", "钱某", "medical_parole")
    for hospital, d in (("甲医院", designated), ("乙医院", False)):
        sv.ground_add(
            actor=cw.staff,
            case=case,
            kind="medical",
            facts="肿瘤",
            evidence="诊断证明",
            provided_by=hospital,
            hospital=hospital,
            designated_hospital=d,
        )
    return case


def test_tumour_without_pathology_needs_a_designated_hospital(cw):
    case = _medical_case(cw, designated=False)
    d = sv.medical_check(
        actor=cw.staff,
        case=case,
        records_complete=True,
        explanation="",
        tumour_without_pathology=True,
        disease_category="肿瘤",
        specialty_confirmed=True,
    )
    assert d["outcome"] == "refused"
    with pytest.raises(ValidationError, match="医学材料审查未通过"):
        sv.medical_approve(actor=cw.staff, case=case, approved_on=dt.date(2026, 11, 16))


def test_the_fifteen_day_records_deadline_reminds_then_goes_on_the_problem_list(cw):
    case = _medical_case(cw)
    d = sv.medical_check(
        actor=cw.staff,
        case=case,
        records_complete=False,
        explanation="外院病历调取中",
        tumour_without_pathology=True,
        disease_category="肿瘤",
        specialty_confirmed=True,
    )
    assert d["outcome"] == "allowed"
    assert case.__class__.objects.get(pk=case.pk).specialty_confirmed_by == cw.staff
    sv.medical_approve(actor=cw.staff, case=case, approved_on=dt.date(2026, 11, 16))
    case.refresh_from_db()
    assert case.records_due == dt.date(2026, 12, 1)
    assert case.records_reason["article"] == "三（一）3"
    with time_machine.travel(dt.datetime(2026, 11, 28, 9, 0), tick=False):
        assert casework_checks_run(dt.date(2026, 11, 28))["medical_reminders"] == 1
        assert casework_checks_run(dt.date(2026, 11, 28))["medical_reminders"] == 0
    casework_checks_run(dt.date(2026, 12, 1))
    assert not Problem.objects.filter(source_ref=f"medical:{case.pk}").exists()
    casework_checks_run(dt.date(2026, 12, 2))
    assert Problem.objects.filter(source_ref=f"medical:{case.pk}").count() == 1


def test_isolation_alerts_before_the_limit_and_is_listed_after_it(cw):
    prisoner = sv.prisoner_register(actor=cw.staff, prison=cw.prison, number="6402001", name="孙某")
    iso = sv.isolation_start(actor=cw.staff, prisoner=prisoner, starts_on=dt.date(2026, 9, 20))
    assert iso.limit_on == dt.date(2026, 11, 20)
    assert casework_checks_run(dt.date(2026, 11, 16))["isolation_alerts"] == 1
    assert casework_checks_run(dt.date(2026, 11, 20))["problems_added"] == 0
    # The administration approves the one extension: a month more, and a new alert before it.
    sv.isolation_extend(actor=cw.admin, isolation=iso)
    iso.refresh_from_db()
    assert iso.limit_on == dt.date(2026, 12, 20)
    with pytest.raises(ValidationError, match="只能延长一次"):
        sv.isolation_extend(actor=cw.admin, isolation=iso)
    assert casework_checks_run(dt.date(2026, 12, 14))["isolation_alerts"] == 1
    casework_checks_run(dt.date(2026, 12, 21))
    item = Problem.objects.get(source_ref__startswith=f"isolation:{iso.pk}:")
    assert item.reason["article"] == "三（四）16"


def test_a_prison_cannot_extend_its_own_isolation(cw):
    prisoner = sv.prisoner_register(actor=cw.staff, prison=cw.prison, number="6402002", name="孙某")
    iso = sv.isolation_start(actor=cw.staff, prisoner=prisoner, starts_on=dt.date(2026, 10, 1))
    with pytest.raises(PermissionDenied):
        sv.isolation_extend(actor=cw.staff, isolation=iso)


def test_monthly_points_late_trusties_and_grading_become_items_once(cw):
    p = [
        sv.prisoner_register(actor=cw.staff, prison=cw.prison, number=f"64030{i}", name="某")
        for i in range(3)
    ]
    sv.points_publication_record(
        actor=cw.staff, prison=cw.prison, year=2026, month=10, published_on=dt.date(2026, 10, 25)
    )
    sv.trusty_approve(actor=cw.staff, prisoner=p[0], post="卫生员", approved_on=dt.date(2025, 10, 1))
    sv.grading_record(actor=cw.staff, prisoner=p[1], level="普管", assessed_on=dt.date(2026, 7, 1))
    sv.grading_record(actor=cw.staff, prisoner=p[2], level="普管", assessed_on=dt.date(2026, 10, 1))
    today = dt.date(2026, 11, 16)
    first = casework_checks_run(today)
    refs = set(Problem.objects.filter(prison=cw.prison).values_list("source_ref", flat=True))
    assert {
        "points:2026-10:late",
        "trusty:reapproval:2026-11",
        "trusty:evaluation:2026-11",
        "grading:2026Q4",
    } <= refs
    # 石嘴山监狱, under the same programme, published nothing for October at all.
    assert Problem.objects.get(source_ref="points:2026-10:missing").prison.name.endswith("石嘴山监狱")
    assert first["problems_added"] == Problem.objects.count()
    assert casework_checks_run(today)["problems_added"] == 0
    grading = Problem.objects.get(source_ref="grading:2026Q4")
    assert "1人" in grading.title and grading.reason["article"] == "三（二）9"


def test_problem_tick_off(cw):
    p = sv.problem_create(
        actor=cw.staff, prison=cw.prison, title="台账不全", responsible="李科长", due_on=dt.date(2026, 11, 30)
    )
    with pytest.raises(PermissionDenied):
        sv.problem_verify(actor=cw.staff, problem=p, accept=True, note="自己核验")
    sv.problem_rectify(actor=cw.staff, problem=p, evidence="已补齐台账")
    sv.problem_verify(actor=cw.admin, problem=p, accept=False, note="佐证不足")
    p.refresh_from_db()
    assert p.status == ProblemStatus.OPEN
    sv.problem_rectify(actor=cw.staff, problem=p, evidence="已补齐台账并附照片")
    sv.problem_verify(actor=cw.admin, problem=p, accept=True, note="核验属实")
    p.refresh_from_db()
    assert p.status == ProblemStatus.CLOSED and p.closed_on == dt.date(2026, 11, 16)


def test_quarterly_report_is_generated_edited_submitted(cw, case):
    r = sv.quarterly_report_generate(actor=cw.staff, prison=cw.prison, year=2026, quarter=3)
    assert r.due_on == dt.date(2026, 10, 13)
    r = sv.quarterly_report_generate(actor=cw.staff, prison=cw.prison, year=2026, quarter=4)
    assert r.due_on == dt.date(2027, 1, 13) and r.figures["cases_opened"] == 1
    sv.quarterly_report_edit(actor=cw.staff, report=r, text="本季度……")
    sv.quarterly_report_submit(actor=cw.staff, report=r)
    with pytest.raises(ValidationError):
        sv.quarterly_report_edit(actor=cw.staff, report=r, text="改")


def test_two_level_penalty_review_concluded_after_one_is_listed(cw):
    prisoner = sv.prisoner_register(actor=cw.staff, prison=cw.prison, number="6404001", name="某")
    o = sv.penalty_objection_record(
        actor=cw.staff,
        prisoner=prisoner,
        filed_on=dt.date(2026, 9, 1),
        levels_done=1,
        concluded_on=dt.date(2026, 10, 1),
    )
    casework_checks_run(dt.date(2026, 11, 16))
    assert Problem.objects.get(source_ref=f"penalty:{o.pk}").reason["article"] == "三（二）7"


def test_isolation_month_end(cw):
    prisoner = sv.prisoner_register(actor=cw.staff, prison=cw.prison, number="6402009", name="某")
    iso = sv.isolation_start(actor=cw.staff, prisoner=prisoner, starts_on=dt.date(2025, 12, 31))
    assert iso.limit_on == add_months(dt.date(2025, 12, 31), 2) == dt.date(2026, 2, 28)


def test_a_records_deadline_in_an_unloaded_year_is_marked_provisional(cw):
    case = _medical_case(cw)
    sv.medical_check(
        actor=cw.staff,
        case=case,
        records_complete=False,
        explanation="调取中",
        tumour_without_pathology=True,
        disease_category="肿瘤",
        specialty_confirmed=True,
    )
    sv.medical_approve(actor=cw.staff, case=case, approved_on=dt.date(2026, 12, 28))
    case.refresh_from_db()
    assert case.records_due.year == 2027
    assert case.records_reason["facts"]["provisional_years"] == [2027]
    assert "暂定" in case.records_reason["message"]


def test_a_quarterly_report_not_submitted_by_the_13th_is_listed(cw):
    r = sv.quarterly_report_generate(actor=cw.staff, prison=cw.prison, year=2026, quarter=3)
    casework_checks_run(dt.date(2026, 10, 14))
    item = Problem.objects.get(prison=cw.prison, source_ref="report:2026Q3")
    assert item.reason["article"] == "五（五）"
    Problem.objects.all().delete()
    with time_machine.travel(dt.datetime(2026, 10, 12, 9, 0), tick=False):
        sv.quarterly_report_submit(actor=cw.staff, report=r)
    casework_checks_run(dt.date(2026, 10, 14))
    assert not Problem.objects.filter(prison=cw.prison, source_ref="report:2026Q3").exists()


def test_only_a_significant_case_invites_supervisors(cw):
    from jiandu.casework.demo import case_with_grounds

    plain = case_with_grounds(cw.world, cw.programme, "6406001", "某", "commutation")
    with pytest.raises(ValidationError, match="重大影响"):
        sv.case_invite_supervisors(actor=cw.staff, case=plain, duty_on=dt.date(2026, 11, 30), place="会议室")
    assert not plain.duties.exists()
