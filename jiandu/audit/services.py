"""Writing the audit trail. `audit_record` is the one way in; every service write calls it inside
its own transaction, so the event and the change it describes commit or roll back together."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from jiandu.audit.hashing import event_hash, event_payload
from jiandu.audit.models import AuditChainHead, AuditEvent, Outcome
from jiandu.core.request_context import client_ip, current_request


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    # Round-trip through JSON so the hash is computed over exactly what the database will return.
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _user_or_none(actor: Any) -> Any:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    outcome: str = Outcome.SUCCESS,
    actor_name: str = "",
    request: Any = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    request = request if request is not None else current_request.get()
    user = _user_or_none(actor)
    if user is None and request is not None:
        user = _user_or_none(getattr(request, "user", None))
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_repr = target_repr or str(target)[:255]
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            seq=head.seq + 1,
            occurred_at=(at or timezone.now()).astimezone(dt.UTC),
            actor=user,
            actor_name=(user.get_username() if user else actor_name)[:150],
            role=getattr(user, "role", "") or "",
            organisation_id=getattr(user, "organisation_id", None),
            action=action,
            target_type=target_type,
            target_id=target_id,
            target_repr=target_repr,
            before=_jsonable(before),
            after=_jsonable(after),
            ip=client_ip(request),
            outcome=outcome,
            prev_hash=head.hash,
        )
        event.hash = event_hash(head.hash, event_payload(event))
        event.save()
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event
