"""Training services: each rule and refusal, with its audit event, and nothing written on a refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from jiandu.audit.models import AuditEvent
from jiandu.training import services as sv
from jiandu.training.models import Participation, ParticipationStatus, SessionKind, TrainingSession
from jiandu.training.selectors import in_term_missing, initial_training_pending

DAY = dt.date(2026, 11, 20)


def initial(admin: Any, programme: Any, **kw: Any) -> TrainingSession:
    base: dict[str, Any] = {
        "actor": admin,
        "programme": programme,
        "kind": SessionKind.INITIAL,
        "mode": "lecture",
        "title": "2026年度人民监督员初任培训",
        "held_on": DAY,
        "place": "威海市司法局三楼会议室",
        "pass_mark": "60",
    }
    base.update(kw)
    return sv.session_create(**base)


def test_an_initial_session_without_a_pass_mark_is_refused_with_the_article(admin, programme):
    with pytest.raises(ValidationError) as exc:
        initial(admin, programme, pass_mark=None)
    assert "第二十二条第二款" in exc.value.messages[0]
    assert not TrainingSession.objects.exists()


def test_a_mode_the_rulebook_does_not_name_is_refused(admin, programme):
    with pytest.raises(ValidationError) as exc:
        initial(admin, programme, mode="banquet")
    assert "网络学习" in exc.value.messages[0]


def test_only_the_programme_s_bureau_creates_sessions(world, programme):
    with pytest.raises(PermissionDenied):
        initial(world.users["wanzhou_admin"], programme)
    assert not TrainingSession.objects.exists()
    assert AuditEvent.objects.filter(action="permission.denied").exists()


def test_passing_the_exam_completes_initial_training_and_failing_does_not(admin, programme, people):
    s = initial(admin, programme)
    assert sv.session_invite(actor=admin, session=s) == 3
    liu, chen = (Participation.objects.get(session=s, supervisor=people[k]) for k in ("liu", "chen"))
    sv.attendance_record(actor=admin, participation=liu, attended=True)
    sv.attendance_record(actor=admin, participation=chen, attended=True)
    people["liu"].refresh_from_db()
    assert people["liu"].initial_training_on is None  # attendance alone is not enough: there is an exam
    sv.exam_record(actor=admin, participation=liu, score="85")
    sv.exam_record(actor=admin, participation=chen, score="59.5")
    people["liu"].refresh_from_db()
    people["chen"].refresh_from_db()
    assert people["liu"].initial_training_on == DAY
    assert people["chen"].initial_training_on is None
    assert AuditEvent.objects.filter(action="training.exam").count() == 2


def test_exam_needs_attendance(admin, programme, people):
    s = initial(admin, programme)
    sv.session_invite(actor=admin, session=s)
    p = Participation.objects.get(session=s, supervisor=people["zhao"])
    with pytest.raises(ValidationError):
        sv.exam_record(actor=admin, participation=p, score="90")
    p.refresh_from_db()
    assert p.score is None


def test_make_up_invites_the_absent_and_the_failed(admin, programme, people):
    s = initial(admin, programme)
    sv.session_invite(actor=admin, session=s)
    rows = {k: Participation.objects.get(session=s, supervisor=people[k]) for k in people}
    sv.attendance_record(actor=admin, participation=rows["liu"], attended=True)
    sv.exam_record(actor=admin, participation=rows["liu"], score="90")
    sv.attendance_record(actor=admin, participation=rows["chen"], attended=True)
    sv.exam_record(actor=admin, participation=rows["chen"], score="40")
    sv.attendance_record(
        actor=admin, participation=rows["zhao"], attended=False, excused=True, reason="住院治疗"
    )
    makeup = initial(admin, programme, title="初任培训补课", held_on=dt.date(2026, 12, 4), makeup_of=s)
    assert sv.session_invite(actor=admin, session=makeup) == 2
    assert set(makeup.participations.values_list("supervisor__full_name", flat=True)) == {"陈晨", "赵敏"}


def test_an_excused_absence_needs_its_reason(admin, programme, people):
    s = initial(admin, programme)
    sv.session_invite(actor=admin, session=s)
    p = Participation.objects.get(session=s, supervisor=people["zhao"])
    with pytest.raises(ValidationError):
        sv.attendance_record(actor=admin, participation=p, attended=False, excused=True)
    p.refresh_from_db()
    assert p.status == ParticipationStatus.INVITED


def test_qr_check_in_works_only_on_the_day_and_for_the_invited(world, admin, programme, people):
    s = initial(admin, programme)
    sv.session_invite(actor=admin, session=s, supervisors=[people["liu"]])
    user = world.users["weihai_supervisor"]
    with pytest.raises(ValidationError):
        sv.checkin(actor=user, token=s.checkin_token, today=DAY - dt.timedelta(days=1))
    p = sv.checkin(actor=user, token=s.checkin_token, today=DAY)
    assert p.status == ParticipationStatus.ATTENDED and p.checked_in_via == "qr"
    other = initial(admin, programme, title="另一次培训")
    with pytest.raises(PermissionDenied):
        sv.checkin(actor=user, token=other.checkin_token, today=DAY)


def test_online_quiz_counts_as_attendance_and_scores(world, admin, programme, people):
    s = sv.session_create(
        actor=admin,
        programme=programme,
        kind=SessionKind.IN_TERM,
        mode="online",
        title="网络学习：监督办案活动实务",
        held_on=DAY,
        pass_mark="60",
        quiz=[
            {"q": "监督员发现问题应如何提出意见？", "options": ["口头", "书面或当面"], "answer": 1},
            {"q": "初任培训须考核合格吗？", "options": ["是", "否"], "answer": 0},
        ],
    )
    sv.session_invite(actor=admin, session=s, supervisors=[people["liu"]])
    p = Participation.objects.get(session=s)
    p = sv.quiz_submit(actor=world.users["weihai_supervisor"], participation=p, answers=[1, 1])
    assert p.status == ParticipationStatus.ATTENDED and p.score == 50 and p.passed is False


def test_a_quiz_only_for_online_sessions(admin, programme):
    with pytest.raises(ValidationError):
        sv.session_create(
            actor=admin,
            programme=programme,
            kind=SessionKind.IN_TERM,
            mode="lecture",
            title="集中授课",
            held_on=DAY,
            quiz=[{"q": "?", "options": ["a", "b"], "answer": 0}],
        )


def test_initial_training_deadline_is_two_months_after_appointment(admin, programme, people):
    # Appointed 2026-10-09: due 2026-12-09 (第二十二条第一款); late from 12-10.
    with time_machine.travel(dt.datetime(2026, 12, 9, 9, 0), tick=False):
        rows = initial_training_pending(admin, today=dt.date(2026, 12, 9))
    assert {r.due for r in rows} == {dt.date(2026, 12, 9)}
    assert not any(r.overdue for r in rows)
    assert rows[0].reason is not None and rows[0].reason.article == "第二十二条第一款"
    rows = initial_training_pending(admin, today=dt.date(2026, 12, 10))
    assert all(r.overdue for r in rows) and len(rows) == 3


def test_the_yearly_check_lists_who_had_no_in_term_session(admin, programme, people):
    s = sv.session_create(
        actor=admin,
        programme=programme,
        kind=SessionKind.IN_TERM,
        mode="seminar",
        title="任期培训",
        held_on=DAY,
    )
    sv.session_invite(actor=admin, session=s)
    p = Participation.objects.get(session=s, supervisor=people["liu"])
    sv.attendance_record(actor=admin, participation=p, attended=True)
    missing = in_term_missing(admin, year=2026)
    assert {r.supervisor.full_name for r in missing} == {"陈晨", "赵敏"}
    assert missing[0].decision.reasons[0].article == "第二十三条"


def test_the_bureau_is_reminded_once_a_day_of_late_initial_training(world, admin, programme, people):
    from jiandu.notifications.models import Notification

    assert sv.initial_training_remind(today=dt.date(2026, 11, 16)) == 0  # due 12-09: not yet near
    assert sv.initial_training_remind(today=dt.date(2026, 12, 1)) == 1
    assert sv.initial_training_remind(today=dt.date(2026, 12, 1)) == 0
    note = Notification.objects.filter(recipient=admin, kind__startswith="training.initial_due").get()
    assert "3人将在10日内到期" in note.subject


def test_inviting_those_already_invited_changes_nothing_and_audits_nothing(admin, programme, people):
    s = initial(admin, programme)
    assert sv.session_invite(actor=admin, session=s) == 3
    events = AuditEvent.objects.filter(action="training.invite").count()
    assert sv.session_invite(actor=admin, session=s) == 0
    assert AuditEvent.objects.filter(action="training.invite").count() == events == 1
