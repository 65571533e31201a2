from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from jiandu.core.request_context import current_request


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


SESSION_REFRESHED_KEY = "_jiandu_refreshed"


class IdleSessionMiddleware:
    """The idle timeout's sliding expiry, written at most once per JIANDU_SESSION_REFRESH_SECONDS.

    Django's SESSION_SAVE_EVERY_REQUEST wrote the session row (an UPDATE and a commit) on every page
    view to move its expiry 30 minutes on. Here a session is saved, and so its expiry moved, only when
    its last refresh is older than the interval (or it changed anyway): an idle session still ends at
    most SESSION_COOKIE_AGE after the last request, and at least SESSION_COOKIE_AGE minus the interval
    after it. Sits inside SessionMiddleware, which does the saving."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.modified or session.is_empty():
            return response
        last = session.get(SESSION_REFRESHED_KEY)
        if not isinstance(last, int) or now_seconds() - last >= settings.JIANDU_SESSION_REFRESH_SECONDS:
            session_mark_refreshed(session)  # modified: SessionMiddleware saves, the expiry moves on
        return response


def now_seconds() -> int:
    from django.utils import timezone

    return int(timezone.now().timestamp())


def session_mark_refreshed(session: Any) -> None:
    """Record that `session`'s expiry moves on now (it is being saved: a page view, or the sign-in)."""
    session[SESSION_REFRESHED_KEY] = now_seconds()


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy (issue 11 #7), when JIANDU_CSP is set (production
    settings set it). The policy allows no inline script at all: behaviour lives in static files
    (jiandu/behaviours.js), never in on*= attributes or javascript: links — test_csp.py keeps every
    template so. Inline styles stay allowed (htmx's indicator style, a few style= attributes)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        response = self.get_response(request)
        policy = getattr(settings, "JIANDU_CSP", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        permissions = getattr(settings, "JIANDU_PERMISSIONS_POLICY", "")
        if permissions and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions
        return response
