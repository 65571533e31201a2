"""Reaching the drawn supervisors (威海 2024 第十二条: contact in draw order and send the names and
contacts to the procuratorate; 第十四条: a supervisor who cannot come says so in time and the next in
order is asked).

The bureau sets how long a supervisor has to answer (the rulebooks name no period); the invitation goes
out in-app and by SMS with a link to the supervisor's own invitation, where they accept, decline with a
reason, or declare a recusal on the phone. `invitations_scan` (a recurring job) records an unanswered
invitation as timed out at its deadline and asks the next in order. Every write: one transaction on the
locked duty, one audit event per change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from jiandu.accounts.roles import Capability, Role
from jiandu.audit.services import audit_record
from jiandu.core.permissions import capability_require, deny
from jiandu.duties.models import Assignment, AssignmentStatus, Duty, DutyStatus
from jiandu.duties.services import DutyError, _contact_next, _lock_duty, _refresh_status
from jiandu.notifications.services import INBOX, notification_send
from jiandu.notifications.sms import sms_send

INVITATION_KIND = "duty.invitation"
MAX_ANSWER_HOURS = 24 * 30
SYSTEM = "定时任务（联络）"  # i18n: zh-only (the audit trail's actor name, kept in the source language)


def invite_link(a: Assignment) -> str:
    return reverse("duties:invite", args=[a.confirm_token])


def _site() -> str:
    return str(getattr(settings, "JIANDU_SITE_URL", "")).rstrip("/")


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _invitation_text(duty: Duty, a: Assignment) -> str:
    when = f"{duty.duty_on:%Y-%m-%d}" + (f" {duty.starts_at:%H:%M}" if duty.starts_at else "")
    due = (
        gettext("，请于{local}前答复").format(local=_local(a.answer_due_at))
        if a.answer_due_at
        else gettext("，请尽快答复")
    )
    return gettext(
        "{name}：您被抽选参加“{title}”（{when}，{place}）{due}。接受、谢绝或申报回避：{site}{invite_link}"
    ).format(
        name=duty.programme.name,
        title=duty.title,
        when=when,
        place=duty.place,
        due=due,
        site=_site(),
        invite_link=invite_link(a),
    )


def _sms(phone: str, text: str) -> Callable[[], None]:
    return lambda: sms_send(phone, text)


def _send(duty: Duty, rows: list[Assignment], now: dt.datetime) -> list[int]:
    """In-app and SMS for each row; the SMS leaves after commit. Called with the duty locked."""
    sent = []
    for a in rows:
        a.notified_at = now
        a.answer_due_at = now + dt.timedelta(hours=duty.answer_hours) if duty.answer_hours else None
        a.save(update_fields=["notified_at", "answer_due_at"])
        text = _invitation_text(duty, a)
        supervisor = a.supervisor
        if supervisor.user_id:
            notification_send(
                recipients=[supervisor.user],
                subject=gettext("监督活动邀请：{title}").format(title=duty.title),
                body=text,
                link=invite_link(a),
                channels=(INBOX,),
                kind=INVITATION_KIND,
                audit=False,
            )
        phone = supervisor.phone or ""
        if phone:
            transaction.on_commit(_sms(phone, f"【监督】{text}"))
        sent.append(a.pk)
    return sent


def duty_set_answer_window(*, actor: Any, duty: Duty, hours: int) -> Duty:
    """The bureau's answer deadline for this duty's invitations; invitations already out get theirs."""
    capability_require(actor, Capability.MANAGE_PROGRAMMES, action="duty.answer_window", target=duty)
    if not 1 <= hours <= MAX_ANSWER_HOURS:
        raise DutyError(
            gettext("答复期限应在1至{MAX_ANSWER_HOURS}小时之间").format(MAX_ANSWER_HOURS=MAX_ANSWER_HOURS)
        )
    with transaction.atomic():
        duty = _lock_duty(duty)
        before = duty.answer_hours
        duty.answer_hours = hours
        duty.save(update_fields=["answer_hours"])
        pending = duty.assignments.filter(
            status=AssignmentStatus.INVITED, notified_at__isnull=False, answer_due_at__isnull=True
        )
        for a in pending:
            sent_at: dt.datetime = a.notified_at  # type: ignore[assignment]
            a.answer_due_at = sent_at + dt.timedelta(hours=hours)
            a.save(update_fields=["answer_due_at"])
        audit_record(
            actor=actor,
            action="duty.answer_window",
            target=duty,
            before={"answer_hours": before},
            after={"answer_hours": hours},
        )
    return duty


def invitations_send(*, actor: Any, duty: Duty) -> list[int]:
    """Send the invitations not yet sent, in draw order (第十二条)."""
    capability_require(actor, Capability.MANAGE_PROGRAMMES, action="duty.invitations_send", target=duty)
    now = timezone.now()
    with transaction.atomic():
        duty = _lock_duty(duty)
        rows = list(
            duty.assignments.filter(status=AssignmentStatus.INVITED, notified_at__isnull=True)
            .select_related("supervisor__user")
            .order_by("draw_id", "position")
        )
        if not rows:
            raise DutyError(gettext("没有待发送的邀请"))
        sent = _send(duty, rows, now)
        audit_record(
            actor=actor,
            action="duty.invitations_send",
            target=duty,
            after={"sent": sent, "answer_hours": duty.answer_hours},
        )
    return sent


def invitations_follow_up(duty: Duty, new: Assignment | None, *, at: dt.datetime) -> None:
    """After a decline, recusal or time-out moved on to `new`: once the bureau has started sending
    invitations for this duty, the next in order is invited the same way at once. Called inside the
    caller's transaction with the duty locked; the caller's audit event names the next one."""
    if new is None or not duty.assignments.filter(notified_at__isnull=False).exists():
        return
    _send(duty, [Assignment.objects.select_related("supervisor__user").get(pk=new.pk)], at)


def invitations_scan(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The recurring job: each invitation unanswered at its deadline is recorded as timed out (with the
    time), and the next in draw order is invited. Idempotent; one transaction per duty."""
    now = now or timezone.now()
    timed_out = 0
    duty_ids = list(
        Assignment.objects.filter(status=AssignmentStatus.INVITED, answer_due_at__lt=now)
        .values_list("duty_id", flat=True)
        .distinct()
    )
    for duty_id in duty_ids:
        with transaction.atomic():
            duty = _lock_duty(Duty(pk=duty_id))
            if duty.status in (DutyStatus.CANCELLED, DutyStatus.HELD):
                continue
            overdue = list(
                duty.assignments.select_for_update(of=("self",))
                .filter(status=AssignmentStatus.INVITED, answer_due_at__lt=now)
                .order_by("draw_id", "position")
            )
            for a in overdue:
                a.status = AssignmentStatus.TIMED_OUT
                a.reason = gettext("逾期未答复（答复截止 {local}）").format(local=_local(a.answer_due_at))  # type: ignore[arg-type]
                a.responded_at = now
                a.save(update_fields=["status", "reason", "responded_at"])
                nxt = _contact_next(duty, at=now)
                invitations_follow_up(duty, nxt, at=now)
                _refresh_status(duty)
                audit_record(
                    actor=None,
                    actor_name=SYSTEM,
                    action="duty.assignment_timed_out",
                    target=a,
                    after={
                        "supervisor": a.supervisor_id,
                        "answer_due_at": a.answer_due_at.isoformat() if a.answer_due_at else None,
                        "recorded_at": now.isoformat(),
                        "next": nxt.supervisor_id if nxt else None,
                        "duty_status": duty.status,
                    },
                )
                timed_out += 1
    return {"timed_out": timed_out, "duties": len(duty_ids)}


# --- the list sent to the procuratorate (第十二条) ------------------------------------------------


def participants(duty: Duty) -> list[Assignment]:
    """Those who accepted, in draw order: the names and contacts the procuratorate receives."""
    return list(
        duty.assignments.filter(status__in=(AssignmentStatus.ACCEPTED, AssignmentStatus.ATTENDED))
        .select_related("supervisor")
        .order_by("draw_id", "position")
    )


def participants_reveal(*, actor: Any, duty: Duty) -> list[Assignment]:
    """The list with full phones for the bureau or the requesting agency (第十二条); each view is on the
    audit trail. `duty` comes from duties_visible_to(actor), which scopes it."""
    if not any(
        actor.can(c)
        for c in (Capability.MANAGE_PROGRAMMES, Capability.ASSIST_PROGRAMMES, Capability.REQUEST_DUTIES)
    ):
        raise deny(
            actor,
            action="duty.participants_view",
            reason=gettext("仅工作人员可查看参加人员名单"),
            target=duty,
        )
    rows = participants(duty)
    audit_record(
        actor=actor,
        action="duty.participants_view",
        target=duty,
        after={"supervisors": [a.supervisor_id for a in rows]},
    )
    return rows


def participants_send(*, actor: Any, duty: Duty) -> int:
    """Tell the requesting agency's staff that the list is ready (in-app, with the link); generated
    from the answers, never typed."""
    capability_require(actor, Capability.MANAGE_PROGRAMMES, action="duty.participants_send", target=duty)
    from jiandu.accounts.models import User

    with transaction.atomic():
        duty = _lock_duty(duty)
        rows = participants(duty)
        if duty.status != DutyStatus.STAFFED or not rows:
            raise DutyError(gettext("人员确定后（已接受人数达到所需人数）才能送交名单"))
        staff = list(User.objects.filter(organisation=duty.agency, role=Role.AGENCY_STAFF, is_active=True))
        notification_send(
            recipients=staff,
            subject=gettext("参加“{title}”的监督员名单").format(title=duty.title),
            body="、".join(a.supervisor.full_name for a in rows),
            link=reverse("duties:participants", args=[duty.pk]),
            channels=(INBOX,),
            kind="duty.participants",
            audit=False,
        )
        audit_record(
            actor=actor,
            action="duty.participants_send",
            target=duty,
            after={"supervisors": [a.supervisor_id for a in rows], "recipients": [u.pk for u in staff]},
        )
    return len(staff)
