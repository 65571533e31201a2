"""Allowances' entries in the home-page work queue (jiandu.core.workqueue)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiandu.allowances.models import ClaimStatus, ExpenseClaim, Sheet, SheetStatus
from jiandu.allowances.selectors import programmes_visible_to
from jiandu.core.workqueue import STAFF, SUPERVISOR, QueueEntry, register


def _sheets_to_approve(user: Any, today: dt.date) -> QuerySet[Sheet]:
    return Sheet.objects.filter(programme__in=programmes_visible_to(user), status=SheetStatus.PREPARED)


def _claims_to_check(user: Any, today: dt.date) -> QuerySet[ExpenseClaim]:
    return ExpenseClaim.objects.filter(
        programme__in=programmes_visible_to(user), status__in=(ClaimStatus.SUBMITTED, ClaimStatus.SECOND)
    ).select_related("supervisor")


def _my_returned_claims(user: Any, today: dt.date) -> QuerySet[ExpenseClaim]:
    if not getattr(user, "is_authenticated", False):
        return ExpenseClaim.objects.none()
    return ExpenseClaim.objects.filter(supervisor__user=user, status=ClaimStatus.RETURNED)


register(
    QueueEntry(
        key="sheets_to_approve",
        label=_("待审核的发放表"),
        audience=STAFF,
        rows=_sheets_to_approve,
        oldest="period_start",
        row=lambda s: (
            f"{s.number} {s.get_kind_display()}",
            reverse("allowances:sheet", args=[s.pk]),
            s.period_start,
        ),
        order=80,
        date_label=_("期间起"),
    )
)
register(
    QueueEntry(
        key="claims_to_check",
        label=_("待审核的报销申请"),
        audience=STAFF,
        rows=_claims_to_check,
        oldest="submitted_at",
        row=lambda c: (
            f"{c.supervisor.full_name} {c.description}",
            reverse("allowances:claim", args=[c.pk]),
            c.submitted_at.date(),
        ),
        order=81,
        date_label=_("提交日期"),
    )
)
register(
    QueueEntry(
        key="my_claims_returned",
        label=_("被退回的报销申请"),
        audience=SUPERVISOR,
        rows=_my_returned_claims,
        oldest="submitted_at",
        row=lambda c: (c.description, reverse("allowances:claim", args=[c.pk]), c.submitted_at.date()),
        order=40,
        date_label=_("提交日期"),
    )
)
