from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jiandu.accounts.roles import Capability, Role
from jiandu.core.permissions import require_capability


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("portal:index")
    if request.user.role == Role.SUPERVISOR:  # type: ignore[union-attr]
        return redirect("core:dashboard")
    return redirect("core:dashboard")


def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "core/dashboard.html", {"role_label": request.user.get_role_display()})  # type: ignore[union-attr]


@require_capability(Capability.CONFIGURE_SYSTEM)
def system(request: HttpRequest) -> HttpResponse:
    return render(request, "core/system.html")


@login_not_required
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
