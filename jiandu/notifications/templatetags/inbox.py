"""`{% load inbox %}{% inbox_badge %}`: the signed-in account's unread count, for the site header
(renders nothing when there is nothing unread)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from jiandu.notifications.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_badge(context: Any) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    count = unread_count(user)
    return format_html('<span class="badge" data-testid="unread-badge">{}</span>', count) if count else ""
