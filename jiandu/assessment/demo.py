"""Demo ledger lines and assessments for the Weihai people's-supervisor programme, through the
services: last year's round finished (three 优秀 after a 公示, one 不合格 whose defence period lapsed —
it then appears among the proposed disqualifications — one 基本合格, the rest 合格, results entered),
and this year's round in progress (everyone proposed except the demo supervisor 刘洋, who has not
yet written a self-summary). Idempotent: a round is found by programme and year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from jiandu.assessment import services as sv
from jiandu.assessment.models import ActivityKind, Assessment, AssessmentRound, LedgerEntry
from jiandu.roster.models import SupervisorStatus

CONDITIONS = ["political", "ethics", "many_activities", "quality_opinions", "training"]
EXCELLENT = (1, 2, 4)
FAILING, BASIC = 10, 17


def _propose(admin: Any, a: Assessment, i: int, today: dt.date, *, failing: bool) -> None:
    if i in EXCELLENT:
        sv.grade_propose(
            actor=admin,
            assessment=a,
            grade="excellent",
            reason="履职积极，意见质量高",
            conditions=CONDITIONS,
            today=today,
        )
    elif failing and i == FAILING:
        sv.grade_propose(
            actor=admin,
            assessment=a,
            grade="failing",
            reason="无正当理由不参加培训，经电话提醒仍未改正",
            grounds=["absent_without_reason"],
            today=today,
        )
    elif i == BASIC:
        sv.grade_propose(
            actor=admin, assessment=a, grade="basic", reason="参加活动较少（按省级考核办法评定）", today=today
        )
    else:
        sv.grade_propose(
            actor=admin,
            assessment=a,
            grade="competent",
            reason="按要求履职（按省级考核办法评定）",
            today=today,
        )


def build(world: Any) -> None:
    programme = world.extra.get("programmes", {}).get("weihai_people")
    if programme is None:
        return
    admin = world.users["weihai_admin"]
    today = timezone.localdate()
    year = today.year
    people = list(programme.supervisors.filter(status=SupervisorStatus.ACTIVE).order_by("id"))
    if not people:
        return
    liu = people[0]
    if not LedgerEntry.objects.filter(supervisor=liu).exists():
        sv.ledger_entry_add(
            actor=admin,
            supervisor=liu,
            kind=ActivityKind.OTHER,
            on=dt.date(year - 1, 9, 12),
            text="参加市人民检察院检察开放日活动",
        )

    opened = dt.date(year, 1, 5)
    finished = AssessmentRound.objects.filter(programme=programme, year=year - 1).first()
    if (
        finished is None
        and today >= opened + dt.timedelta(days=20)
        and (programme.cohort_start is None or programme.cohort_start.year <= year - 1)
    ):
        r = sv.round_open(actor=admin, programme=programme, year=year - 1, today=opened)
        rows = {a.supervisor_id: a for a in r.assessments.all()}
        if liu.user_id:
            sv.self_summary_submit(
                actor=liu.user,
                assessment=rows[liu.pk],
                text=f"{year - 1}年参加监督办案活动，提出监督意见，按时参加培训。",
            )
        for s in people[:5]:
            sv.opinion_record(
                actor=admin, assessment=rows[s.pk], source="procuratorate", text="认真履职，意见中肯"
            )
        for i, s in enumerate(people):
            if s.pk in rows:
                _propose(admin, rows[s.pk], i, opened + dt.timedelta(days=1), failing=True)
        sv.excellent_notice_publish(
            actor=admin,
            round=r,
            starts_on=opened + dt.timedelta(days=2),
            ends_on=opened + dt.timedelta(days=8),
        )
        r = sv.round_finalise(actor=admin, round=r, today=opened + dt.timedelta(days=15))
        sv.deadline_done(actor=admin, round=r, code="entry", on=opened + dt.timedelta(days=16))
        sv.deadline_done(actor=admin, round=r, code="filing", on=opened + dt.timedelta(days=20))

    if today.month >= 11 and not AssessmentRound.objects.filter(programme=programme, year=year).exists():
        r = sv.round_open(actor=admin, programme=programme, year=year, today=today)
        rows = {a.supervisor_id: a for a in r.assessments.all()}
        for i, s in enumerate(people):
            if i and s.pk in rows:
                _propose(admin, rows[s.pk], i, today, failing=False)
