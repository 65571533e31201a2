"""The signed-in account's inbox over the HTTP API (/api/notifications/)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from jiandu.notifications.selectors import notifications_for, unread_count

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    subject: str
    body: str
    link: str
    kind: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class InboxOut(Schema):
    unread: int
    items: list[NotificationOut]


@router.get("/", response=InboxOut, summary="我的消息（最近 100 条）")
def inbox(request: HttpRequest) -> InboxOut:
    items = list(notifications_for(request.user).values(*NotificationOut.model_fields)[:100])
    return InboxOut(unread=unread_count(request.user), items=items)  # type: ignore[arg-type]
