"""Webhooks (issue 16 §3): an organisation's staff register an HTTPS address of their own system and
choose events; the services where those things happen call `webhook_emit` inside their transaction.

`webhook_emit` writes one WebhookDelivery row per subscribed endpoint in the caller's transaction (the
row exists exactly when the change does: an outbox) and, on commit, hands each row to the task worker
(jiandu.integrations.webhooks_delivery sends, signs and retries). Payloads are built here, from ids,
dates and states only: never a supervisor's name or contact, never who reported a finding
(威海 2022 第十四条) — the receiving system reads what it may see through /api/v1/, which scopes and
audits as usual.

Writes by people (register, disable, replay): one transaction, one audit event each."""

from __future__ import annotations

import datetime as dt
import ipaddress
import secrets
import uuid
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from jiandu.audit.services import audit_record
from jiandu.core.permissions import deny
from jiandu.integrations.models import DeliveryState, WebhookDelivery, WebhookEndpoint, WebhookEvent
from jiandu.integrations.services import scopes_allowed
from jiandu.orgs.models import Organisation

SECRET_PREFIX = "whsec_"  # noqa: S105 (a marker that says what the string is, not a secret)
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
MAX_ENDPOINTS = 10  # per organisation


# --- who may, and what an address may be ------------------------------------------------------------


def _require_manager(actor: Any, action: str, endpoint: WebhookEndpoint | None = None) -> None:
    """The same people as the token page: an agency's staff, for their own organisation."""
    if getattr(actor, "organisation_id", None) is None or not scopes_allowed(actor):
        raise deny(
            actor,
            action=action,
            reason=gettext("仅被监督单位工作人员可管理本单位的事件推送"),
            target=endpoint,
        )
    if endpoint is not None and endpoint.organisation_id != actor.organisation_id:
        raise deny(actor, action=action, reason=gettext("该推送地址不属于本单位"), target=endpoint)


def loopback_http_allowed() -> bool:
    """http:// to this machine only while developing or testing (DEBUG, or the test settings)."""
    return bool(settings.DEBUG or getattr(settings, "JIANDU_WEBHOOK_ALLOW_LOOPBACK_HTTP", False))


def endpoint_url_clean(url: str) -> str:
    """An https:// address with a host and no credentials; http:// only to 127.0.0.1/localhost while
    developing. Raises ValidationError with the reason."""
    url = (url or "").strip()
    if not url or len(url) > 500:
        raise ValidationError(gettext("请填写接收地址（不超过 500 个字符）"))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValidationError(gettext("接收地址格式不正确")) from exc
    host = (parts.hostname or "").lower()
    if not host:
        raise ValidationError(gettext("接收地址须包含主机名"))
    if parts.username or parts.password:
        raise ValidationError(gettext("接收地址不能包含用户名或密码"))
    if parts.fragment:
        raise ValidationError(gettext("接收地址不能包含 # 片段"))
    if port == 0:
        raise ValidationError(gettext("接收地址端口不正确"))
    if parts.scheme == "https":
        if not loopback_http_allowed() and _is_loopback(host):
            raise ValidationError(gettext("接收地址不能指向本机"))
        return url
    if parts.scheme == "http" and host in LOOPBACK_HOSTS and loopback_http_allowed():
        return url
    raise ValidationError(gettext("接收地址须使用 https://"))


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_link_local or ip.is_unspecified


def _events_clean(events: Iterable[str]) -> list[str]:
    chosen = sorted(set(events))
    if not chosen:
        raise ValidationError(gettext("请至少选择一个事件"))
    if any(e not in WebhookEvent.values for e in chosen):
        raise ValidationError(gettext("所选事件无效"))
    return chosen


def _snapshot(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "name": endpoint.name,
        "url": endpoint.url,
        "organisation": endpoint.organisation_id,
        "events": endpoint.events,
        "disabled_at": endpoint.disabled_at.isoformat() if endpoint.disabled_at else None,
    }


# --- people's writes ----------------------------------------------------------------------------------


def endpoint_create(*, actor: Any, name: str, url: str, events: list[str]) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint. Returns the row and its signing secret, shown to the person once (it is
    stored encrypted, because every delivery is signed with it, and never shown again)."""
    _require_manager(actor, "webhook.create")
    name = (name or "").strip()
    if not name:
        raise ValidationError(gettext("请填写名称（接收的系统）"))
    url = endpoint_url_clean(url)
    chosen = _events_clean(events)
    raw = SECRET_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        live = WebhookEndpoint.objects.select_for_update().filter(
            organisation_id=actor.organisation_id, disabled_at__isnull=True
        )
        if len(live) >= MAX_ENDPOINTS:
            raise ValidationError(
                gettext("每个单位最多登记 {MAX_ENDPOINTS} 个推送地址，请先停用不再使用的地址").format(
                    MAX_ENDPOINTS=MAX_ENDPOINTS
                )
            )
        endpoint = WebhookEndpoint(
            organisation_id=actor.organisation_id,
            created_by=actor,
            name=name[:80],
            url=url,
            events=chosen,
            secret=raw,
            created_at=timezone.now(),
        )
        endpoint.full_clean()
        endpoint.save()
        audit_record(actor=actor, action="webhook.create", target=endpoint, after=_snapshot(endpoint))
    return endpoint, raw


def endpoint_disable(*, actor: Any, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Stop sending to an endpoint; deliveries still waiting for it are given up at their next try."""
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        _require_manager(actor, "webhook.disable", endpoint)
        if endpoint.disabled_at is not None:
            raise ValidationError(gettext("该推送地址已停用"))
        before = _snapshot(endpoint)
        endpoint.disabled_at, endpoint.disabled_by = timezone.now(), actor
        endpoint.save(update_fields=["disabled_at", "disabled_by"])
        audit_record(
            actor=actor, action="webhook.disable", target=endpoint, before=before, after=_snapshot(endpoint)
        )
    return endpoint


def delivery_replay(*, actor: Any, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send an event again (the receiver was down, or lost it): a new delivery row with the same event
    id and content, signed afresh when it is sent."""
    with transaction.atomic():
        original = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery.pk)
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=original.endpoint_id)
        _require_manager(actor, "webhook.replay", endpoint)
        if endpoint.disabled_at is not None:
            raise ValidationError(gettext("该推送地址已停用，不能重放"))
        now = timezone.now()
        replay = WebhookDelivery.objects.create(
            endpoint=endpoint,
            event=original.event,
            event_id=original.event_id,
            payload=original.payload,
            next_attempt_at=now,
            created_at=now,
            replay_of=original,
            replayed_by=actor,
        )
        audit_record(
            actor=actor,
            action="webhook.replay",
            target=replay,
            after={
                "endpoint": endpoint.pk,
                "event": original.event,
                "event_id": str(original.event_id),
                "replay_of": original.pk,
            },
        )
        transaction.on_commit(lambda: _enqueue([replay.pk]))
    return replay


# --- emitting ------------------------------------------------------------------------------------------


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split(".") if p]
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


def _enqueue(ids: list[int]) -> None:
    from jiandu.integrations.tasks import webhook_deliver_task

    for pk in ids:
        webhook_deliver_task.enqueue(pk)


def webhook_emit_many(event: str, items: list[tuple[int | None, dict[str, Any]]]) -> int:
    """Queue `event` once per (organisation id, data): for every live endpoint subscribed to it whose
    organisation is that one or above it (None: every subscribed endpoint, for events that concern
    all, like the calendar). Call it inside the service's transaction. Returns the rows written."""
    if not items:
        return 0
    org_ids = {org for org, _data in items if org is not None}
    paths = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "path")) if org_ids else {}
    live = WebhookEndpoint.objects.filter(disabled_at__isnull=True).select_related("organisation")
    if all(org is not None for org, _data in items):
        live = live.filter(
            organisation__path__in={a for path in paths.values() for a in _ancestor_paths(path)}
        )
    endpoints = [e for e in live if event in e.events]  # a JSON list: filtered here, not in SQL
    if not endpoints:
        return 0
    now = timezone.now()
    rows = []
    for org_id, data in items:
        event_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "id": event_id,
            "event": event,
            "occurred_at": now.isoformat(),
            "data": data,
        }
        above = set(_ancestor_paths(paths[org_id])) if org_id is not None else None
        for e in endpoints:
            if above is None or e.organisation.path in above:
                rows.append(
                    WebhookDelivery(
                        endpoint=e,
                        event=event,
                        event_id=event_id,
                        payload=envelope,
                        state=DeliveryState.PENDING,
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
    if not rows:
        return 0
    ids = [r.pk for r in WebhookDelivery.objects.bulk_create(rows)]  # PostgreSQL and SQLite return keys
    transaction.on_commit(lambda: _enqueue(ids))
    return len(rows)


def webhook_emit(event: str, *, organisation_id: int | None, data: dict[str, Any]) -> int:
    return webhook_emit_many(event, [(organisation_id, data)])


# --- payloads: ids, dates and states only ---------------------------------------------------------------


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def duty_ref(duty: Any) -> dict[str, Any]:
    return {
        "id": duty.pk,
        "title": duty.title,
        "duty_on": _date(duty.duty_on),
        "status": duty.status,
        "programme_id": duty.programme_id,
        "agency_id": duty.agency_id,
        "api_url": f"/api/v1/duties/{duty.pk}",
    }


def finding_ref(finding: Any) -> dict[str, Any]:
    """What the agency's own projection shows of a finding, less the text: the number, the state and
    the clocks. Never `reporter`, `supervisor` or anything that could lead back to who reported."""
    return {
        "id": finding.pk,
        "number": finding.number,
        "status": finding.status,
        "agency_id": finding.agency_id,
        "forwarded_on": _date(finding.forwarded_on),
        "reply_due": _date(finding.reply_due),
        "reply_due_provisional": bool(finding.reply_due_provisional),
        "api_url": f"/api/v1/findings/{finding.pk}",
    }


def duty_drawn_emit(*, duty: Any, drawn: Any, invited: int) -> None:
    webhook_emit(
        WebhookEvent.DUTY_DRAWN,
        organisation_id=duty.agency_id,
        data={
            "duty": duty_ref(duty),
            "draw": {
                "number": drawn.commitment.number,
                "drawn_at": drawn.drawn_at.isoformat(),
                "record_hash": drawn.record_hash,
                "public_url": reverse("duties:draw_public", args=[drawn.pk]),
            },
            "invited": invited,
        },
    )


def participant_confirmed_emit(*, duty: Any, assignment: Any, accepted: int) -> None:
    webhook_emit(
        WebhookEvent.PARTICIPANT_CONFIRMED,
        organisation_id=duty.agency_id,
        data={
            "duty": duty_ref(duty),
            "supervisor_id": assignment.supervisor_id,
            "position": assignment.position,
            "accepted": accepted,
            "needed": duty.supervisors_needed,
            "staffed": accepted >= duty.supervisors_needed,
            "participants_url": f"/api/v1/duties/{duty.pk}/participants",
        },
    )


def record_confirmed_emit(*, duty: Any, assignment: Any, confirmed: int, attended: int) -> None:
    webhook_emit(
        WebhookEvent.RECORD_CONFIRMED,
        organisation_id=duty.agency_id,
        data={
            "duty": duty_ref(duty),
            "supervisor_id": assignment.supervisor_id,
            "confirmed_at": assignment.confirmed_at.isoformat(),
            "via": assignment.confirmed_via,
            "content_hash": assignment.confirmed_hash,
            "confirmed": confirmed,
            "attended": attended,
            "all_confirmed": confirmed >= attended,
            "record_url": f"/api/v1/duties/{duty.pk}/record",
        },
    )


def opinion_forwarded_emit(*, finding: Any) -> None:
    webhook_emit(
        WebhookEvent.OPINION_FORWARDED,
        organisation_id=finding.agency_id,
        data={"finding": finding_ref(finding)},
    )


def rectification_verified_emit(*, finding: Any) -> None:
    webhook_emit(
        WebhookEvent.RECTIFICATION_VERIFIED,
        organisation_id=finding.agency_id,
        data={
            "finding": {
                **finding_ref(finding),
                "correction": finding.correction,
                "rectify_due": _date(finding.rectify_due),
                "rectified_on": _date(finding.rectified_on),
                "closed_on": _date(finding.closed_on),
            }
        },
    )


def reply_overdue_wanted() -> bool:
    """Whether a live endpoint subscribes to overdue replies: the deadline scan reads every finding's
    due date for the payloads only then (a first pass lists 350,000 findings, 3 s of CPU for no one)."""
    return any(
        WebhookEvent.REPLY_OVERDUE in (events or [])
        for events in WebhookEndpoint.objects.filter(disabled_at__isnull=True).values_list(
            "events", flat=True
        )
    )


def reply_overdue_emit(*, on: dt.date, rows: list[tuple[int, int, dt.date]]) -> int:
    """From the deadline scan's escalation stage: one event per agency, listing its findings whose
    reply is overdue (id, agency id, reply due). Nothing is built when no endpoint subscribes."""
    if not rows or not reply_overdue_wanted():
        return 0
    by_agency: dict[int, list[dict[str, Any]]] = {}
    for finding_id, agency_id, due in rows:
        by_agency.setdefault(agency_id, []).append(
            {
                "id": finding_id,
                "number": f"JD-{finding_id:06d}",
                "reply_due": _date(due),
                "api_url": f"/api/v1/findings/{finding_id}",
            }
        )
    return webhook_emit_many(
        WebhookEvent.REPLY_OVERDUE,
        [
            (agency_id, {"on": on.isoformat(), "count": len(items), "findings": items})
            for agency_id, items in sorted(by_agency.items())
        ],
    )


def calendar_recomputed_emit(*, year: int, counts: dict[str, int]) -> None:
    webhook_emit(
        WebhookEvent.CALENDAR_RECOMPUTED,
        organisation_id=None,
        data={
            "year": year,
            "moved": counts.get("moved", 0),
            "kept": counts.get("kept", 0),
            "unchanged": counts.get("unchanged", 0),
        },
    )
