"""The daily compliance pass as a recurring task (jiandu.core.recurring; `jiandu schedule` starts it)."""

from __future__ import annotations

import logging
from typing import Any

from django_tasks import task

from jiandu.casework.checks import casework_checks_run
from jiandu.core.recurring import recurring_next

logger = logging.getLogger(__name__)


@task()
def casework_checks_task(reschedule: bool = True) -> dict[str, Any]:
    result = casework_checks_run()
    logger.info("casework checks: %s", result)
    if reschedule:
        recurring_next(casework_checks_task)
    return result
