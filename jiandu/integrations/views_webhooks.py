"""The page where an agency's staff register their systems' webhook endpoints (the signing secret shown
once), stop them, read the delivery log and replay a delivery. Gate, selector, form, service, message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiandu.accounts.roles import Capability
from jiandu.core.permissions import require_capability
from jiandu.integrations import selectors
from jiandu.integrations import webhooks as wh
from jiandu.integrations.forms import WebhookForm

LOG_ROWS = 50


@require_capability(Capability.REQUEST_DUTIES)
def webhooks(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = WebhookForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            endpoint, secret = wh.endpoint_create(
                actor=user, name=c["name"], url=c["url"], events=c["events"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            created = {"endpoint": endpoint, "secret": secret}
            form = WebhookForm()
    response = render(
        request,
        "integrations/webhooks.html",
        {
            "form": form,
            "created": created,
            "endpoints": selectors.endpoints_visible_to(user),
            "deliveries": selectors.deliveries_visible_to(user)[:LOG_ROWS],
            "log_rows": LOG_ROWS,
        },
    )
    response["Cache-Control"] = "no-store"  # the page may carry a secret shown once
    return response


@require_POST
@require_capability(Capability.REQUEST_DUTIES)
def webhook_disable(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = selectors.endpoint_get_for(request.user, pk)
    try:
        wh.endpoint_disable(actor=request.user, endpoint=endpoint)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("推送地址“%(name)s”已停用") % {"name": endpoint.name})
    return redirect("integrations:webhooks")


@require_POST
@require_capability(Capability.REQUEST_DUTIES)
def delivery_replay(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get_for(request.user, pk)
    try:
        wh.delivery_replay(actor=request.user, delivery=delivery)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已重新推送事件 %(event)s") % {"event": delivery.event})
    return redirect("integrations:webhooks")
