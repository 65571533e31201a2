"""Building a long report's file in the background, with progress the page polls (htmx)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django_tasks import task

from jiandu.reports.models import ExportStatus, ReportExport


@task()
def report_export_task(export_id: int) -> str:
    from jiandu.reports.views import render_file

    job = ReportExport.objects.select_related("created_by").get(pk=export_id)
    ReportExport.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING)

    def progress(done: int, total: int) -> None:
        ReportExport.objects.filter(pk=job.pk).update(processed=done, total=total)

    params = QueryDict(mutable=True)
    params.update(job.params)
    try:
        name, _content_type, data = render_file(
            job.created_by, job.report_key, job.fmt, params, progress=progress
        )
    except Exception as exc:
        ReportExport.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED,
            error=gettext("生成失败：{exc}").format(exc=exc),
            finished_at=timezone.now(),
        )
        raise
    job.refresh_from_db()
    job.file.save(name, ContentFile(data), save=False)
    job.status, job.finished_at = ExportStatus.DONE, timezone.now()
    job.processed = job.total
    job.save(update_fields=["file", "status", "finished_at", "processed"])
    return name
