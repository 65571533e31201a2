"""Assessment's entries in the home-page work queue (jiandu.core.workqueue)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiandu.assessment.models import Assessment, RoundStatus
from jiandu.assessment.selectors import programmes_visible_to
from jiandu.core.workqueue import STAFF, SUPERVISOR, QueueEntry, register


def _to_grade(user: Any, today: dt.date) -> QuerySet[Assessment]:
    return Assessment.objects.filter(
        round__programme__in=programmes_visible_to(user), round__status=RoundStatus.OPEN, final_grade=""
    ).select_related("supervisor", "round")


def _my_summaries(user: Any, today: dt.date) -> QuerySet[Assessment]:
    if not getattr(user, "is_authenticated", False):
        return Assessment.objects.none()
    return Assessment.objects.filter(
        supervisor__user=user, round__status=RoundStatus.OPEN, self_summary_at__isnull=True
    ).select_related("round")


register(
    QueueEntry(
        key="assessments_open",
        label=_("待确定等次的考核"),
        audience=STAFF,
        rows=_to_grade,
        oldest="round__opened_on",
        row=lambda a: (
            f"{a.round.year} {a.supervisor.full_name}",
            reverse("assessment:detail", args=[a.pk]),
            a.round.opened_on,
        ),
        order=90,
        date_label=_("考核开始"),
    )
)
register(
    QueueEntry(
        key="my_assessment_summary",
        label=_("待提交的考核个人总结"),
        audience=SUPERVISOR,
        rows=_my_summaries,
        oldest="round__opened_on",
        row=lambda a: (str(a.round.year), reverse("assessment:mine"), a.round.opened_on),
        order=50,
        date_label=_("考核开始"),
    )
)
