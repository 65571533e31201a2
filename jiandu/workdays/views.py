"""The calendar page: paste a holiday notice, preview it on a month grid, load it (system admin).

Why the system admin and not a programme admin: the State Council notice changes every programme's
working days at once (and a regional overlay every programme in the region), so loading it is a
platform-wide setting, like the other system configuration (三权分立: the system admin configures, the
auditor sees the audit event)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from jiandu.accounts.roles import Capability
from jiandu.core.permissions import require_capability
from jiandu.rules.calendar import OverlayError
from jiandu.workdays.forms import NoticeForm
from jiandu.workdays.models import CalendarOverlay, CalendarRecompute
from jiandu.workdays.services import notice_grid, notice_load, notice_preview


@require_capability(Capability.CONFIGURE_SYSTEM)
def calendar_page(request: HttpRequest) -> HttpResponse:
    form = NoticeForm(request.POST or None)
    parsed = grid = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        parsed = notice_preview(
            text=d["text"], kind=d["kind"], region=d["region"], year=d["year"], test_data=d["test_data"]
        )
        if request.POST.get("action") == "load" and parsed.ok:
            try:
                _row, job = notice_load(actor=request.user, parsed=parsed)
            except OverlayError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("已载入，正在重新计算暂定日期。"))
                return redirect("workdays:recompute", pk=job.pk)
        grid = notice_grid(parsed)
    return render(
        request,
        "workdays/calendar.html",
        {
            "form": form,
            "parsed": parsed,
            "grid": grid,
            "overlays": CalendarOverlay.objects.select_related("loaded_by"),
            "jobs": CalendarRecompute.objects.all()[:5],
        },
    )


@require_capability(Capability.CONFIGURE_SYSTEM)
def recompute_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(CalendarRecompute, pk=pk)
    htmx = getattr(request, "htmx", False)
    template = "workdays/_recompute.html" if htmx else "workdays/recompute.html"
    return render(request, template, {"job": job})
