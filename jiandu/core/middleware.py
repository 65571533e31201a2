from __future__ import annotations

from collections.abc import Callable

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
