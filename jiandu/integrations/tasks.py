"""Background tasks of the integrations part: one delivery attempt as soon as its event is committed,
and the recurring pass (jiandu.core.recurring, every JIANDU_WEBHOOK_RETRY_INTERVAL_SECONDS, default a
minute) that sends retries whose backoff has passed and picks up any delivery whose task was lost."""

from __future__ import annotations

import logging
from typing import Any

from django_tasks import task

from jiandu.core.recurring import recurring_next
from jiandu.integrations.webhooks_delivery import deliveries_due, delivery_attempt

logger = logging.getLogger(__name__)


@task()
def webhook_deliver_task(delivery_id: int) -> str | None:
    return delivery_attempt(delivery_id)


@task()
def webhook_retry_task(reschedule: bool = True) -> dict[str, Any]:
    result = deliveries_due()
    if result:
        logger.info("webhook retries: %s", result)
    if reschedule:
        recurring_next(webhook_retry_task)
    return result
