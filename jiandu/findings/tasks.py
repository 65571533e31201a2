"""Background tasks (django-tasks, database backend in production, immediate backend in tests).

django-tasks has no scheduler, so the deadline scan keeps itself going: each run enqueues the next one
with `run_after` (JIANDU_FINDINGS_SCAN_INTERVAL_SECONDS, default hourly). `findings_schedule()` starts
the chain once and is idempotent — `jiandu serve` calls `jiandu findings schedule` before the worker
starts, and calling it again while a run is queued does nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from jiandu.findings.scan import findings_deadline_scan

logger = logging.getLogger(__name__)
DEFAULT_INTERVAL_SECONDS = 3600


def interval() -> dt.timedelta:
    return dt.timedelta(
        seconds=int(getattr(settings, "JIANDU_FINDINGS_SCAN_INTERVAL_SECONDS", DEFAULT_INTERVAL_SECONDS))
    )


@task()
def findings_scan_task(reschedule: bool = True) -> dict[str, Any]:
    result = findings_deadline_scan()
    logger.info("findings deadline scan: %s", result)
    if reschedule:
        _enqueue_next(after=timezone.now() + interval())
    return result


def _queued(*statuses: str) -> bool:
    """Is a scan already in the database queue with one of these statuses?"""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=findings_scan_task.module_path, status__in=statuses).exists()


def _enqueue_next(*, after: dt.datetime) -> bool:
    if not findings_scan_task.get_backend().supports_defer:
        return False  # the immediate backend (tests) would recurse; there is no "later" there
    if _queued("READY"):
        return False  # someone already queued the next run
    findings_scan_task.using(run_after=after).enqueue()
    return True


def findings_schedule() -> str:
    """Start the hourly chain unless it is already queued. Returns what it did, for the command line."""
    backend = findings_scan_task.get_backend()
    if not backend.supports_defer:
        findings_scan_task.enqueue(reschedule=False)
        return "ran once (this task backend has no deferred runs)"
    if _queued("READY", "RUNNING"):
        return "already scheduled"
    findings_scan_task.enqueue()
    return f"scheduled: the worker runs the scan now, then every {interval()}"
