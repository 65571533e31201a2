"""Sending webhook deliveries: sign, POST, record the answer, retry with backoff.

A delivery is claimed under a row lock (attempt counted, `next_attempt_at` pushed out by a lease), sent
outside any transaction, and its answer recorded under the lock again; so the per-delivery task and the
recurring pass for retries never send the same attempt twice. The HTTP call uses `http.client`
directly: one POST, a timeout on every socket operation, no redirect followed (a 3xx is a failed
attempt), and at most MAX_READ bytes of the answer read (MAX_KEPT characters kept).

The signature (docs/api.md, “事件推送”): `X-Jiandu-Signature: t=<unix seconds>,v1=<hex>` where hex is
HMAC-SHA256(secret, f"{t}.{body}") over the exact bytes of the body."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import json
import logging
import ssl
import time
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from jiandu.integrations.models import DeliveryState, WebhookDelivery

logger = logging.getLogger(__name__)

TIMEOUT = 10.0  # seconds, for the connection and for each read
READ_DEADLINE = 20.0  # seconds for the whole answer body
LEASE = dt.timedelta(minutes=5)  # an attempt in flight is not picked up again before this
MAX_READ = 64 * 1024
MAX_KEPT = 2000
MAX_HISTORY = 20
BACKOFF_BASE = 60  # seconds: 1, 2, 4, 8 … minutes
BACKOFF_CAP = 6 * 3600
DUE_BATCH = 200
USER_AGENT = "Jiandu-Webhooks/1"


def max_attempts() -> int:
    return int(getattr(settings, "JIANDU_WEBHOOK_MAX_ATTEMPTS", 8))


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt: 1 min, 2, 4, … doubling, at most 6 h."""
    return dt.timedelta(seconds=min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP))


def delivery_body(payload: dict[str, Any]) -> bytes:
    """The exact bytes POSTed (and signed): compact UTF-8 JSON, keys sorted, Chinese unescaped."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def signature(secret: str, body: bytes, t: int) -> str:
    mac = hmac.new(secret.encode("utf-8"), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def signature_verify(secret: str, body: bytes, header: str, *, now: int, tolerance: int = 300) -> bool:
    """What a receiver does (docs/api.md has the same in a sample): parse, check the age, compare in
    constant time."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        t = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - t) > tolerance:
        return False
    expected = signature(secret, body, t).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    parts = urlsplit(url)
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(
            parts.hostname or "", parts.port, timeout=TIMEOUT, context=ssl.create_default_context()
        )
    else:
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=TIMEOUT)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("POST", target, body=body, headers=headers)
        response = conn.getresponse()
        # Read the answer in pieces against one deadline, so a server that trickles bytes cannot hold
        # the worker for longer than READ_DEADLINE (each piece also has the socket's TIMEOUT).
        deadline = time.monotonic() + READ_DEADLINE
        answer = b""
        while len(answer) < MAX_READ and time.monotonic() < deadline:
            piece = response.read1(min(8192, MAX_READ - len(answer)))
            if not piece:
                break
            answer += piece
        return response.status, answer
    finally:
        conn.close()


def _claim(delivery_id: int, now: dt.datetime) -> tuple[WebhookDelivery, str] | None:
    with transaction.atomic():
        d = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if d is None or d.state != DeliveryState.PENDING:
            return None
        if d.next_attempt_at is not None and d.next_attempt_at > now:
            return None  # not due yet, or another worker holds the lease
        if d.endpoint.disabled_at is not None:
            d.state, d.next_attempt_at, d.error = DeliveryState.FAILED, None, gettext("推送地址已停用")
            d.save(update_fields=["state", "next_attempt_at", "error"])
            return None
        d.attempts += 1
        d.last_attempt_at = now
        d.next_attempt_at = now + LEASE
        d.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])
        return d, d.endpoint.secret


def delivery_attempt(delivery_id: int) -> str | None:
    """One attempt at one delivery, if it is due. Returns the delivery's state after it (None when
    nothing was due)."""
    now = timezone.now()
    claimed = _claim(delivery_id, now)
    if claimed is None:
        return None
    d, secret = claimed
    body = delivery_body(d.payload)
    t = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Jiandu-Event": d.event,
        "X-Jiandu-Event-Id": str(d.event_id),
        "X-Jiandu-Delivery": str(d.pk),
        "X-Jiandu-Signature": signature(secret, body, t),
    }
    started = time.monotonic()
    status: int | None
    try:
        status, answer = _post(d.endpoint.url, body, headers)
        if 200 <= status < 300:
            error = ""
        elif 300 <= status < 400:
            error = gettext("HTTP {status}（不跟随重定向）").format(status=status)
        else:
            error = f"HTTP {status}"
    except (OSError, http.client.HTTPException) as exc:  # refused, timed out, TLS, malformed answer
        status, answer, error = None, b"", f"{type(exc).__name__}: {exc}"[:500]
    elapsed_ms = int((time.monotonic() - started) * 1000)
    finished = timezone.now()
    with transaction.atomic():
        d = WebhookDelivery.objects.select_for_update().get(pk=d.pk)
        d.response_status = status
        d.response_body = answer.decode("utf-8", "replace")[:MAX_KEPT]
        d.error = error
        d.history = [
            *d.history,
            {"at": finished.isoformat(), "status": status, "error": error, "ms": elapsed_ms},
        ][-MAX_HISTORY:]
        if not error:
            d.state, d.next_attempt_at = DeliveryState.DELIVERED, None
        elif d.attempts >= max_attempts():
            d.state, d.next_attempt_at = DeliveryState.FAILED, None
        else:
            d.next_attempt_at = finished + backoff(d.attempts)
        d.save(
            update_fields=[
                "response_status",
                "response_body",
                "error",
                "history",
                "state",
                "next_attempt_at",
            ]
        )
    if error:
        logger.info("webhook delivery %s attempt %s failed: %s", d.pk, d.attempts, error)
    return d.state


def deliveries_due(*, now: dt.datetime | None = None, limit: int = DUE_BATCH) -> dict[str, int]:
    """The recurring pass: every pending delivery whose time has come (a retry after backoff, or one
    whose task was lost), oldest first. Returns counts by resulting state."""
    now = now or timezone.now()
    ids = list(
        WebhookDelivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    counts: dict[str, int] = {}
    for pk in ids:
        state = delivery_attempt(pk)
        if state is not None:
            counts[state] = counts.get(state, 0) + 1
    return counts
