"""Recruitment's entries in the home-page work queue (jiandu.core.workqueue)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiandu.core.workqueue import STAFF, QueueEntry, register
from jiandu.recruitment.models import UNRESOLVED_OBJECTIONS, Application, ApplicationStatus, Objection
from jiandu.roster.selectors import programme_ids_visible_to


def _to_screen(user: Any, today: dt.date) -> QuerySet[Application]:
    return Application.objects.filter(
        round__programme_id__any_of=programme_ids_visible_to(user),
        status__in=(ApplicationStatus.SUBMITTED, ApplicationStatus.SCREENED),
    ).only("id", "full_name", "receipt_no", "submitted_at")


def _objections(user: Any, today: dt.date) -> QuerySet[Objection]:
    return Objection.objects.filter(
        application__round__programme_id__any_of=programme_ids_visible_to(user),
        status__in=UNRESOLVED_OBJECTIONS,
    ).only("id", "receipt_no", "submitted_at")


register(
    QueueEntry(
        key="applications_to_screen",
        label=_("待审查的报名"),
        audience=STAFF,
        rows=_to_screen,
        oldest="submitted_at",
        row=lambda a: (
            f"{a.receipt_no} {a.full_name}",
            reverse("recruitment:application", args=[a.pk]),
            a.submitted_at.date(),
        ),
        order=50,
        date_label=_("报名日期"),
    )
)
register(
    QueueEntry(
        key="objections_open",
        label=_("待核查的公示异议"),
        audience=STAFF,
        rows=_objections,
        oldest="submitted_at",
        row=lambda o: (o.receipt_no, reverse("recruitment:objection", args=[o.pk]), o.submitted_at.date()),
        order=51,
        date_label=_("受理日期"),
    )
)
