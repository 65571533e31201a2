"""Rate limits (issue 11 #7) with django-ratelimit: per address on sign-in, on every public form and on
the certificate check, and per account on sign-in — in a way a stranger cannot turn against an
administrator. Answers are HTTP 429 with a Chinese page (`ratelimited` below, RATELIMIT_VIEW).

Why django-ratelimit: small, maintained by the Django community for a decade, counts in Django's cache
(a shared cache in production: RATELIMIT_USE_CACHE), no middleware magic beyond turning its
`Ratelimited` exception into our 429 page, and `is_ratelimited` lets a view decide per request —
which the per-account rule below needs.

Sign-in, three layers:
1. per address: RATE_LOGIN_IP sign-in POSTs a minute from one address (bureau staff share one NAT
   address, so this is generous);
2. per account: RATE_LOGIN_ACCOUNT attempts an hour on one username from all addresses together —
   but only from addresses that have not signed in to that account successfully in the last 30 days
   (read from the audit trail), so a stranger exhausting the budget does not lock out the
   administrator at the usual desk;
3. django-axes locks out after 5 failures per (username, address) pair, not per username: a stranger's
   failures lock the stranger's address only. Privileged roles also need TOTP, so a guessed password
   alone does not get in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django_ratelimit.core import is_ratelimited


def _rate(name: str, default: str) -> str:
    return str(getattr(settings, name, default))


def ratelimited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """RATELIMIT_VIEW: the Chinese 429 page."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "60"
    return response


def limit_by_address(
    group: str, rate_setting: str, default: str, *, methods: tuple[str, ...] = ("POST",)
) -> Any:
    """Decorator: at most `rate` requests (of `methods`) per client address for this group."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods and is_ratelimited(
                request,
                group=group,
                key="ip",
                rate=_rate(rate_setting, default),
                method=list(methods),
                increment=True,
            ):
                return ratelimited(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _known_address(username: str, ip: str | None) -> bool:
    """Whether this address signed in to this account in the last 30 days (the audit trail says)."""
    if not username or not ip:
        return False
    from jiandu.audit.models import AuditEvent, Outcome

    since = timezone.now() - dt.timedelta(days=30)
    return AuditEvent.objects.filter(
        action="auth.login", actor_name=username, ip=ip, outcome=Outcome.SUCCESS, occurred_at__gte=since
    ).exists()


def login_limited(request: HttpRequest) -> bool:
    """Apply layers 1 and 2 to a sign-in POST; True when it must be answered with 429."""
    if request.method != "POST":
        return False
    if is_ratelimited(
        request,
        group="login-ip",
        key="ip",
        rate=_rate("JIANDU_RATE_LOGIN_IP", "30/m"),
        method="POST",
        increment=True,
    ):
        return True
    username = (request.POST.get("username") or "").strip()[:150]
    if not username:
        return False
    over = is_ratelimited(
        request,
        group="login-account",
        key=lambda _group, _request: username.lower(),
        rate=_rate("JIANDU_RATE_LOGIN_ACCOUNT", "20/h"),
        method="POST",
        increment=True,
    )
    if not over:
        return False
    from jiandu.core.request_context import client_ip

    return not _known_address(username, client_ip(request))


def limit_exceeded(request: HttpRequest, *, group: str, key: str, rate_setting: str, default: str) -> bool:
    """Count one request against `key` in `group` (e.g. one API token) and say whether it is over the
    rate in settings[rate_setting] (issue 16: a rate per token, whatever the address)."""
    return bool(
        is_ratelimited(
            request,
            group=group,
            key=lambda _group, _request: key,
            rate=_rate(rate_setting, default),
            increment=True,
        )
    )
