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

    out = io.StringIO()
    call_command("schedule", stdout=out)
    paths = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert paths == {"jiandu.findings.tasks.findings_scan_task", "jiandu.roster.tasks.terms_expire_task"}
    assert out.getvalue().count("scheduled") == 2

    again = io.StringIO()
    call_command("schedule", stdout=again)
    assert again.getvalue().count("already scheduled") == 2
    assert DBTaskResult.objects.count() == 2
