"""Reads of the inbox: always the signed-in account's own messages."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import QuerySet

from jiandu.notifications.models import Notification


def notifications_for(user: Any) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_count(user: Any) -> int:
    """The account's unread messages: every signed-in page's header asks (base.html's badge). One
    fixed statement on the (recipient, read_at) index: the ORM's count() compiled an aggregation
    query for it on every page view, a tenth of the duty list's Python CPU (docs/performance.md)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_UNREAD_SQL, [user.pk])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


# Table and column names from the model (quoted as PostgreSQL and SQLite both read them); the
# account's id is a parameter.
_META = Notification._meta
_UNREAD_SQL = (
    f'SELECT COUNT(*) FROM "{_META.db_table}" '  # noqa: S608
    f'WHERE "{_META.get_field("recipient").column}" = %s AND "{_META.get_field("read_at").column}" IS NULL'
)
