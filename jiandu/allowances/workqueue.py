"""Money's entries in the home-page work queue (jiandu.core.workqueue): sheets waiting for the second
signature, claims waiting for a check, and, for a supervisor, claims sent back."""

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


def _claims_returned(user: Any, today: dt.date) -> QuerySet[ExpenseClaim]:
    return ExpenseClaim.objects.filter(supervisor__user=user, status=ClaimStatus.RETURNED)


register(
    QueueEntry(
        key="allowance_sheets_to_approve",
        label=_("发放表待审核"),
        audience=STAFF,
        rows=_sheets_to_approve,
        oldest="period_start",
        row=lambda s: (str(s), reverse("allowances:sheet", args=[s.pk]), s.period_start),
        order=60,
        date_label=_("期间"),
    )
)
register(
    QueueEntry(
        key="allowance_claims_to_check",
        label=_("报销申请待审核"),
        audience=STAFF,
        rows=_claims_to_check,
        oldest="occurred_on",
        row=lambda c: (
            f"{c.supervisor.full_name} {c.description}",
            reverse("allowances:claim", args=[c.pk]),
            c.occurred_on,
        ),
        order=61,
        date_label=_("发生日期"),
    )
)
register(
    QueueEntry(
        key="allowance_claims_returned",
        label=_("被退回的报销申请"),
        audience=SUPERVISOR,
        rows=_claims_returned,
        oldest="occurred_on",
        row=lambda c: (c.description, reverse("allowances:claim", args=[c.pk]), c.occurred_on),
        order=61,
        date_label=_("发生日期"),
    )
)
