from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from jiandu.accounts.roles import Capability
from jiandu.core.permissions import require_capability
from jiandu.orgs.selectors import organisations_visible_to


@require_capability(Capability.ASSIST_PROGRAMMES)
def org_list(request: HttpRequest) -> HttpResponse:
    return render(request, "orgs/list.html", {"organisations": organisations_visible_to(request.user)})


@require_capability(Capability.ASSIST_PROGRAMMES)
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Looked up through the user's subtree: another organisation's id is a 404, as if it did not exist.
    org = get_object_or_404(organisations_visible_to(request.user).select_related("parent"), pk=pk)
    return render(request, "orgs/detail.html", {"org": org, "children": org.children.order_by("path")})
