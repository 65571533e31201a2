"""Casework's entries in the home-page work queue (jiandu.core.workqueue): problems to tick off."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiandu.casework.models import Problem, ProblemStatus
from jiandu.core.workqueue import AGENCY, STAFF, QueueEntry, register
from jiandu.orgs.models import OrgKind


def _prisons_q(user: Any) -> Any:
    org = getattr(user, "organisation", None)
    return (
        Problem.objects.filter(prison__path__startswith=org.path)
        if org is not None
        else Problem.objects.none()
    )


def _to_verify(user: Any, today: dt.date) -> QuerySet[Problem]:
    # The administration above the prisons verifies what a prison reports as rectified (对账销号).
    return _prisons_q(user).filter(status=ProblemStatus.RECTIFIED).exclude(prison=user.organisation)


def _open_in_my_prison(user: Any, today: dt.date) -> QuerySet[Problem]:
    org = getattr(user, "organisation", None)
    if org is None or org.kind != OrgKind.PRISON:
        return Problem.objects.none()
    return Problem.objects.filter(prison=org, status=ProblemStatus.OPEN)


def _row(p: Problem) -> tuple[str, str, dt.date | None]:
    return (p.title, reverse("casework:problems"), p.due_on or p.found_on)


register(
    QueueEntry(
        key="problems_to_verify",
        label=_("已整改待核验的问题"),
        audience=STAFF,
        rows=_to_verify,
        oldest="rectified_on",
        row=_row,
        order=95,
        date_label=_("整改期限"),
    )
)
register(
    QueueEntry(
        key="problems_open",
        label=_("整改中的问题清单"),
        audience=AGENCY,
        rows=_open_in_my_prison,
        oldest="due_on",
        row=_row,
        order=30,
        date_label=_("整改期限"),
    )
)
