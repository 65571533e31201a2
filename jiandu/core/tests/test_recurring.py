from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS)
def test_schedule_starts_every_recurring_job_once() -> None:
    from django_tasks_db.models import DBTaskResult

    from jiandu.core.recurring import RECURRING

    # Each app adds its daily job to the one registry; the two the first apps brought must stay in it.
    assert {"jiandu.findings.tasks.findings_scan_task", "jiandu.roster.tasks.terms_expire_task"} <= set(
        RECURRING
    )
    out = io.StringIO()
    call_command("schedule", stdout=out)
    paths = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert paths == set(RECURRING)
    assert out.getvalue().count("scheduled") == len(RECURRING)

    again = io.StringIO()
    call_command("schedule", stdout=again)
    assert again.getvalue().count("already scheduled") == len(RECURRING)
    assert DBTaskResult.objects.count() == len(RECURRING)
