"""The audit chain's hash: SHA-256 over the previous hash and a canonical JSON of the event."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

GENESIS = "0" * 64


def event_payload(event: Any) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "role": event.role,
        "organisation_id": event.organisation_id,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_repr": event.target_repr,
        "before": event.before,
        "after": event.after,
        "ip": event.ip,
        "outcome": event.outcome,
    }


def _canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def event_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + _canonical(payload)).encode("utf-8")).hexdigest()


# --- the keyed layer (issue 11 #3) -------------------------------------------------------------------
# The SHA-256 chain alone can be recomputed by anyone who can write the table (the function is public).
# Each event's hash and the head are also MACed with HMAC-SHA256 under a key that lives in the
# environment of the application servers (JIANDU_AUDIT_KEY), never in the database. Keys rotate:
# the first key signs, every listed key verifies; a MAC names its key by a short id ("kid:hex").


def _kid(key: bytes) -> str:
    return hashlib.sha256(b"jiandu-audit-kid:" + key).hexdigest()[:8]


def mac_keys() -> list[tuple[str, bytes]]:
    from django.conf import settings

    return [(_kid(k.encode()), k.encode()) for k in settings.JIANDU_AUDIT_KEYS]


def _mac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def event_mac(event_hash_value: str) -> str:
    kid, key = mac_keys()[0]
    return f"{kid}:{_mac(key, 'event:' + event_hash_value)}"


def draft_mac(payload: dict[str, Any]) -> str:
    """The MAC an event carries from its INSERT until it is sealed (deferred sealing, docs/security.md):
    over its content without seq, so that the sealer links only rows the application wrote — a row
    INSERTed by hand into the table is never chained and MACed, it stays unsealed and verify names it."""
    kid, key = mac_keys()[0]
    return f"{kid}:{_mac(key, 'draft:' + _canonical({k: v for k, v in payload.items() if k != 'seq'}))}"


def head_mac(seq: int, hash_value: str) -> str:
    kid, key = mac_keys()[0]
    return f"{kid}:{_mac(key, f'head:{seq}:{hash_value}')}"


def _check(message: str, value: str) -> bool:
    kid, _, mac = (value or "").partition(":")
    for k, key in mac_keys():
        if k == kid:
            return hmac.compare_digest(_mac(key, message), mac)
    return False


def event_mac_ok(event_hash_value: str, value: str) -> bool:
    return _check("event:" + event_hash_value, value)


def draft_mac_ok(payload: dict[str, Any], value: str) -> bool:
    return _check("draft:" + _canonical({k: v for k, v in payload.items() if k != "seq"}), value)


def head_mac_ok(seq: int, hash_value: str, value: str) -> bool:
    return _check(f"head:{seq}:{hash_value}", value)
