"""The audit chain's periodic jobs, kept going by jiandu.core.recurring: the signed checkpoint of the
head (jiandu.audit.checkpoints) every JIANDU_AUDIT_CHECKPOINT_INTERVAL_SECONDS (default hourly), and
the sealer's sweep every JIANDU_AUDIT_SEAL_INTERVAL_SECONDS (default 10 s), which links whatever the
after-commit sealing left (a process that died between its commit and its seal) and raises the alert
for an event left unsealed too long."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from jiandu.audit.checkpoints import checkpoint_publish
from jiandu.audit.services import audit_seal_check
from jiandu.core.recurring import recurring_next


@task()
def audit_checkpoint_task(reschedule: bool = True) -> dict[str, Any]:
    cp = checkpoint_publish()
    if reschedule:
        recurring_next(audit_checkpoint_task)
    return {"seq": cp.seq, "hash": cp.hash, "at": cp.at}


@task()
def audit_seal_task(reschedule: bool = True) -> dict[str, Any]:
    left = audit_seal_check()
    if reschedule:
        recurring_next(audit_seal_task)
    return {"unsealed": left.count, "oldest_age_seconds": round(left.age_seconds())}
