"""Writes to training: sessions, invitations, attendance (staff, QR check-in, online quiz), exam
results. Each is one transaction with one audit event; the supervisor's inbox is told on commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from jiandu.accounts.roles import Capability
from jiandu.audit.services import audit_record
from jiandu.core.permissions import capability_require, deny
from jiandu.core.untrusted import upload_clean
from jiandu.notifications.services import INBOX, notification_send
from jiandu.roster.models import Programme, Supervisor, SupervisorStatus
from jiandu.rules.training import exam_passed
from jiandu.training import rules
from jiandu.training.models import Material, Participation, ParticipationStatus, SessionKind, TrainingSession

MAX_QUIZ = 20
MATERIAL_KINDS = ("pdf", "docx", "doc", "xlsx", "jpeg", "png", "webp")
MAX_MATERIAL_BYTES = 20 * 2**20


def _require_manager(actor: Any, programme: Programme, action: str) -> None:
    capability_require(actor, Capability.MANAGE_PROGRAMMES, action=action, target=programme)
    org = getattr(actor, "organisation", None)
    if org is None or not programme.organisation.path.startswith(org.path):
        raise deny(actor, action=action, reason=gettext("该项目不属于本单位管理"), target=programme)


def _snapshot(p: Participation) -> dict[str, Any]:
    return {
        "status": p.status,
        "excused": p.excused,
        "score": str(p.score) if p.score is not None else None,
        "passed": p.passed,
        "checked_in_via": p.checked_in_via,
    }


def _lock_participation(p: Participation) -> Participation:
    return (
        Participation.objects.select_for_update(of=("self",))
        .select_related("session__programme__organisation", "supervisor")
        .get(pk=p.pk)
    )


def _clean_quiz(quiz: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for i, item in enumerate(quiz or [], start=1):
        q = str(item.get("q", "")).strip()
        options = [str(o).strip() for o in item.get("options", []) if str(o).strip()]
        answer = item.get("answer")
        if not q or len(options) < 2 or not isinstance(answer, int) or not 0 <= answer < len(options):
            raise ValidationError(
                gettext("第{i}道测验题不完整：须有题目、至少两个选项和正确答案").format(i=i)
            )
        out.append({"q": q, "options": options, "answer": answer})
    if len(out) > MAX_QUIZ:
        raise ValidationError(gettext("在线测验最多{MAX_QUIZ}道题").format(MAX_QUIZ=MAX_QUIZ))
    return out


def _mark(value: Any, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError(gettext("{label}应为数字").format(label=label)) from exc
    if not Decimal(0) <= d <= Decimal(100):
        raise ValidationError(gettext("{label}应在0到100之间").format(label=label))
    return d


def session_create(
    *,
    actor: Any,
    programme: Programme,
    kind: str,
    mode: str,
    title: str,
    held_on: dt.date,
    place: str = "",
    pass_mark: Any = None,
    makeup_of: TrainingSession | None = None,
    materials: str = "",
    quiz: Sequence[dict[str, Any]] = (),
) -> TrainingSession:
    """A training session. An initial session needs an exam where the rulebook asks for one
    (training.initial_exam_required); a make-up session repeats an initial one (补课并考核)."""
    _require_manager(actor, programme, "training_session_create")
    if kind not in SessionKind.values:
        raise ValidationError(gettext("培训类别无效"))
    modes = dict(rules.modes_for(programme, held_on))
    if mode not in modes:
        raise ValidationError(
            gettext("请从本项目规则列明的培训方式中选择：{value}").format(value="、".join(modes.values()))
        )
    title = (title or "").strip()
    if not title:
        raise ValidationError(gettext("请填写培训名称"))
    mark = _mark(pass_mark, gettext("考核及格分数"))
    rb = rules.rulebook_for(programme)
    exam = rules.cited(rb, "training.initial_exam_required", held_on)
    if kind == SessionKind.INITIAL and exam is not None and exam.value and mark is None:
        raise ValidationError(
            gettext("初任培训结束后应当进行考核（{article}）：请设定考核及格分数").format(
                article=exam.article
            )
        )
    if makeup_of is not None and (makeup_of.programme_id != programme.pk or makeup_of.kind != kind):
        raise ValidationError(gettext("补课须与原培训属于同一项目、同一类别"))
    cleaned_quiz = _clean_quiz(quiz)
    if cleaned_quiz and mode != "online":
        raise ValidationError(gettext("在线测验只用于网络学习方式的培训"))
    with transaction.atomic():
        session = TrainingSession(
            programme=programme,
            kind=kind,
            mode=mode,
            title=title[:160],
            held_on=held_on,
            place=(place or "").strip()[:160],
            pass_mark=mark,
            makeup_of=makeup_of,
            materials=materials or "",
            quiz=cleaned_quiz,
            created_by=actor,
        )
        session.full_clean(exclude=["created_by", "checkin_token"])
        session.save()
        audit_record(
            actor=actor,
            action="training.session_create",
            target=session,
            after={
                "programme_id": programme.pk,
                "kind": kind,
                "mode": mode,
                "held_on": held_on,
                "pass_mark": str(mark) if mark is not None else None,
                "makeup_of": makeup_of.pk if makeup_of else None,
                "quiz_questions": len(cleaned_quiz),
            },
        )
    return session


def makeup_candidates(session: TrainingSession) -> list[Supervisor]:
    """Who the make-up of `session` is for: absent, or failed its exam (第二十二条第二款)."""
    rows = session.participations.select_related("supervisor").filter(
        supervisor__status=SupervisorStatus.ACTIVE
    )
    out = []
    for p in rows:
        if p.status == ParticipationStatus.ABSENT or p.passed is False:
            out.append(p.supervisor)
    return out


def session_invite(
    *, actor: Any, session: TrainingSession, supervisors: Iterable[Supervisor] | None = None
) -> int:
    """Invite supervisors (default: for a make-up, those who need it; otherwise every serving
    supervisor of the programme). Already invited ones are left as they are."""
    _require_manager(actor, session.programme, "training_invite")
    if supervisors is None:
        if session.makeup_of_id:
            supervisors = makeup_candidates(session.makeup_of)  # type: ignore[arg-type]
        else:
            supervisors = Supervisor.objects.filter(
                programme=session.programme, status=SupervisorStatus.ACTIVE
            )
    chosen = [s for s in supervisors if s.programme_id == session.programme_id]
    with transaction.atomic():
        TrainingSession.objects.select_for_update().get(pk=session.pk)
        existing = set(session.participations.values_list("supervisor_id", flat=True))
        new = [s for s in chosen if s.pk not in existing]
        if not new:
            # Everyone asked for is already invited: nothing changes, so nothing is audited (and the
            # demo can be built twice without doubling its trail).
            return 0
        Participation.objects.bulk_create([Participation(session=session, supervisor=s) for s in new])
        audit_record(
            actor=actor,
            action="training.invite",
            target=session,
            after={"invited": [s.pk for s in new], "count": len(new)},
        )
        users = [s.user for s in new if s.user_id]
        if users:
            link = reverse("training:mine")
            subject = gettext("培训通知：{title}（{held_on:%Y年%m月%d日}）").format(
                title=session.title, held_on=session.held_on
            )
            transaction.on_commit(
                lambda: notification_send(
                    recipients=users,
                    subject=subject,
                    link=link,
                    channels=(INBOX,),
                    kind="training.invite",
                    audit=False,
                )
            )
    return len(new)


def _initial_passed(p: Participation, *, on: dt.date) -> bool:
    """Record a passed initial training on the supervisor (the draw pool reads it). Returns whether
    it changed anything."""
    s = p.supervisor
    if p.session.kind != SessionKind.INITIAL or s.initial_training_on is not None:
        return False
    s.initial_training_on = on
    s.save(update_fields=["initial_training_on"])
    return True


def _counts_as_passed(p: Participation) -> bool:
    if p.session.has_exam:
        return bool(p.passed)
    return p.status == ParticipationStatus.ATTENDED


def attendance_record(
    *, actor: Any, participation: Participation, attended: bool, excused: bool = False, reason: str = ""
) -> Participation:
    """Staff mark attendance (the sign-in sheet). An absence may be excused (疾病等特殊情况) with a
    reason; it then calls for a make-up rather than counting against the supervisor."""
    with transaction.atomic():
        p = _lock_participation(participation)
        _require_manager(actor, p.session.programme, "training_attendance")
        reason = (reason or "").strip()
        if not attended and excused and not reason:
            raise ValidationError(gettext("请填写缺席的正当理由"))
        before = _snapshot(p)
        p.status = ParticipationStatus.ATTENDED if attended else ParticipationStatus.ABSENT
        p.excused = bool(excused) and not attended
        p.absence_reason = "" if attended else reason[:255]
        if attended and p.checked_in_at is None:
            p.checked_in_at, p.checked_in_via = timezone.now(), "staff"
        if not attended:
            p.score, p.passed = None, None
        p.save()
        trained = _counts_as_passed(p) and _initial_passed(p, on=p.session.held_on)
        audit_record(
            actor=actor,
            action="training.attendance",
            target=p,
            before=before,
            after={
                **_snapshot(p),
                "reason": p.absence_reason,
                "initial_training_on": trained and p.session.held_on,
            },
        )
    return p


def checkin(*, actor: Any, token: str, today: dt.date | None = None) -> Participation:
    """QR check-in at the venue: the supervisor scans the session's code on the day with their phone."""
    today = today or timezone.localdate()
    capability_require(actor, Capability.ACT_AS_SUPERVISOR, action="training_checkin")
    session = TrainingSession.objects.filter(checkin_token=token).select_related("programme").first()
    if session is None:
        raise ValidationError(gettext("签到码无效"))
    if session.held_on != today:
        raise ValidationError(
            gettext("签到只在培训当天（{held_on:%Y-%m-%d}）有效").format(held_on=session.held_on)
        )
    with transaction.atomic():
        p = (
            Participation.objects.select_for_update(of=("self",))
            .select_related("session__programme", "supervisor")
            .filter(session=session, supervisor__user=actor)
            .first()
        )
        if p is None:
            raise deny(
                actor, action="training_checkin", reason=gettext("您不在本次培训的通知名单中"), target=session
            )
        if p.status == ParticipationStatus.ATTENDED:
            return p
        before = _snapshot(p)
        p.status, p.excused, p.absence_reason = ParticipationStatus.ATTENDED, False, ""
        p.checked_in_at, p.checked_in_via = timezone.now(), "qr"
        p.save()
        trained = _counts_as_passed(p) and _initial_passed(p, on=session.held_on)
        audit_record(
            actor=actor,
            action="training.checkin",
            target=p,
            before=before,
            after={**_snapshot(p), "initial_training_on": trained and session.held_on},
        )
    return p


def exam_record(*, actor: Any, participation: Participation, score: Any) -> Participation:
    """The exam result against the session's pass mark. A pass in an initial session (or its make-up)
    completes the initial training."""
    with transaction.atomic():
        p = _lock_participation(participation)
        _require_manager(actor, p.session.programme, "training_exam")
        if not p.session.has_exam:
            raise ValidationError(gettext("本次培训未设考核"))
        if p.status != ParticipationStatus.ATTENDED:
            raise ValidationError(gettext("未参加培训的，须参加补课后再考核"))
        value = _mark(score, gettext("考核成绩"))
        if value is None:
            raise ValidationError(gettext("请填写考核成绩"))
        before = _snapshot(p)
        p.score = value
        p.passed = exam_passed(float(value), float(p.session.pass_mark))  # type: ignore[arg-type]
        p.save(update_fields=["score", "passed"])
        trained = p.passed and _initial_passed(p, on=p.session.held_on)
        audit_record(
            actor=actor,
            action="training.exam",
            target=p,
            before=before,
            after={
                **_snapshot(p),
                "pass_mark": str(p.session.pass_mark),
                "initial_training_on": trained and p.session.held_on,
            },
        )
    return p


def quiz_submit(*, actor: Any, participation: Participation, answers: Sequence[int]) -> Participation:
    """网络学习: the supervisor answers the session's quiz on the phone; completing it is attendance,
    and the share of right answers (×100) is the exam score where the session has a pass mark."""
    capability_require(actor, Capability.ACT_AS_SUPERVISOR, action="training_quiz")
    with transaction.atomic():
        p = _lock_participation(participation)
        if p.supervisor.user_id != actor.pk:
            raise deny(actor, action="training_quiz", reason=gettext("只能作答本人的培训测验"), target=p)
        session = p.session
        if session.mode != "online" or not session.quiz:
            raise ValidationError(gettext("本次培训没有在线测验"))
        if len(answers) != len(session.quiz):
            raise ValidationError(gettext("请回答全部题目"))
        right = sum(1 for q, a in zip(session.quiz, answers, strict=True) if a == q["answer"])
        score = (Decimal(right) * 100 / Decimal(len(session.quiz))).quantize(Decimal("0.1"))
        before = _snapshot(p)
        p.quiz_answers = list(answers)
        p.status, p.excused, p.absence_reason = ParticipationStatus.ATTENDED, False, ""
        if p.checked_in_at is None:
            p.checked_in_at, p.checked_in_via = timezone.now(), "online"
        if session.has_exam:
            p.score = score
            p.passed = exam_passed(float(score), float(session.pass_mark))  # type: ignore[arg-type]
        p.save()
        trained = _counts_as_passed(p) and _initial_passed(p, on=timezone.localdate())
        audit_record(
            actor=actor,
            action="training.quiz",
            target=p,
            before=before,
            after={
                **_snapshot(p),
                "right": right,
                "questions": len(session.quiz),
                "initial_training_on": bool(trained),
            },
        )
    return p


REMIND_DAYS_BEFORE = 10  # how early the bureau is reminded of an initial-training deadline


def initial_training_remind(*, today: dt.date | None = None) -> int:
    """Tell each programme's bureau, at most once a day, how many serving supervisors are near or past
    their initial-training deadline (第二十二条第一款). Returns the number of programmes told."""
    from jiandu.findings.selectors import bureau_staff_for
    from jiandu.notifications.models import Notification

    today = today or timezone.localdate()
    told = 0
    link = reverse("training:pending")
    for programme in Programme.objects.filter(is_active=True).select_related("organisation"):
        near = late = 0
        people = Supervisor.objects.filter(
            programme=programme,
            status=SupervisorStatus.ACTIVE,
            initial_training_on__isnull=True,
            term_start__isnull=False,
        ).only("term_start")
        for s in people:
            due = rules.initial_due(programme, s.term_start)  # type: ignore[arg-type]
            if due is None:
                break  # the rulebook sets no deadline
            if today > due[0]:
                late += 1
            elif (due[0] - today).days <= REMIND_DAYS_BEFORE:
                near += 1
        if not (near or late):
            continue
        kind = f"training.initial_due.{programme.pk}.{today.isoformat()}"
        if Notification.objects.filter(kind=kind).exists():
            continue
        with transaction.atomic():
            notification_send(
                recipients=list(bureau_staff_for(programme)),
                subject=gettext(
                    "{name}初任培训：{late}人已逾期，{near}人将在{REMIND_DAYS_BEFORE}日内到期"
                ).format(name=programme.name, late=late, near=near, REMIND_DAYS_BEFORE=REMIND_DAYS_BEFORE),
                link=link,
                channels=(INBOX,),
                kind=kind,
                audit=False,
            )
            audit_record(
                actor=None,
                action="training.initial_remind",
                target=programme,
                after={"late": late, "near": near, "on": today},
            )
        told += 1
    return told


def material_add(*, actor: Any, session: TrainingSession, upload: Any) -> Material:
    """Attach a file to a session: the type is read from its bytes, pictures are re-encoded, and it is
    stored under a random name (jiandu.core.untrusted)."""
    _require_manager(actor, session.programme, "training_material_add")
    clean = upload_clean(upload, allowed=MATERIAL_KINDS, max_bytes=MAX_MATERIAL_BYTES)
    with transaction.atomic():
        m = Material.objects.create(
            session=session,
            file=clean.content,
            name=clean.original_name[:200],
            content_type=clean.content_type,
            size=clean.size,
            uploaded_by=actor,
        )
        audit_record(
            actor=actor,
            action="training.material_add",
            target=session,
            after={"material": m.pk, "kind": clean.kind, "size": clean.size},
        )
    return m
