"""Duties end to end through the services: request (第十条), pool and draw (第十一条, 第十三条, 第二十二条),
contact in order and redraw (第十二条, 第十四条), the day (第十七条), reports (第二十条)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest

from jiandu.audit.models import AuditEvent
from jiandu.duties import services as sv
from jiandu.duties.models import (
    Assignment,
    AssignmentStatus,
    DrawRecord,
    Duty,
    DutyStatus,
    ImmutableError,
)
from jiandu.duties.pool import candidate_id, pool_build
from jiandu.duties.verify import record_problems
from jiandu.roster.models import Programme

from .conftest import act_as, make_supervisor, open_and_draw, request_data

# ------------------------------------------------------------------------------------------ requests


def test_request_in_time_is_recorded_with_its_decision(duty: Duty) -> None:
    assert duty.lead_decision["outcome"] == "allowed"
    assert duty.lead_decision["reasons"][0]["article"] == "第十条第一款"
    # 第二十条: three working days after Monday 2026-03-23 → Thursday 2026-03-26
    assert duty.report_due_on == dt.date(2026, 3, 26)
    assert AuditEvent.objects.filter(action="duty.request", target_id=str(duty.pk)).count() == 1


def test_late_request_is_refused_with_article_and_latest_date(
    world: Any, programme: Any, roster: Any, frozen: Any
) -> None:
    # Duty on Friday 2026-03-13: five working days before is Friday 2026-03-06; today is Monday 03-09.
    data = request_data(programme, duty_on=dt.date(2026, 3, 13))
    with pytest.raises(sv.RequestRefused) as refused:
        sv.duty_request(actor=world.users["weihai_procurator"], data=data)
    assert "第十条第一款" in str(refused.value)
    assert "2026-03-06" in str(refused.value)
    assert refused.value.decision.reasons[0].facts["latest_allowed"] == dt.date(2026, 3, 6)
    assert Duty.objects.count() == 0


def test_consent_allows_three_working_days(world: Any, programme: Any, roster: Any, frozen: Any) -> None:
    # Duty on Thursday 2026-03-12: three working days before is Monday 03-09 = today.
    late = request_data(programme, duty_on=dt.date(2026, 3, 12))
    with pytest.raises(sv.RequestRefused):
        sv.duty_request(actor=world.users["weihai_procurator"], data=late)
    with pytest.raises(sv.DutyError, match="第十条第二款"):
        sv.duty_request(
            actor=world.users["weihai_procurator"],
            data=request_data(programme, duty_on=dt.date(2026, 3, 12), consent=True),
        )
    duty = sv.duty_request(
        actor=world.users["weihai_procurator"],
        data=request_data(
            programme, duty_on=dt.date(2026, 3, 12), consent=True, consent_note="电话商定，王芳同意"
        ),
    )
    assert duty.lead_decision["reasons"][0]["article"] == "第十条第二款"


def test_agency_outside_the_programme_tree_cannot_request(world: Any, programme: Any, frozen: Any) -> None:
    with pytest.raises(sv.DutyError, match="上级主管"):
        sv.duty_request(actor=world.users["wanzhou_market_staff"], data=request_data(programme))


# ------------------------------------------------------------------------------------------ pool


def test_pool_leaves_out_each_with_its_reason(world: Any, roster: Any, duty: Duty) -> None:
    duty.parties = ["威海某某化工有限公司"]
    duty.save()
    duty.related_orgs.set([world.orgs["weihai_market"]])
    pool = pool_build(duty)
    excluded = {e["id"]: [r["code"] for r in e["reasons"]] for e in pool["excluded"]}
    assert excluded == {
        candidate_id(roster["suspended"].pk): ["not_active"],
        candidate_id(roster["untrained"].pk): ["no_initial_training"],
        candidate_id(roster["employee"].pk): ["conflict_own_employer"],
        candidate_id(roster["relative"].pk): ["conflict_relative_employer"],
    }
    untrained = next(e for e in pool["excluded"] if e["id"] == candidate_id(roster["untrained"].pk))
    assert untrained["reasons"][0]["article"] == "第二十二条第三款"
    assert pool["counts"]["candidates"] == 6
    assert {c["id"] for c in pool["candidates"]} == {
        candidate_id(roster[k].pk) for k in ("liu", "chen", "zhao", "sun", "zhou", "wu")
    }


def test_pool_applies_only_the_programmes_own_rules(world: Any, frozen: Any, wanzhou: Programme) -> None:
    """万州 sets no training gate, and its recusal is 第十二条 (not 威海 人民监督员 第二十二条/第十三条)."""
    untrained = make_supervisor(wanzhou, "王新", initial_training_on=None)
    employee = make_supervisor(wanzhou, "冯员", employer="万州某某建材有限公司")
    duty = sv.duty_request(
        actor=world.users["wanzhou_market_staff"],
        data=request_data(wanzhou, place="万州区市场监管局", parties=("万州某某建材有限公司",)),
    )
    pool = pool_build(duty)
    assert candidate_id(untrained.pk) in {c["id"] for c in pool["candidates"]}
    [tie] = pool["excluded"]
    assert tie["id"] == candidate_id(employee.pk)
    assert [(r["code"], r["article"]) for r in tie["reasons"]] == [("conflict_own_employer", "第十二条")]


# ------------------------------------------------------------------------------------------ draw


def test_draw_commits_then_reveals_and_verifies(world: Any, duty: Duty) -> None:
    commitment = sv.draw_open(actor=world.users["weihai_admin"], duty=duty)
    seed = bytes.fromhex(commitment.seed)
    assert commitment.commitment == hashlib.sha256(seed).hexdigest()
    duty.refresh_from_db()
    assert duty.status == DutyStatus.DRAW_OPEN
    drawn = sv.draw_perform(
        actor=world.users["weihai_admin"],
        commitment=commitment,
        witnesses=[
            {"name": "张三", "role": "检察官", "value": " 4821 "},
            {"name": "", "role": "", "value": ""},
        ],
    )
    assert drawn.record["witnesses"] == [{"name": "张三", "role": "检察官", "value": "4821"}]
    assert drawn.record["commitment"] == commitment.commitment
    assert drawn.record["algorithm"] == "jiandu-draw-v2" and commitment.algorithm == "jiandu-draw-v2"
    assert record_problems(drawn) == []
    invited = list(duty.assignments.order_by("position"))
    assert [candidate_id(a.supervisor_id) for a in invited] == drawn.record["result"]["selected"]
    assert all(a.status == AssignmentStatus.INVITED for a in invited)


def test_draw_needs_a_witness(world: Any, duty: Duty) -> None:
    commitment = sv.draw_open(actor=world.users["weihai_admin"], duty=duty)
    with pytest.raises(sv.DutyError, match="见证"):
        sv.draw_perform(actor=world.users["weihai_admin"], commitment=commitment, witnesses=[])
    assert not DrawRecord.objects.exists()


def test_records_refuse_changes(world: Any, duty: Duty) -> None:
    drawn = open_and_draw(world, duty)
    drawn.record_hash = "0" * 64
    with pytest.raises(ImmutableError):
        drawn.save()
    with pytest.raises(ImmutableError):
        DrawRecord.objects.filter(pk=drawn.pk).update(record_hash="x")
    with pytest.raises(ImmutableError):
        drawn.commitment.delete()


def test_specialty_minimum_is_honoured(world: Any, programme: Any, roster: Any, frozen: Any) -> None:
    duty = sv.duty_request(
        actor=world.users["weihai_procurator"],
        data=request_data(programme, supervisors_needed=2, specialty_minimums={"medicine": 1}),
    )
    drawn = open_and_draw(world, duty)
    assert candidate_id(roster["chen"].pk) in drawn.record["result"]["selected"]


# ------------------------------------------------------------------------------------------ contact


def test_decline_and_recusal_move_to_the_next_in_order_and_exhaustion_asks_for_a_redraw(
    world: Any, roster: Any, duty: Duty
) -> None:
    drawn = open_and_draw(world, duty)
    order = drawn.order
    by_cid = {candidate_id(s.pk): s for s in roster.values()}
    first = duty.assignments.get(position=1)
    supervisor_user = act_as(world, first.supervisor)
    with pytest.raises(sv.DutyError, match="理由"):
        sv.assignment_respond(actor=supervisor_user, assignment=first, accept=False)
    sv.assignment_respond(actor=supervisor_user, assignment=first, accept=False, reason="出差")
    fourth = duty.assignments.get(supervisor=by_cid[order[3]])
    assert fourth.position == 4 and fourth.status == AssignmentStatus.INVITED
    # The bureau decides a recusal (第十三条第二款): the next after that is asked.
    sv.assignment_recuse(actor=world.users["weihai_admin"], assignment=fourth, reason="当事人近亲属")
    assert duty.assignments.get(supervisor=by_cid[order[4]]).status == AssignmentStatus.INVITED
    # Decline everyone left: the order runs out → a redraw is needed (第十四条第一款).
    for a in duty.assignments.filter(status=AssignmentStatus.INVITED):
        sv.assignment_recuse(actor=world.users["weihai_admin"], assignment=a, reason="测试")
    while True:
        pending = list(duty.assignments.filter(status=AssignmentStatus.INVITED))
        if not pending:
            break
        for a in pending:
            sv.assignment_recuse(actor=world.users["weihai_admin"], assignment=a, reason="测试")
    duty.refresh_from_db()
    assert duty.status == DutyStatus.REDRAW_NEEDED
    assert duty.assignments.count() == 8
    redraw = sv.draw_open(actor=world.users["weihai_admin"], duty=duty)
    assert redraw.number == 2 and redraw.redraw_of is not None
    assert {e["reasons"][-1]["code"] for e in redraw.pool["excluded"]} >= {"already_contacted"}
    assert redraw.pool["groups"] == [] and redraw.pool["counts"]["candidates"] == 0


def test_accepts_staff_the_duty(world: Any, roster: Any, duty: Duty) -> None:
    open_and_draw(world, duty)
    for a in duty.assignments.select_related("supervisor"):
        sv.assignment_respond(actor=act_as(world, a.supervisor), assignment=a, accept=True)
    duty.refresh_from_db()
    assert duty.status == DutyStatus.STAFFED


def test_only_the_invited_supervisor_answers(world: Any, roster: Any, duty: Duty) -> None:
    open_and_draw(world, duty)
    a = duty.assignments.exclude(supervisor=roster["liu"]).first()
    assert a is not None
    with pytest.raises(sv.DutyError, match="本人"):
        sv.assignment_respond(actor=world.users["weihai_supervisor"], assignment=a, accept=True)


# ------------------------------------------------------------------------------------------ the day


def _staffed(world: Any, duty: Duty) -> list[Assignment]:
    open_and_draw(world, duty)
    rows = list(duty.assignments.all())
    Assignment.objects.filter(pk__in=[a.pk for a in rows]).update(status=AssignmentStatus.ACCEPTED)
    duty.status = DutyStatus.STAFFED
    duty.save()
    return rows


def test_attendance_record_and_confirmation(world: Any, roster: Any, duty: Duty, frozen: Any) -> None:
    rows = _staffed(world, duty)
    agency = world.users["weihai_procurator"]
    with pytest.raises(sv.DutyError, match="当天"):
        sv.attendance_record(actor=agency, duty=duty, present={rows[0].pk})
    frozen.move_to(dt.datetime(2026, 3, 23, 10, 0, tzinfo=dt.UTC))
    sv.attendance_record(
        actor=agency, duty=duty, present={rows[0].pk, rows[1].pk}, excused={rows[2].pk: "突发疾病"}
    )
    rows = [duty.assignments.get(pk=a.pk) for a in rows]
    statuses = {a.pk: (a.status, a.excused) for a in rows}
    assert statuses[rows[2].pk] == (AssignmentStatus.ABSENT, True)
    with pytest.raises(sv.DutyError, match="第十八条"):
        sv.record_save(
            actor=agency,
            duty=duty,
            summary="听证会按程序进行",
            opinions=[sv.OpinionData(rows[0].supervisor_id, "建议不起诉", "not_adopted")],
        )
    record = sv.record_save(
        actor=agency,
        duty=duty,
        summary="听证会按程序进行",
        opinions=[sv.OpinionData(rows[0].supervisor_id, "建议不起诉", "adopted")],
    )
    # The attending supervisor confirms on the phone; then the record is fixed.
    user = act_as(world, rows[0].supervisor)
    confirmed = sv.record_confirm(actor=user, assignment=rows[0])
    assert confirmed.confirmed_hash == sv.record_content_hash(record)
    sv.record_confirm(actor=agency, assignment=rows[1], via="paper")
    with pytest.raises(sv.DutyError, match="签字确认"):
        sv.record_save(actor=agency, duty=duty, summary="改", opinions=[])
    # 第二十条: report; the opinion goes on to findings.
    sv.duty_report(actor=agency, duty=duty)
    duty.refresh_from_db()
    assert duty.reported_on == dt.date(2026, 3, 23)
    opinion = record.opinions.get()
    sv.opinion_send_to_findings(actor=user, opinion=opinion)
    opinion.refresh_from_db()
    from jiandu.findings.models import Finding

    finding = Finding.objects.get(pk=int(opinion.finding_ref))
    assert finding.text == "建议不起诉" and finding.agency_id == duty.agency_id


def test_monthly_summary_due_on_the_fifth(world: Any, programme: Any) -> None:
    due, reason = sv.monthly_summary_due_on(programme, 2026, 3)
    assert due == dt.date(2026, 4, 5)
    assert reason is not None and reason.article == "第二十条"


def test_a_january_duty_requested_in_december_passes_provisionally(
    world: Any, programme: Any, roster: Any
) -> None:
    """Issue 9: 2027 has no loaded notice on 2 December 2026; the lead-time check and the report date
    are computed from the statutory holidays and marked 暂定 — not refused."""
    import time_machine

    with time_machine.travel(dt.datetime(2026, 12, 2, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))):
        duty = sv.duty_request(
            actor=world.users["weihai_procurator"],
            data=request_data(programme, duty_on=dt.date(2027, 1, 12)),
        )
    assert duty.lead_decision["outcome"] == "allowed" and duty.lead_provisional
    reason = duty.lead_decision["reasons"][0]
    assert reason["facts"]["provisional"] is True and reason["facts"]["provisional_years"] == [2027]
    assert "暂定，待2027年放假安排公布后确定" in reason["message"]
    assert duty.report_due_on == dt.date(2027, 1, 15) and duty.report_due_provisional


def test_loading_the_notice_moves_a_provisional_report_date_and_rechecks_the_lead(
    world: Any, programme: Any, roster: Any
) -> None:
    import time_machine

    from jiandu.duties.calendar_dates import LeadChecks, ReportDueDates
    from jiandu.notifications.models import Notification
    from jiandu.rules.calendar import overlay_from_dict
    from jiandu.workdays.services import overlay_load

    with time_machine.travel(dt.datetime(2026, 12, 2, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))):
        duty = sv.duty_request(
            actor=world.users["weihai_procurator"],
            data=request_data(programme, duty_on=dt.date(2027, 1, 12)),
        )
        # FICTITIOUS test data (not the State Council's 2027 notice): 01-13 made a day off.
        overlay_load(
            actor=None,
            overlay=overlay_from_dict(
                {
                    "kind": "national",
                    "year": 2027,
                    "label": "测试用虚构数据",
                    "test_data": True,
                    "holidays": [
                        {"date": "2027-01-01", "name": "元旦"},
                        {"date": "2027-01-13", "name": "虚构"},
                    ],
                }
            ),
        )
        today = dt.date(2026, 12, 2)
        moved = list(ReportDueDates().recompute(today=today, actor=None))
        rechecked = list(LeadChecks().recompute(today=today, actor=None))
    duty.refresh_from_db()
    assert [c.outcome for c in moved] == ["moved"]
    assert duty.report_due_on == dt.date(2027, 1, 18) and not duty.report_due_provisional
    assert AuditEvent.objects.filter(action="calendar.date_recompute", target_id=str(duty.pk)).count() == 1
    assert Notification.objects.filter(
        recipient=world.users["weihai_procurator"], kind="calendar.date_moved"
    ).exists()
    assert [c.outcome for c in rechecked] == ["unchanged"]  # latest day still 2027-01-05
    assert not duty.lead_provisional and duty.lead_decision["outcome"] == "allowed"
    assert AuditEvent.objects.filter(action="calendar.lead_recheck", target_id=str(duty.pk)).exists()
