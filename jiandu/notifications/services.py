"""Sending notifications: the in-app inbox always, e-mail and SMS when asked.

E-mail goes through Django's mail settings (EMAIL_BACKEND …); SMS through jiandu.notifications.sms.
Both leave only after the surrounding transaction commits, so a rolled-back action sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from jiandu.audit.services import audit_record
from jiandu.notifications.models import Notification
from jiandu.notifications.sms import sms_send

logger = logging.getLogger(__name__)

INBOX, EMAIL, SMS = "inbox", "email", "sms"
CHANNELS = frozenset({INBOX, EMAIL, SMS})


def phone_for(user: Any) -> str:
    """The mobile number we hold for an account: a supervisor's, from the roster (encrypted at rest)."""
    supervisor = getattr(user, "supervisor", None) if user is not None else None
    try:
        return (supervisor.phone or "") if supervisor is not None else ""
    except Exception:  # a related-object miss raises; no number is the answer
        return ""


def _deliver(messages: list[tuple[str, str, str, list[str]]], sms: list[tuple[str, str]]) -> None:
    if messages:
        try:
            send_mass_mail(messages, fail_silently=False)
        except Exception:
            # The inbox row is the record; a mail server outage must not undo the action.
            logger.exception("notification e-mail failed (%d messages)", len(messages))
    for phone, text in sms:
        try:
            sms_send(phone, text)
        except Exception:
            logger.exception("notification SMS failed")


def notification_send(
    *,
    recipients: Iterable[Any],
    subject: str,
    body: str = "",
    link: str = "",
    channels: Sequence[str] = (INBOX,),
    kind: str = "",
    phones: Sequence[str] = (),
    audit: bool = True,
    actor: Any = None,
) -> list[Notification]:
    """Notify `recipients` (accounts). `phones` adds SMS-only recipients with no account (a member of
    the public who left a number). Callers inside a service that already writes its own audit event
    pass audit=False, so one action stays one event."""
    unknown = set(channels) - CHANNELS
    if unknown:
        raise ValueError(gettext("未知的通知渠道：{value}").format(value=", ".join(sorted(unknown))))
    users = {u.pk: u for u in recipients if u is not None and getattr(u, "is_active", True)}
    subject = subject[:200]
    with transaction.atomic():
        rows = [
            Notification(recipient=u, subject=subject, body=body, link=link[:255], kind=kind)
            for u in users.values()
        ]
        Notification.objects.bulk_create(rows)
        mails: list[tuple[str, str, str, list[str]]] = []
        texts: list[tuple[str, str]] = []
        if EMAIL in channels:
            site = getattr(settings, "JIANDU_SITE_URL", "").rstrip("/")
            text = body + (f"\n\n{site}{link}" if link else "")
            mails = [
                (subject, text, settings.DEFAULT_FROM_EMAIL, [u.email]) for u in users.values() if u.email
            ]
        if SMS in channels:
            numbers = [phone_for(u) for u in users.values()] + list(phones)
            texts = [(p, f"【监督】{subject}") for p in dict.fromkeys(numbers) if p]
        if audit:
            audit_record(
                actor=actor,
                action="notification.send",
                target_type="notifications.notification",
                target_id=str(rows[0].pk) if rows else "",
                target_repr=subject,
                after={
                    "recipients": sorted(users),
                    "channels": list(channels),
                    "kind": kind,
                    "sms": len(texts),
                },
            )
        if mails or texts:
            transaction.on_commit(lambda: _deliver(mails, texts))
    return rows


def notifications_bulk_inbox(*, rows: Iterable[tuple[Any, str, str, str, str]]) -> int:
    """Inbox rows in bulk for set-based jobs (the deadline scan): (recipient_id, subject, body, link,
    kind). The caller's transaction and audit event cover them."""
    objs = [
        Notification(recipient_id=rid, subject=s[:200], body=b, link=link[:255], kind=k)
        for rid, s, b, link, k in rows
    ]
    Notification.objects.bulk_create(objs, batch_size=1000)
    return len(objs)


def notification_mark_read(*, actor: Any, notification: Notification) -> Notification:
    if notification.recipient_id != actor.pk:
        raise PermissionError(gettext("只能标记本人的通知"))
    if notification.read_at is None:
        with transaction.atomic():
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
            audit_record(actor=actor, action="notification.read", target=notification)
    return notification


def notifications_mark_all_read(*, actor: Any) -> int:
    with transaction.atomic():
        count = Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if count:
            audit_record(
                actor=actor,
                action="notification.read_all",
                target_type="notifications.notification",
                after={"count": count},
            )
    return count
