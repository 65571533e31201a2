"""The request being served, so an audit event can record who, from where, without every service
having to thread the request through."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

current_request: ContextVar[Any | None] = ContextVar("jiandu_current_request", default=None)


def client_ip(request: Any) -> str | None:
    if request is None:
        return None
    # Behind the production reverse proxy the proxy sets REMOTE_ADDR via gunicorn's forwarded-allow-ips.
    return request.META.get("REMOTE_ADDR") or None
