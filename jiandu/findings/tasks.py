"""Background tasks (django-tasks, database backend in production, immediate backend in tests).

django-tasks has no scheduler, so the deadline scan keeps itself going: each run enqueues the next one
with `run_after` (JIANDU_FINDINGS_SCAN_INTERVAL_SECONDS, default hourly) through jiandu.core.recurring.
`jiandu serve` starts the chain with `jiandu schedule`; starting it again while a run is queued does nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django_tasks import task

from jiandu.core.recurring import recurring_interval, recurring_next, recurring_start
from jiandu.findings.scan import findings_deadline_scan

logger = logging.getLogger(__name__)


def interval() -> dt.timedelta:
    return recurring_interval(findings_scan_task)


@task()
def findings_scan_task(reschedule: bool = True) -> dict[str, Any]:
    result = findings_deadline_scan()
    logger.info("findings deadline scan: %s", result)
    if reschedule:
        recurring_next(findings_scan_task)
    return result


def findings_schedule() -> str:
    """Start the hourly chain unless it is already queued. Returns what it did, for the command line."""
    return recurring_start(findings_scan_task)
