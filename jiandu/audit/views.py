from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from jiandu.accounts.roles import Capability
from jiandu.audit.forms import AuditFilterForm
from jiandu.audit.selectors import audit_events_filter, audit_events_visible_to
from jiandu.core.permissions import require_capability

PAGE_SIZE = 50


@require_capability(Capability.VIEW_AUDIT)
def event_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    events = audit_events_filter(
        audit_events_visible_to(request.user), **(form.cleaned_data if form.is_valid() else {})
    )
    # The list shows stored columns only (actor_name, role …), so no join per row: the page costs one
    # count and one select whatever its length.
    page = Paginator(events.only(*LIST_FIELDS), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/list.html", {"form": form, "page": page, "query": query.urlencode()})


LIST_FIELDS = (
    "seq",
    "occurred_at",
    "actor_name",
    "role",
    "action",
    "target_type",
    "target_repr",
    "ip",
    "outcome",
)


@require_capability(Capability.VIEW_AUDIT)
def event_detail(request: HttpRequest, seq: int) -> HttpResponse:
    event = get_object_or_404(audit_events_visible_to(request.user).select_related("organisation"), seq=seq)
    keys = sorted(set(event.before or {}) | set(event.after or {}))
    changes = [
        {
            "key": key,
            "before": json.dumps((event.before or {}).get(key), ensure_ascii=False) if event.before else "",
            "after": json.dumps((event.after or {}).get(key), ensure_ascii=False) if event.after else "",
            "changed": (event.before or {}).get(key) != (event.after or {}).get(key),
        }
        for key in keys
    ]
    return render(request, "audit/detail.html", {"event": event, "changes": changes})
