"""Background tasks of the duties part: the answer-deadline scan (jiandu.core.recurring keeps it going,
every JIANDU_INVITATIONS_SCAN_INTERVAL_SECONDS, default five minutes)."""

from __future__ import annotations

import logging
from typing import Any

from django_tasks import task

from jiandu.core.recurring import recurring_next
from jiandu.duties.contact import invitations_scan

logger = logging.getLogger(__name__)


@task()
def invitations_scan_task(reschedule: bool = True) -> dict[str, Any]:
    result = invitations_scan()
    logger.info("duty invitations scan: %s", result)
    if reschedule:
        recurring_next(invitations_scan_task)
    return result
