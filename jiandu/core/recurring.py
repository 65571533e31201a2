"""Recurring background jobs. django-tasks has no scheduler, so a recurring task queues its own next
run with `run_after` when it finishes, and `recurring_start` begins the chain once (idempotently: a run
already queued or running means the chain is alive). `jiandu schedule` starts every chain in RECURRING;
`jiandu serve` calls it when it starts the worker."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import timezone

# dotted path of the task → setting holding its interval in seconds, and the default.
RECURRING: dict[str, tuple[str, int]] = {
    "jiandu.audit.tasks.audit_checkpoint_task": ("JIANDU_AUDIT_CHECKPOINT_INTERVAL_SECONDS", 3600),
    # Deferred audit sealing's sweep (events are normally sealed right after their commit).
    "jiandu.audit.tasks.audit_seal_task": ("JIANDU_AUDIT_SEAL_INTERVAL_SECONDS", 10),
    "jiandu.findings.tasks.findings_scan_task": ("JIANDU_FINDINGS_SCAN_INTERVAL_SECONDS", 3600),
    "jiandu.roster.tasks.terms_expire_task": ("JIANDU_TERMS_EXPIRE_INTERVAL_SECONDS", 24 * 3600),
    # Drawn supervisors' answer deadlines: a time-out moves on to the next in order within minutes.
    "jiandu.duties.tasks.invitations_scan_task": ("JIANDU_INVITATIONS_SCAN_INTERVAL_SECONDS", 300),
    # Webhook deliveries whose backoff has passed (issue 16).
    "jiandu.integrations.tasks.webhook_retry_task": ("JIANDU_WEBHOOK_RETRY_INTERVAL_SECONDS", 60),
    "jiandu.casework.tasks.casework_checks_task": ("JIANDU_CASEWORK_CHECKS_INTERVAL_SECONDS", 24 * 3600),
    "jiandu.training.tasks.training_remind_task": ("JIANDU_TRAINING_REMIND_INTERVAL_SECONDS", 24 * 3600),
    "jiandu.assessment.tasks.assessment_deadlines_task": (
        "JIANDU_ASSESSMENT_DEADLINES_INTERVAL_SECONDS",
        24 * 3600,
    ),
}


def recurring_interval(task: Any) -> dt.timedelta:
    setting, default = RECURRING[task.module_path]
    return dt.timedelta(seconds=int(getattr(settings, setting, default)))


def _queued(task: Any, *statuses: str) -> bool:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task.module_path, status__in=statuses).exists()


def recurring_next(task: Any) -> bool:
    """Queue the next run of `task` one interval from now, unless one is already waiting."""
    if not task.get_backend().supports_defer:
        return False  # the immediate backend (tests) would recurse; there is no "later" there
    if _queued(task, "READY"):
        return False
    task.using(run_after=timezone.now() + recurring_interval(task)).enqueue()
    return True


def recurring_start(task: Any) -> str:
    """Start the chain unless it is alive. Returns what it did, for the command line."""
    if not task.get_backend().supports_defer:
        task.enqueue(reschedule=False)
        return "ran once (this task backend has no deferred runs)"
    if _queued(task, "READY", "RUNNING"):
        return "already scheduled"
    task.enqueue()
    return f"scheduled: the worker runs it now, then every {recurring_interval(task)}"


def recurring_tasks() -> list[Any]:
    tasks = []
    for path in RECURRING:
        module, name = path.rsplit(".", 1)
        tasks.append(getattr(importlib.import_module(module), name))
    return tasks


def recurring_start_all(write: Callable[[str], Any]) -> None:
    """Start every chain. Two application servers deployed at once both run `jiandu schedule`: on
    PostgreSQL a transaction-scoped advisory lock makes the check-then-queue one step, so each chain is
    queued once, not once per server (SQLite serialises its writers by itself)."""
    from django.db import connection, transaction

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCHEDULE_LOCK])
        for task in recurring_tasks():
            write(f"{task.module_path}: {recurring_start(task)}")


SCHEDULE_LOCK = 0x4A44_5343  # "JDSC": the advisory lock key of `jiandu schedule`
