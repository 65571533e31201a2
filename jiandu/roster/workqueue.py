"""The roster's entries in the home-page work queue (jiandu.core.workqueue)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiandu.core.workqueue import STAFF, QueueEntry, register
from jiandu.roster.models import Supervisor, SupervisorStatus
from jiandu.roster.selectors import supervisors_visible_to

# How far ahead the queue looks for terms ending: time to renew, or to recruit (a notice one month
# ahead, 山西 第五条), before the term is out. A choice of the work queue, not a rule.
TERMS_ENDING_DAYS = 60


def _terms_ending(user: Any, today: dt.date) -> QuerySet[Supervisor]:
    return (
        supervisors_visible_to(user)
        .filter(
            status=SupervisorStatus.ACTIVE,
            term_end__gte=today,
            term_end__lte=today + dt.timedelta(days=TERMS_ENDING_DAYS),
        )
        .only("id", "full_name", "term_end")
    )


register(
    QueueEntry(
        key="terms_ending",
        label=_("60日内任期届满"),
        audience=STAFF,
        rows=_terms_ending,
        oldest="term_end",
        row=lambda s: (s.full_name, reverse("roster:supervisor", args=[s.pk]), s.term_end),
        order=60,
        date_label=_("任期结束"),
    )
)
