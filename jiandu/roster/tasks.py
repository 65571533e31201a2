"""Background import of a roster spreadsheet, with a progress row the page polls (htmx)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext
from django_tasks import task

from jiandu.core.recurring import recurring_next
from jiandu.roster.excel import roster_import
from jiandu.roster.models import ImportStatus, RosterImport


def _upload_delete(job: RosterImport) -> None:
    if job.file:
        job.file.delete(save=False)
    RosterImport.objects.filter(pk=job.pk).update(file="")


@task()
def roster_import_task(import_id: int) -> dict[str, object]:
    job = RosterImport.objects.select_related("programme", "created_by").get(pk=import_id)
    job.status = ImportStatus.RUNNING
    job.save(update_fields=["status"])

    def progress(done: int, total: int) -> None:
        RosterImport.objects.filter(pk=job.pk).update(processed=done, total=total)

    try:
        with job.file.open("rb") as fh:
            result = roster_import(
                actor=job.created_by, programme=job.programme, file=fh, dry_run=job.dry_run, progress=progress
            )
    except Exception as exc:
        job.status = ImportStatus.FAILED
        job.errors = [{"row": 0, "message": gettext("导入失败：{exc}").format(exc=exc)}]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "errors", "finished_at"])
        raise
    finally:
        # The spreadsheet holds plaintext 身份证号: it is kept only as long as this job needs it —
        # deleted after every run, successful, failed or dry (the result rows stay on the job).
        _upload_delete(job)
    job.refresh_from_db(fields=["processed", "total"])
    job.total = result.total
    job.processed = result.total
    job.errors = [{"row": e.row, "message": e.message} for e in result.errors[:1000]]
    job.summary = {**result.summary(), "error_count": len(result.errors)}
    job.status = ImportStatus.DONE if result.ok else ImportStatus.FAILED
    job.finished_at = timezone.now()
    job.save(update_fields=["total", "processed", "errors", "summary", "status", "finished_at"])
    return job.summary


@task()
def terms_expire_task(reschedule: bool = True) -> int:
    """Daily: terms past their end date end by themselves (万州 第七条：自然解聘)."""
    from jiandu.roster.services import terms_expire

    ended = terms_expire(on=timezone.localdate())
    if reschedule:
        recurring_next(terms_expire_task)
    return ended
