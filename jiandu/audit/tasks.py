"""The periodic signed checkpoint of the audit chain's head (jiandu.audit.checkpoints), kept going by
jiandu.core.recurring every JIANDU_AUDIT_CHECKPOINT_INTERVAL_SECONDS (default hourly)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from jiandu.audit.checkpoints import checkpoint_publish
from jiandu.core.recurring import recurring_next


@task()
def audit_checkpoint_task(reschedule: bool = True) -> dict[str, Any]:
    cp = checkpoint_publish()
    if reschedule:
        recurring_next(audit_checkpoint_task)
    return {"seq": cp.seq, "hash": cp.hash, "at": cp.at}
