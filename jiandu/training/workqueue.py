"""Training's entries in the home-page work queue (jiandu.core.workqueue)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiandu.core.workqueue import STAFF, SUPERVISOR, QueueEntry, register
from jiandu.roster.models import Supervisor, SupervisorStatus
from jiandu.roster.selectors import programme_ids_under
from jiandu.training.models import Participation, ParticipationStatus
from jiandu.training.selectors import is_staff, participations_of_supervisor


def _untrained(user: Any, today: dt.date) -> QuerySet[Supervisor]:
    # Whether each one is already late depends on the programme's rulebook: the training app's
    # pending page (training:pending) shows the deadline and its article beside each name.
    if not is_staff(user):
        return Supervisor.objects.none()
    # programmes_visible_to's ids (read once per request), so the count walks the index
    # supervisor_untrained alone instead of joining the programmes to each supervisor.
    return Supervisor.objects.filter(
        programme_id__any_of=programme_ids_under(user.organisation),
        status=SupervisorStatus.ACTIVE,
        initial_training_on__isnull=True,
    ).only("id", "full_name", "term_start")


def _my_trainings(user: Any, today: dt.date) -> QuerySet[Participation]:
    return participations_of_supervisor(user).filter(
        status=ParticipationStatus.INVITED, session__held_on__gte=today
    )


register(
    QueueEntry(
        key="initial_training_pending",
        label=_("尚未完成初任培训的监督员"),
        audience=STAFF,
        rows=_untrained,
        oldest="term_start",
        row=lambda s: (s.full_name, reverse("roster:supervisor", args=[s.pk]), s.term_start),
        order=70,
        date_label=_("任期开始"),
    )
)
register(
    QueueEntry(
        key="my_trainings",
        label=_("待参加的培训"),
        audience=SUPERVISOR,
        rows=_my_trainings,
        oldest="session__held_on",
        row=lambda p: (p.session.title, reverse("training:mine"), p.session.held_on),
        order=20,
        date_label=_("培训日期"),
    )
)
