"""A task for tests/test_scale_out.py only: the worker that runs it leaves one audit event, so the test
can count how many times each queued task ran when two workers share one queue."""

from __future__ import annotations

from django_tasks import task

from jiandu.audit.services import audit_record


@task()
def scale_out_mark(n: int) -> None:
    audit_record(actor=None, actor_name="scale-out", action="scale_out.task", target_id=str(n))
