"""Demo training for the Weihai people's-supervisor programme, through the services: last year's
in-term session (two absent without reason, one excused), this year's initial training for those
appointed without it (one pass, one fail, one absent through illness) and its make-up (one still
fails, so stays on the overdue list), and an online session with a quiz. Idempotent: sessions are
found by title, and only still-open rows are marked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jiandu.roster.models import SupervisorStatus
from jiandu.training import services as sv
from jiandu.training.models import Participation, ParticipationStatus, SessionKind, TrainingSession

PASS_MARK = Decimal(60)  # set by the bureau per session; the rulebook names no mark
QUIZ = [
    {
        "q": "人民监督员发现办案活动存在问题，应当如何提出？",
        "options": ["私下告知当事人", "依规提出监督意见"],
        "answer": 1,
    },
    {"q": "未经初任培训及考核合格的，能否参与监督办案活动？", "options": ["不能", "可以"], "answer": 0},
    {"q": "监督活动结束后应当填写什么？", "options": ["履职情况反馈表", "个人简历"], "answer": 0},
]


def _session(admin: Any, programme: Any, title: str, **kw: Any) -> TrainingSession | None:
    existing = TrainingSession.objects.filter(programme=programme, title=title).first()
    if existing is not None:
        return existing
    if kw["held_on"] > timezone.localdate() or (
        programme.cohort_start and kw["held_on"] < programme.cohort_start
    ):
        return None  # the demo's "today" does not reach this session
    return sv.session_create(actor=admin, programme=programme, title=title, **kw)


def _open(session: TrainingSession, supervisor: Any) -> Participation | None:
    p = Participation.objects.filter(session=session, supervisor=supervisor).first()
    return p if p is not None and p.status == ParticipationStatus.INVITED else None


def build(world: Any) -> None:
    programme = world.extra.get("programmes", {}).get("weihai_people")
    if programme is None:
        return
    admin = world.users["weihai_admin"]
    year = timezone.localdate().year
    people = list(programme.supervisors.filter(status=SupervisorStatus.ACTIVE).order_by("id"))

    last = _session(
        admin,
        programme,
        f"{year - 1}年度人民监督员任期培训",
        kind=SessionKind.IN_TERM,
        mode="lecture",
        held_on=dt.date(year - 1, 6, 16),
        place="威海市司法局三楼会议室",
        materials="《人民监督员选任管理办法》解读；监督办案活动实务",
    )
    if last is not None:
        sv.session_invite(actor=admin, session=last, supervisors=people)
        for i, s in enumerate(people):
            p = _open(last, s)
            if p is None:
                continue
            if i in (3, 10):
                sv.attendance_record(actor=admin, participation=p, attended=False, reason="未请假")
            elif i == 17:
                sv.attendance_record(
                    actor=admin, participation=p, attended=False, excused=True, reason="外地出差"
                )
            else:
                sv.attendance_record(actor=admin, participation=p, attended=True)

    untrained = [s for s in people if s.initial_training_on is None]
    initial = _session(
        admin,
        programme,
        f"{year}年度人民监督员初任培训",
        kind=SessionKind.INITIAL,
        mode="lecture",
        held_on=dt.date(year, 3, 10),
        place="威海市人民检察院培训中心",
        pass_mark=PASS_MARK,
        materials="人民监督员的职责、监督实务及管理要求",
    )
    if initial is not None and untrained:
        sv.session_invite(actor=admin, session=initial, supervisors=untrained)
        for s, score in zip(untrained, ("85", "52", None), strict=False):
            p = _open(initial, s)
            if p is None:
                continue
            if score is None:
                sv.attendance_record(
                    actor=admin, participation=p, attended=False, excused=True, reason="住院治疗（疾病）"
                )
            else:
                sv.attendance_record(actor=admin, participation=p, attended=True)
                sv.exam_record(actor=admin, participation=p, score=score)
        makeup = _session(
            admin,
            programme,
            f"{year}年度人民监督员初任培训（补课）",
            kind=SessionKind.INITIAL,
            mode="case_study",
            held_on=dt.date(year, 4, 14),
            place="威海市司法局三楼会议室",
            pass_mark=PASS_MARK,
            makeup_of=initial,
        )
        if makeup is not None:
            sv.session_invite(actor=admin, session=makeup)
            for p in makeup.participations.select_related("supervisor").order_by("supervisor_id"):
                if p.status != ParticipationStatus.INVITED:
                    continue
                sv.attendance_record(actor=admin, participation=p, attended=True)
                sv.exam_record(
                    actor=admin, participation=p, score="75" if p.supervisor_id == untrained[1].pk else "58"
                )

    online = _session(
        admin,
        programme,
        f"{year}年度人民监督员网络学习",
        kind=SessionKind.IN_TERM,
        mode="online",
        held_on=dt.date(year, 5, 18),
        pass_mark=PASS_MARK,
        materials="学习材料：监督办案活动的程序与要求",
        quiz=QUIZ,
    )
    if online is not None:
        sv.session_invite(actor=admin, session=online, supervisors=people)
        for i, s in enumerate(people):
            p = _open(online, s)
            if p is None or i in (7, 8):
                continue  # two who have not studied yet: the yearly check lists them
            if s.user_id:
                sv.quiz_submit(actor=s.user, participation=p, answers=[1, 0, 0])
            else:
                sv.attendance_record(actor=admin, participation=p, attended=True)
