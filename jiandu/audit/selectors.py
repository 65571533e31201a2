"""Reads of the audit trail, for the auditor (Capability.VIEW_AUDIT), scoped to the organisation subtree."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F, Q, QuerySet

from jiandu.audit.models import AuditEvent


def audit_events_visible_to(user: Any) -> QuerySet[AuditEvent]:
    """An auditor sees the events of its organisation subtree; an auditor at the root of the tree also
    sees events with no organisation (anonymous sign-in failures, system jobs)."""
    if not user.is_authenticated or user.organisation_id is None:
        return AuditEvent.objects.none()
    org = user.organisation
    scope = Q(organisation__path__startswith=org.path)
    if org.parent_id is None:
        scope |= Q(organisation__isnull=True)
    return AuditEvent.objects.filter(scope)


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def audit_events_filter(
    events: QuerySet[AuditEvent],
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    actor: str = "",
    action: str = "",
    target: str = "",
    outcome: str = "",
) -> QuerySet[AuditEvent]:
    """Dates are local calendar days, both inclusive; action matches a prefix ("auth." → all sign-in
    events); actor matches the username; target matches the object's type, id or name."""
    if date_from:
        events = events.filter(occurred_at__gte=_local_midnight(date_from))
    if date_to:
        events = events.filter(occurred_at__lt=_local_midnight(date_to + dt.timedelta(days=1)))
    if actor.strip():
        events = events.filter(actor_name__icontains=actor.strip())
    if action.strip():
        events = events.filter(action__startswith=action.strip())
    if target.strip():
        t = target.strip()
        events = events.filter(Q(target_type=t) | Q(target_id=t) | Q(target_repr__icontains=t))
    if outcome:
        events = events.filter(outcome=outcome)
    # Newest first: events not sealed yet (seq NULL; deferred sealing) are the newest, so they lead.
    return events.order_by(F("seq").desc(nulls_first=True), "-id")
