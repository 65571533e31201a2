"""Daily reminder of initial-training deadlines, kept going by jiandu.core.recurring."""

from __future__ import annotations

from django_tasks import task

from jiandu.core.recurring import recurring_next
from jiandu.training.services import initial_training_remind


@task()
def training_remind_task(reschedule: bool = True) -> int:
    told = initial_training_remind()
    if reschedule:
        recurring_next(training_remind_task)
    return told
