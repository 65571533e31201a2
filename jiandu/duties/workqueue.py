"""Duties' entries in the home-page work queue (jiandu.core.workqueue)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiandu.core.workqueue import AGENCY, STAFF, SUPERVISOR, QueueEntry, Row, register
from jiandu.duties.models import Assignment, AssignmentStatus, Duty, DutyStatus
from jiandu.duties.selectors import (
    assignments_for_supervisor,
    duties_visible_to,
    duty_scope_q,
    reports_overdue,
)

TO_DRAW = (DutyStatus.REQUESTED, DutyStatus.DRAW_OPEN, DutyStatus.REDRAW_NEEDED)
OPEN = (*TO_DRAW, DutyStatus.CONTACTING, DutyStatus.STAFFED)


def _duty_row(d: Duty, on: dt.date | None) -> Row:
    return (f"{d.duty_on:%Y-%m-%d} {d.title}", reverse("duties:detail", args=[d.pk]), on)


def _to_draw(user: Any, today: dt.date) -> QuerySet[Duty]:
    return duties_visible_to(user).filter(status__in=TO_DRAW)


def _of_visible_duties(user: Any) -> QuerySet[Assignment]:
    # The duty's own columns through the one join the rows need anyway (no sub-select of duties).
    scope = duty_scope_q(user, prefix="duty__")
    return Assignment.objects.none() if scope is None else Assignment.objects.filter(scope)


def _unanswered(user: Any, today: dt.date) -> QuerySet[Assignment]:
    return (
        _of_visible_duties(user).filter(status=AssignmentStatus.INVITED).select_related("duty", "supervisor")
    )


def _unsigned(user: Any, today: dt.date) -> QuerySet[Assignment]:
    return (
        _of_visible_duties(user)
        .filter(status=AssignmentStatus.ATTENDED, confirmed_at__isnull=True, duty__record__isnull=False)
        .select_related("duty", "supervisor")
    )


def _reports_overdue(user: Any, today: dt.date) -> QuerySet[Duty]:
    return reports_overdue(user, today=today)


def _agency_requests(user: Any, today: dt.date) -> QuerySet[Duty]:
    return duties_visible_to(user).filter(status__in=OPEN)


def _agency_reports(user: Any, today: dt.date) -> QuerySet[Duty]:
    return duties_visible_to(user).filter(status=DutyStatus.HELD, reported_on__isnull=True)


def _invitations(user: Any, today: dt.date) -> QuerySet[Assignment]:
    return assignments_for_supervisor(user).filter(status=AssignmentStatus.INVITED)


def _to_sign(user: Any, today: dt.date) -> QuerySet[Assignment]:
    return assignments_for_supervisor(user).filter(
        status=AssignmentStatus.ATTENDED, confirmed_at__isnull=True, duty__record__isnull=False
    )


def _assignment_staff_row(a: Assignment, on: dt.date | None) -> Row:
    return (
        f"{a.duty.duty_on:%Y-%m-%d} {a.duty.title} · {a.supervisor.full_name}",
        reverse("duties:detail", args=[a.duty_id]),
        on,
    )


def _assignment_mine_row(a: Assignment) -> Row:
    return (
        f"{a.duty.duty_on:%Y-%m-%d} {a.duty.title}",
        reverse("duties:mine_detail", args=[a.pk]),
        a.duty.duty_on,
    )


for entry in (
    QueueEntry(
        key="duties_to_draw",
        label=_("待抽选的监督活动"),
        audience=STAFF,
        rows=_to_draw,
        oldest="requested_on",
        row=lambda d: _duty_row(d, d.requested_on),
        order=10,
        date_label=_("通知日期"),
    ),
    QueueEntry(
        key="invitations_unanswered",
        label=_("未答复的邀请"),
        audience=STAFF,
        rows=_unanswered,
        oldest="invited_at",
        row=lambda a: _assignment_staff_row(a, a.invited_at.date()),
        order=11,
        date_label=_("联络日期"),
    ),
    QueueEntry(
        key="records_unsigned",
        label=_("待监督员确认的反馈表"),
        audience=STAFF,
        rows=_unsigned,
        oldest="duty__duty_on",
        row=lambda a: _assignment_staff_row(a, a.duty.duty_on),
        order=12,
        date_label=_("活动日期"),
    ),
    QueueEntry(
        key="duty_reports_overdue",
        label=_("逾期未通报的履职情况"),
        audience=STAFF,
        rows=_reports_overdue,
        oldest="report_due_on",
        row=lambda d: _duty_row(d, d.report_due_on),
        order=13,
        date_label=_("通报期限"),
    ),
    QueueEntry(
        key="agency_requests",
        label=_("进行中的监督活动申请"),
        audience=AGENCY,
        rows=_agency_requests,
        oldest="duty_on",
        row=lambda d: _duty_row(d, d.duty_on),
        order=10,
        date_label=_("活动日期"),
    ),
    QueueEntry(
        key="agency_reports",
        label=_("待通报的履职情况"),
        audience=AGENCY,
        rows=_agency_reports,
        oldest="duty_on",
        row=lambda d: _duty_row(d, d.report_due_on),
        order=11,
        date_label=_("通报期限"),
    ),
    QueueEntry(
        key="my_invitations",
        label=_("待答复的邀请"),
        audience=SUPERVISOR,
        rows=_invitations,
        oldest="duty__duty_on",
        row=_assignment_mine_row,
        order=10,
        date_label=_("活动日期"),
    ),
    QueueEntry(
        key="my_records_to_sign",
        label=_("待签字确认的反馈表"),
        audience=SUPERVISOR,
        rows=_to_sign,
        oldest="duty__duty_on",
        row=_assignment_mine_row,
        order=11,
        date_label=_("活动日期"),
    ),
):
    register(entry)
