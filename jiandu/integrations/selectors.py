"""Reads for machine clients, scoped to the account's own organisation."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext

from jiandu.integrations.models import ApiToken, WebhookDelivery, WebhookEndpoint


def tokens_visible_to(user: Any) -> QuerySet[ApiToken]:
    if getattr(user, "organisation_id", None) is None:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(organisation_id=user.organisation_id).select_related("user", "revoked_by")


def token_get_for(user: Any, pk: int) -> ApiToken:
    token = tokens_visible_to(user).filter(pk=pk).first()
    if token is None:
        raise Http404(gettext("没有这个令牌"))
    return token


def endpoints_visible_to(user: Any) -> QuerySet[WebhookEndpoint]:
    if getattr(user, "organisation_id", None) is None:
        return WebhookEndpoint.objects.none()
    return WebhookEndpoint.objects.filter(organisation_id=user.organisation_id).select_related(
        "created_by", "disabled_by"
    )


def endpoint_get_for(user: Any, pk: int) -> WebhookEndpoint:
    endpoint = endpoints_visible_to(user).filter(pk=pk).first()
    if endpoint is None:
        raise Http404(gettext("没有这个推送地址"))
    return endpoint


def deliveries_visible_to(user: Any) -> QuerySet[WebhookDelivery]:
    if getattr(user, "organisation_id", None) is None:
        return WebhookDelivery.objects.none()
    return WebhookDelivery.objects.filter(endpoint__organisation_id=user.organisation_id).select_related(
        "endpoint", "replayed_by"
    )


def delivery_get_for(user: Any, pk: int) -> WebhookDelivery:
    delivery = deliveries_visible_to(user).filter(pk=pk).first()
    if delivery is None:
        raise Http404(gettext("没有这条推送记录"))
    return delivery
