"""The page where an agency's staff issue, list and revoke the API tokens of their organisation's
systems. A new token is shown once, on the answer to the POST that issued it, and never again."""

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
from jiandu.integrations import selectors, services
from jiandu.integrations.forms import TokenForm


@require_capability(Capability.REQUEST_DUTIES)
def tokens(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = TokenForm(request.POST or None, allowed=services.scopes_allowed(user))
    issued = None
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            token, raw = services.token_issue(
                actor=user, name=c["name"], scopes=c["scopes"], expires_on=c["expires_on"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            issued = {"token": token, "raw": raw}
            form = TokenForm(allowed=services.scopes_allowed(user))
    response = render(
        request,
        "integrations/tokens.html",
        {"form": form, "issued": issued, "tokens": selectors.tokens_visible_to(user)},
    )
    response["Cache-Control"] = "no-store"  # the page may carry a token shown once
    return response


@require_POST
@require_capability(Capability.REQUEST_DUTIES)
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.token_get_for(request.user, pk)
    try:
        services.token_revoke(actor=request.user, token=token)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("令牌“%(name)s”已吊销") % {"name": token.name})
    return redirect("integrations:tokens")
