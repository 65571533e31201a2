"""Account policies that apply to every signed-in request (等保 level 3, GB/T 22239-2019 8.1.4.1):

1. Second factor: an account in SECOND_FACTOR_ROLES that has not passed TOTP in this session reaches
   only the TOTP pages, sign-out and public pages (enrolment first if it has no device yet).
2. Password expiry: an expired (or temporary) password reaches only the change-password page.
3. 三权分立: the auditor only reads — any write request by the auditor is refused (403, audited).
4. Every 403 response is in the audit trail: refusals from require_capability/deny are audited
   where they happen; anything else (a view raising PermissionDenied, a CSRF failure) here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext
from django_htmx.http import HttpResponseClientRedirect

from jiandu.accounts.otp import confirmed_device
from jiandu.accounts.roles import Role
from jiandu.audit.models import AuditEvent, Outcome
from jiandu.audit.services import audit_record
from jiandu.core.permissions import DENIAL_AUDITED_ATTR, permission_denied

OTP_PAGES = frozenset({"accounts:otp_verify", "accounts:otp_enrol", "accounts:logout", "set_language"})
PASSWORD_PAGES = OTP_PAGES | {"accounts:password_change"}
# Roles that may read but never write (the auditor: 三权分立, "the auditor only reads it").
READ_ONLY_ROLES = frozenset({Role.AUDITOR})
READ_ONLY_WRITES_ALLOWED = PASSWORD_PAGES
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _is_public(view_func: Any) -> bool:
    return not getattr(view_func, "login_required", True)


class AccountPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            self._audit_denial(request)
        return response

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user: Any = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        is_api = bool(match and "api" in match.namespaces)

        if user.needs_second_factor and not user.is_verified():
            if name in OTP_PAGES or _is_public(view_func):
                return None
            if is_api:
                return JsonResponse({"detail": gettext("需要先完成动态口令验证")}, status=401)
            target = "accounts:otp_verify" if confirmed_device(user) else "accounts:otp_enrol"
            return self._redirect(request, target)

        if user.password_expired:
            if name in PASSWORD_PAGES or _is_public(view_func):
                return None
            if is_api:
                return JsonResponse({"detail": gettext("密码已过期，请先修改密码")}, status=401)
            return self._redirect(request, "accounts:password_change")

        if (
            user.role in READ_ONLY_ROLES
            and request.method not in SAFE_METHODS
            and name not in READ_ONLY_WRITES_ALLOWED
        ):
            raise permission_denied(
                request,
                action=name or request.path,
                reason=gettext("审计管理员只能查阅，不能修改（三权分立）"),
            )
        return None

    @staticmethod
    def _redirect(request: HttpRequest, target: str) -> HttpResponse:
        url = reverse(target)
        if request.method in SAFE_METHODS:
            url += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)

    @staticmethod
    def _audit_denial(request: HttpRequest) -> None:
        pk = getattr(request, DENIAL_AUDITED_ATTR, None)
        if pk is not None and AuditEvent.objects.filter(pk=pk).exists():
            return
        audit_record(
            actor=getattr(request, "user", None),
            action="permission.denied",
            target_type="url",
            target_id=request.path[:64],
            target_repr=request.path[:255],
            after={"reason": "HTTP 403", "method": request.method, "path": request.path[:255]},
            outcome=Outcome.DENIED,
            request=request,
        )
