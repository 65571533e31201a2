from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiandu.accounts.roles import Capability
from jiandu.audit.models import AuditEvent
from jiandu.core.permissions import require_capability


@require_capability(Capability.VIEW_AUDIT)
def event_list(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.select_related("actor", "organisation")[:100]
    return render(request, "audit/list.html", {"events": events})
