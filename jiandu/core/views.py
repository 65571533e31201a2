from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jiandu.accounts.roles import Capability, Role
from jiandu.core import workqueue
from jiandu.core.permissions import require_capability
from jiandu.core.system import system_jobs_start, system_overview


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("portal:index")
    if request.user.role == Role.SUPERVISOR:  # type: ignore[union-attr]
        return redirect("core:dashboard")
    return redirect("core:dashboard")


def dashboard(request: HttpRequest) -> HttpResponse:
    queue = workqueue.queue_for(request.user, today=timezone.localdate())
    return render(
        request,
        "core/dashboard.html",
        {"role_label": request.user.get_role_display(), "queue": queue},  # type: ignore[union-attr]
    )


def queue_list(request: HttpRequest, key: str) -> HttpResponse:
    """One work-queue entry's rows, oldest first: the list its count on the home page stands for."""
    entry = workqueue.entry_get(request.user, key)
    if entry is None:
        raise Http404(_("没有这项待办"))
    today = timezone.localdate()
    rows = [
        {"title": t, "url": u, "on": on, "days": (on - today).days if on else None}
        for t, u, on in workqueue.queue_rows(request.user, entry, today=today)
    ]
    return render(request, "core/queue.html", {"entry": entry, "rows": rows, "today": today})


@require_capability(Capability.CONFIGURE_SYSTEM)
def system(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        for line in system_jobs_start(actor=request.user):
            messages.success(request, line)
        return redirect("core:system")
    return render(request, "core/system.html", system_overview(today=timezone.localdate()))


@login_not_required
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
