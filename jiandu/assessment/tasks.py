"""Daily reminder of the five/ten working-day deadlines after an assessment, kept going by
jiandu.core.recurring."""

from __future__ import annotations

from django_tasks import task

from jiandu.assessment.services import deadline_scan
from jiandu.core.recurring import recurring_next


@task()
def assessment_deadlines_task(reschedule: bool = True) -> int:
    sent = deadline_scan()
    if reschedule:
        recurring_next(assessment_deadlines_task)
    return sent
