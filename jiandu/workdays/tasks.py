"""The recompute pass after a notice is loaded: a background task (django-tasks) with a progress row
(CalendarRecompute) the calendar page polls."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tasks import task

from jiandu.integrations import webhooks
from jiandu.workdays.models import CalendarRecompute, RecomputeStatus
from jiandu.workdays.recompute import UNCHANGED, DateChange, provisional_dates_recompute

SHOWN_CHANGES = 200


@task()
def calendar_recompute_task(job_id: int) -> dict[str, Any]:
    job = CalendarRecompute.objects.select_related("created_by").get(pk=job_id)
    job.status = RecomputeStatus.RUNNING
    job.save(update_fields=["status"])
    shown: list[dict[str, Any]] = []

    def progress(done: int, total: int, changes: list[DateChange]) -> None:
        for c in changes:
            if c.outcome != UNCHANGED and len(shown) < SHOWN_CHANGES:
                shown.append(c.to_dict())
        CalendarRecompute.objects.filter(pk=job.pk).update(processed=done, total=total, changes=shown)

    try:
        counts = provisional_dates_recompute(actor=job.created_by, year=job.year, progress=progress)
    except Exception as exc:
        CalendarRecompute.objects.filter(pk=job.pk).update(
            status=RecomputeStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    CalendarRecompute.objects.filter(pk=job.pk).update(
        status=RecomputeStatus.DONE,
        moved=counts.get("moved", 0),
        kept=counts.get("kept", 0),
        unchanged=counts.get("unchanged", 0),
        finished_at=timezone.now(),
    )
    webhooks.calendar_recomputed_emit(year=job.year, counts=counts)
    return counts
