"""Reads of the inbox: always the signed-in account's own messages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jiandu.notifications.models import Notification


def notifications_for(user: Any) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_count(user: Any) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()
