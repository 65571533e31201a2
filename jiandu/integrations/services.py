"""Writes for machine clients: issue and revoke a token (one transaction, one audit event each), record
each call made with a token, and run a create at most once per idempotency key."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from jiandu.audit.services import audit_record
from jiandu.core.permissions import deny
from jiandu.integrations.models import SCOPE_CAPABILITY, ApiToken, IdempotencyKey

TOKEN_PREFIX = "jd_"  # noqa: S105 (a marker that says what the string is, not a secret)
MAX_DAYS = 366


class IdempotencyConflict(Exception):
    """The key was used before for a different request."""


def token_hash(raw: str) -> str:
    # The token carries 256 random bits, so a plain SHA-256 is enough (no salt or slow hash needed).
    return hashlib.sha256(raw.encode()).hexdigest()


def scopes_allowed(actor: Any) -> list[str]:
    """The scopes this account may put on a token: those whose capability it holds itself."""
    return [s for s, caps in SCOPE_CAPABILITY.items() if any(actor.can(c) for c in caps)]


def _require_issuer(actor: Any, action: str, token: ApiToken | None = None) -> None:
    if getattr(actor, "organisation_id", None) is None or not scopes_allowed(actor):
        raise deny(
            actor,
            action=action,
            reason=gettext("仅被监督单位或司法行政机关工作人员可管理本单位的接口令牌"),
            target=token,
        )
    if token is not None and token.organisation_id != actor.organisation_id:
        raise deny(actor, action=action, reason=gettext("该令牌不属于本单位"), target=token)


def _snapshot(token: ApiToken) -> dict[str, Any]:
    return {
        "name": token.name,
        "prefix": token.prefix,
        "organisation": token.organisation_id,
        "scopes": token.scopes,
        "expires_at": token.expires_at.isoformat(),
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


def token_issue(*, actor: Any, name: str, scopes: list[str], expires_on: dt.date) -> tuple[ApiToken, str]:
    """Issue a token for one of the organisation's systems. Returns the row and the token itself,
    which is never stored and cannot be shown again."""
    _require_issuer(actor, "api_token.issue")
    name = (name or "").strip()
    if not name:
        raise ValidationError(gettext("请填写令牌名称（对接的系统）"))
    allowed = scopes_allowed(actor)
    chosen = sorted(set(scopes))
    if not chosen:
        raise ValidationError(gettext("请至少选择一项授权范围"))
    if any(s not in allowed for s in chosen):
        raise ValidationError(gettext("所选授权范围超出本账号的权限"))
    today = timezone.localdate()
    if not today < expires_on <= today + dt.timedelta(days=MAX_DAYS):
        raise ValidationError(gettext("有效期须晚于今天，且不超过 {MAX_DAYS} 天").format(MAX_DAYS=MAX_DAYS))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    expires_at = dt.datetime.combine(expires_on, dt.time.max, tzinfo=timezone.get_current_timezone())
    with transaction.atomic():
        token = ApiToken.objects.create(
            organisation_id=actor.organisation_id,
            user=actor,
            name=name[:80],
            prefix=raw[: len(TOKEN_PREFIX) + 6],
            key_hash=token_hash(raw),
            scopes=chosen,
            created_at=now,
            expires_at=expires_at,
        )
        audit_record(actor=actor, action="api_token.issue", target=token, after=_snapshot(token))
    return token, raw


def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        _require_issuer(actor, "api_token.revoke", token)
        if token.revoked_at is not None:
            raise ValidationError(gettext("该令牌已吊销"))
        before = _snapshot(token)
        token.revoked_at, token.revoked_by = timezone.now(), actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=actor, action="api_token.revoke", target=token, before=before, after=_snapshot(token)
        )
    return token


def token_find(raw: str) -> ApiToken | None:
    """The live token for this secret, or None (unknown, revoked, expired, or its issuer no longer
    active in the token's organisation)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(key_hash=token_hash(raw), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active or token.user.organisation_id != token.organisation_id:
        return None
    return token


def token_use(*, token: ApiToken, method: str, path: str) -> None:
    """Every call made with a token is on the audit trail under the token's name."""
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        audit_record(
            actor=token.user,
            action="api.call",
            target=token,
            after={"token": token.name, "prefix": token.prefix, "method": method, "path": path[:255]},
        )


def request_fingerprint(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def idempotent_create(
    *,
    actor: Any,
    token: ApiToken | None,
    operation: str,
    key: str,
    fingerprint: str,
    create: Callable[[], dict[str, Any]],
) -> tuple[dict[str, Any], bool]:
    """Run `create` (a service call returning the answer's body) once per (account, operation, key).
    A retry with the same body gets the first answer (and True); the same key with another body is an
    IdempotencyConflict. A create that fails leaves no key behind, so a corrected retry runs again.

    Two retries racing: the second insert waits on the first's unique row and, once that commits,
    reads its answer."""
    lookup = {"user": actor, "operation": operation, "key": key}
    with transaction.atomic():
        row = IdempotencyKey.objects.select_for_update().filter(**lookup).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = IdempotencyKey.objects.create(token=token, request_hash=fingerprint, **lookup)
            except IntegrityError:
                row = IdempotencyKey.objects.select_for_update().get(**lookup)
            else:
                body = create()
                row.response = body
                row.save(update_fields=["response"])
                return body, False
        if row.request_hash != fingerprint:
            raise IdempotencyConflict(gettext("该幂等键已用于另一内容不同的请求"))
        return dict(row.response), True
