"""Writes of the reports app: the annual work report (drafted from the data, edited by staff) and
background exports. Each write is one transaction with one audit event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from jiandu.accounts.roles import Capability
from jiandu.audit.services import audit_record
from jiandu.core.permissions import capability_require, deny
from jiandu.reports.annual import annual_figures, annual_text
from jiandu.reports.catalogue import report_get
from jiandu.reports.models import AnnualReport, ReportExport
from jiandu.roster.models import Programme
from jiandu.roster.selectors import programme_manageable_by

EXPORT_FORMATS = ("xlsx", "pdf")


def annual_report_draft(
    *, actor: Any, programme: Programme, year: int, today: dt.date, replace: bool = False
) -> AnnualReport:
    """Draft (or re-draft) the year's report from the data. A report staff have edited is kept unless
    they ask to replace it, so no one's work is lost to a click."""
    capability_require(actor, Capability.MANAGE_PROGRAMMES, action="annual_report.draft", target=programme)
    if not programme_manageable_by(actor, programme):
        raise deny(
            actor,
            action="annual_report.draft",
            reason=gettext("只有本项目的管理员可以起草"),
            target=programme,
        )
    if not 2000 <= year <= today.year:
        raise ValidationError(gettext("年度不正确：只能起草本年度及以前的工作情况"))
    figures = annual_figures(programme, year=year, today=today)
    title, body = annual_text(programme, year=year, figures=figures, today=today)
    with transaction.atomic():
        report = (
            AnnualReport.objects.select_for_update(of=("self",))
            .filter(programme=programme, year=year)
            .first()
        )
        before = None
        if report is None:
            report = AnnualReport(programme=programme, year=year)
        else:
            if report.edited_at is not None and not replace:
                raise ValidationError(gettext("该年度报告已经修改过；如需按最新数据重新起草，请确认覆盖"))
            before = {"title": report.title, "body": report.body}
        report.title, report.body, report.figures = title, body, figures
        report.drafted_at = timezone.now()
        report.edited_by, report.edited_at = None, None
        report.full_clean()
        report.save()
        audit_record(
            actor=actor,
            action="annual_report.draft",
            target=report,
            before=before,
            after={"programme_id": programme.pk, "year": year, "figures": figures},
        )
    return report


def annual_report_edit(*, actor: Any, report: AnnualReport, title: str, body: str) -> AnnualReport:
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise ValidationError(gettext("标题和正文都不能为空"))
    with transaction.atomic():
        report = (
            AnnualReport.objects.select_for_update(of=("self",))
            .select_related("programme__organisation")
            .get(pk=report.pk)
        )
        capability_require(actor, Capability.MANAGE_PROGRAMMES, action="annual_report.edit", target=report)
        if not programme_manageable_by(actor, report.programme):
            raise deny(
                actor,
                action="annual_report.edit",
                reason=gettext("只有本项目的管理员可以修改"),
                target=report,
            )
        before = {"title": report.title, "body": report.body}
        report.title, report.body = title[:200], body
        report.edited_by, report.edited_at = actor, timezone.now()
        report.full_clean()
        report.save(update_fields=["title", "body", "edited_by", "edited_at"])
        audit_record(
            actor=actor,
            action="annual_report.edit",
            target=report,
            before=before,
            after={"title": report.title, "body": report.body},
        )
    return report


def report_export_start(*, actor: Any, report_key: str, fmt: str, params: dict[str, str]) -> ReportExport:
    """Queue a long report's file; the worker builds it and the page polls the job's progress."""
    from jiandu.reports.scope import may_report
    from jiandu.reports.tasks import report_export_task

    if not may_report(actor):
        raise deny(actor, action="report.export", reason=gettext("无权导出报表"))
    if report_get(report_key) is None or fmt not in EXPORT_FORMATS:
        raise ValidationError(gettext("没有这份报表或格式"))
    with transaction.atomic():
        job = ReportExport.objects.create(report_key=report_key, fmt=fmt, params=params, created_by=actor)
        audit_record(
            actor=actor,
            action="report.export_start",
            target=job,
            after={"report": report_key, "fmt": fmt, "params": params},
        )
        transaction.on_commit(lambda: report_export_task.enqueue(job.pk))
    return job
