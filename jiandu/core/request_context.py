"""The request being served, so an audit event can record who, from where, without every service
having to thread the request through; and reads one page repeats, remembered for that request only."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

current_request: ContextVar[Any | None] = ContextVar("jiandu_current_request", default=None)


def client_ip(request: Any) -> str | None:
    if request is None:
        return None
    # Behind the production reverse proxy the proxy sets REMOTE_ADDR via gunicorn's forwarded-allow-ips.
    return request.META.get("REMOTE_ADDR") or None


_MEMO_ATTR = "_jiandu_memo"
_MEMO_METHODS = frozenset({"GET", "HEAD"})


def request_memo(key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """`compute()`, remembered for the rest of the request being served, under `key`.

    For reads that several selectors of one page repeat (the ids of the user's organisation subtree:
    the home page's work queue asked for them once per entry). Only a GET or HEAD request remembers: a
    write request may change what it read (a new organisation under the user's), and outside a request
    (a service, a task, a test calling a selector) nothing is remembered, so nothing is ever stale."""
    request = current_request.get()
    if request is None or request.method not in _MEMO_METHODS:
        return compute()
    memo: dict[tuple[Any, ...], Any] | None = getattr(request, _MEMO_ATTR, None)
    if memo is None:
        memo = {}
        setattr(request, _MEMO_ATTR, memo)
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[no-any-return]
