"""Reads for machine clients, scoped to the account's own organisation."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from jiandu.integrations.models import ApiToken


def tokens_visible_to(user: Any) -> QuerySet[ApiToken]:
    if getattr(user, "organisation_id", None) is None:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(organisation_id=user.organisation_id).select_related("user", "revoked_by")


def token_get_for(user: Any, pk: int) -> ApiToken:
    token = tokens_visible_to(user).filter(pk=pk).first()
    if token is None:
        raise Http404("没有这个令牌")
    return token
