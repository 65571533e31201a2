"""What the system admin looks after (/system/): the rulebooks and whether each is valid, the
working-day calendar and which years are still provisional, the recurring jobs and when each runs
next, and the SMS gateway. One read (`system_overview`) and one write (`system_jobs_start`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from jiandu.accounts.roles import Capability
from jiandu.audit.services import audit_record
from jiandu.core.permissions import capability_require
from jiandu.core.recurring import RECURRING, recurring_interval, recurring_start, recurring_tasks
from jiandu.rules.rulebook import RulebookError, list_rulebooks, load_rulebook, validate_rulebook


def _rulebooks() -> list[dict[str, Any]]:
    from jiandu.roster.models import Programme

    used = dict(Programme.objects.values_list("rulebook_id").annotate(n=Count("id")))
    rows = []
    for rid in list_rulebooks():
        try:
            book = load_rulebook(rid)
        except RulebookError as exc:
            rows.append({"id": rid, "title": "", "version": "", "problems": [str(exc)], "programmes": 0})
            continue
        rows.append(
            {
                "id": rid,
                "title": book.title,
                "version": book.version[:12],
                "problems": validate_rulebook(book),
                "programmes": used.get(rid, 0),
            }
        )
    return rows


def _jobs() -> list[dict[str, Any]]:
    from django_tasks_db.models import DBTaskResult

    rows = []
    for task in recurring_tasks():
        waiting = (
            DBTaskResult.objects.filter(task_path=task.module_path, status__in=("READY", "RUNNING"))
            .order_by("run_after")
            .first()
        )
        last = (
            DBTaskResult.objects.filter(task_path=task.module_path, finished_at__isnull=False)
            .order_by("-finished_at")
            .first()
        )
        rows.append(
            {
                "path": task.module_path,
                "setting": RECURRING[task.module_path][0],
                "interval": recurring_interval(task),
                "next": (waiting.run_after or waiting.enqueued_at) if waiting else None,
                "last": last.finished_at if last else None,
                "last_status": last.status if last else "",
                "alive": waiting is not None,
            }
        )
    return rows


def _calendar(today: dt.date) -> dict[str, Any]:
    from jiandu.workdays.services import work_calendar

    cal = work_calendar()
    years = [today.year, today.year + 1]
    return {
        "known": cal.known_years(),
        "provisional": [y for y in years if cal.is_provisional_year(y)],
    }


def system_overview(*, today: dt.date) -> dict[str, Any]:
    return {
        "rulebooks": _rulebooks(),
        "jobs": _jobs(),
        "calendar": _calendar(today),
        "sms_backend": getattr(settings, "JIANDU_SMS_BACKEND", ""),
        "task_backend": settings.TASKS["default"]["BACKEND"] if hasattr(settings, "TASKS") else "",
    }


def system_jobs_start(*, actor: Any) -> list[str]:
    """Start every recurring job that is not alive (idempotent), as `jiandu schedule` does."""
    capability_require(actor, Capability.CONFIGURE_SYSTEM, action="system.jobs_start")
    with transaction.atomic():
        done = [f"{task.module_path}：{recurring_start(task)}" for task in recurring_tasks()]
        audit_record(actor=actor, action="system.jobs_start", target=None, after={"jobs": done})
    return done
