from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiandu.accounts.roles import Capability
from jiandu.core.permissions import require_capability
from jiandu.orgs.selectors import organisations_visible_to


@require_capability(Capability.ASSIST_PROGRAMMES)
def org_list(request: HttpRequest) -> HttpResponse:
    return render(request, "orgs/list.html", {"organisations": organisations_visible_to(request.user)})
