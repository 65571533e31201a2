"""Reports, charts and the annual work report: gate, scope from the filters, build, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiandu.core.permissions import permission_denied
from jiandu.reports import services
from jiandu.reports.annual import FIGURE_LABELS
from jiandu.reports.catalogue import REPORTS, Report, report_get
from jiandu.reports.charts import chart_svg
from jiandu.reports.exports import table_pdf, table_xlsx, text_pdf
from jiandu.reports.forms import AnnualDraftForm, AnnualEditForm
from jiandu.reports.models import AnnualReport, ExportStatus, ReportExport
from jiandu.reports.scope import may_report, scope_from
from jiandu.reports.tables import show
from jiandu.roster.selectors import programme_manageable_by, programmes_visible_to

FILTER_KEYS = ("programme", "region", "start", "end")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _gate(request: HttpRequest, action: str) -> None:
    if not may_report(request.user):
        raise permission_denied(request, action=action, reason=_("无权查看统计报表"))


def _report(key: str) -> Report:
    report = report_get(key)
    if report is None:
        raise Http404(_("没有这份报表"))
    return report


def _query(request: HttpRequest) -> str:
    return urlencode({k: request.GET[k] for k in FILTER_KEYS if request.GET.get(k)})


def _rows(table: Any) -> list[list[str]]:
    return [[show(v, c.kind) for v, c in zip(table.cells(r), table.columns, strict=True)] for r in table.rows]


def _totals(table: Any) -> list[str]:
    return [show(v, c.kind) for v, c in zip(table.total_cells(), table.columns, strict=True)]


def index(request: HttpRequest) -> HttpResponse:
    _gate(request, "reports.index")
    _scope, form = scope_from(request.user, request.GET)
    groups: dict[str, list[Report]] = {}
    for report in REPORTS.values():
        groups.setdefault(str(report.group), []).append(report)
    return render(
        request,
        "reports/index.html",
        {
            "form": form,
            "groups": groups,
            "query": _query(request),
            "charts": [r for r in REPORTS.values() if r.chart],
        },
    )


def report_page(request: HttpRequest, key: str) -> HttpResponse:
    _gate(request, "reports.view")
    report = _report(key)
    scope, form = scope_from(request.user, request.GET)
    table = report.build(scope)
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "table": table,
            "rows": _rows(table),
            "totals": _totals(table),
            "form": form,
            "scope": scope,
            "query": _query(request),
        },
    )


def render_file(
    user: Any, key: str, fmt: str, params: QueryDict, *, progress: Callable[[int, int], None] | None = None
) -> tuple[str, str, bytes]:
    """Build one report's file for `user` (the view, or the worker for a long report)."""
    report = _report(key)
    scope, _form = scope_from(user, params)
    table = report.build(scope)
    label = scope.describe()
    if fmt == "xlsx":
        data = table_xlsx(table, scope_label=label, progress=progress)
    elif fmt == "pdf":
        data = table_pdf(table, scope_label=label)
        if progress is not None:
            progress(len(table.rows), len(table.rows))
    else:
        raise Http404
    return f"{key}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}.{fmt}", CONTENT_TYPES[fmt], data


def report_download(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    _gate(request, "reports.download")
    report = _report(key)
    if fmt not in CONTENT_TYPES:
        raise Http404
    if report.long and request.GET.get("now") != "1":
        # A long report is built by the worker; the page shows its progress and then the file.
        return render(
            request, "reports/export_start.html", {"report": report, "fmt": fmt, "query": _query(request)}
        )
    name, content_type, data = render_file(request.user, key, fmt, request.GET)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def export_start(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    _gate(request, "reports.export")
    params = {k: request.POST[k] for k in FILTER_KEYS if request.POST.get(k)}
    try:
        job = services.report_export_start(actor=request.user, report_key=key, fmt=fmt, params=params)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from exc
    return redirect("reports:export", pk=job.pk)


def _job(request: HttpRequest, pk: int) -> ReportExport:
    _gate(request, "reports.export")
    return get_object_or_404(ReportExport, pk=pk, created_by=request.user)


def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    template = (
        "reports/_export_progress.html" if getattr(request, "htmx", False) else "reports/export_status.html"
    )
    return render(
        request, template, {"job": job, "report": report_get(job.report_key), "done": ExportStatus.DONE}
    )


def export_file(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404(_("文件尚未生成"))
    name = f"{job.report_key}.{job.fmt}"
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=name, content_type=CONTENT_TYPES[job.fmt]
    )


# --- charts --------------------------------------------------------------------------------------


def charts(request: HttpRequest) -> HttpResponse:
    _gate(request, "reports.charts")
    scope, form = scope_from(request.user, request.GET)
    items = []
    for report in REPORTS.values():
        if report.chart is None:
            continue
        table = report.build(scope)
        svg = mark_safe(chart_svg(table, report.chart))  # noqa: S308 - every text in it is XML-escaped
        items.append({"report": report, "svg": svg, "empty": not table.rows})
    return render(request, "reports/charts.html", {"items": items, "form": form, "query": _query(request)})


def chart_page(request: HttpRequest, key: str) -> HttpResponse:
    _gate(request, "reports.chart")
    report = _report(key)
    if report.chart is None:
        raise Http404(_("这份报表没有图表"))
    scope, form = scope_from(request.user, request.GET)
    table = report.build(scope)
    return render(
        request,
        "reports/chart.html",
        {
            "report": report,
            "table": table,
            "rows": _rows(table),
            "totals": _totals(table),
            "svg": mark_safe(chart_svg(table, report.chart)),  # noqa: S308 - built with xml escape
            "form": form,
            "query": _query(request),
        },
    )


# --- the annual work report ----------------------------------------------------------------------


def annual_list(request: HttpRequest) -> HttpResponse:
    _gate(request, "annual_report.list")
    today = timezone.localdate()
    programmes = programmes_visible_to(request.user)
    form = AnnualDraftForm(request.POST or None, programmes=programmes, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.annual_report_draft(
                actor=request.user,
                programme=form.cleaned_data["programme"],
                year=form.cleaned_data["year"],
                today=today,
                replace=form.cleaned_data["replace"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        except PermissionDenied:
            form.add_error(None, _("只有本项目的管理员可以起草"))
        else:
            messages.success(request, _("已根据数据起草，请修改后导出。"))
            return redirect("reports:annual", pk=report.pk)
    reports = AnnualReport.objects.filter(programme__in=programmes.values("pk")).select_related("programme")
    return render(request, "reports/annual_list.html", {"form": form, "reports": reports})


def _annual(request: HttpRequest, pk: int) -> AnnualReport:
    _gate(request, "annual_report.view")
    return get_object_or_404(
        AnnualReport.objects.select_related("programme__organisation", "edited_by").filter(
            programme__in=programmes_visible_to(request.user).values("pk")
        ),
        pk=pk,
    )


def annual_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _annual(request, pk)
    can_edit = programme_manageable_by(request.user, report.programme)
    form = AnnualEditForm(request.POST or None, initial={"title": report.title, "body": report.body})
    if request.method == "POST":
        if not can_edit:
            raise permission_denied(
                request, action="annual_report.edit", reason=_("只有本项目的管理员可以修改")
            )
        if form.is_valid():
            try:
                services.annual_report_edit(
                    actor=request.user,
                    report=report,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages[0])
            else:
                messages.success(request, _("已保存"))
                return redirect("reports:annual", pk=report.pk)
    figures = [(FIGURE_LABELS.get(k, k), v) for k, v in report.figures.items()]
    return render(
        request,
        "reports/annual_detail.html",
        {"report": report, "form": form, "can_edit": can_edit, "figures": figures},
    )


def annual_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = _annual(request, pk)
    org = report.programme.organisation.name
    stamp = report.edited_at or report.drafted_at
    subtitle = f"{org} · {timezone.localtime(stamp):%Y-%m-%d}"
    data = text_pdf(title=report.title, subtitle=subtitle, body=report.body, author=org)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="annual-{report.programme_id}-{report.year}.pdf"'
    return response
