from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import django_otp
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiandu.accounts import services
from jiandu.accounts.forms import (
    AccountFilterForm,
    AccountForm,
    OtpTokenForm,
    PasswordChangeForm,
    PasswordResetForm,
)
from jiandu.accounts.otp import confirmed_device, qr_svg, secret_text
from jiandu.accounts.roles import Capability
from jiandu.accounts.selectors import accounts_filter, accounts_visible_to
from jiandu.audit.models import Outcome
from jiandu.audit.services import audit_record
from jiandu.core.permissions import require_capability
from jiandu.core.ratelimits import login_limited, ratelimited
from jiandu.orgs.selectors import organisations_visible_to


def _next_url(request: HttpRequest, default: str = "core:dashboard") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def _apply_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Per address and per account (jiandu.core.ratelimits), before the password is checked.
        if login_limited(request):
            return ratelimited(request)
        return super().post(request, *args, **kwargs)

    def get_success_url(self) -> str:
        url = super().get_success_url()
        user: Any = self.request.user
        if user.needs_second_factor:
            target = "accounts:otp_verify" if confirmed_device(user) else "accounts:otp_enrol"
            return f"{reverse(target)}?{urlencode({'next': url})}"
        return url


def _second_factor_done(request: HttpRequest, device: TOTPDevice) -> HttpResponse:
    django_otp.login(request, device)
    # A new session id once the account is fully signed in (session fixation).
    request.session.cycle_key()
    return redirect(_next_url(request))


def otp_verify(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.needs_second_factor or user.is_verified():
        return redirect(_next_url(request))
    device = confirmed_device(user)
    if device is None:
        return redirect(f"{reverse('accounts:otp_enrol')}?{urlencode({'next': _next_url(request)})}")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        verified = django_otp.verify_token(user, device.persistent_id, form.cleaned_data["otp_token"])
        if verified is not None:
            audit_record(actor=user, action="auth.otp", target=user)
            return _second_factor_done(request, verified)
        audit_record(
            actor=user,
            action="auth.otp",
            target=user,
            after={"reason": "throttled" if not allowed else "bad_token"},
            outcome=Outcome.FAILURE,
        )
        form.add_error(
            "otp_token",
            gettext("尝试过于频繁，请稍候再试")
            if not allowed
            else gettext("动态口令不正确或已用过，请输入验证器上的新口令"),
        )
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


def otp_enrol(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.needs_second_factor or user.is_verified():
        return redirect(_next_url(request))
    if confirmed_device(user) is not None:
        return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': _next_url(request)})}")
    device = services.totp_enrol_start(user=user)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = services.totp_enrol_confirm(user=user, token=form.cleaned_data["otp_token"])
        if confirmed is not None:
            messages.success(request, gettext("动态口令已绑定。今后登录时请输入验证器上的口令。"))
            return _second_factor_done(request, confirmed)
        form.add_error("otp_token", gettext("动态口令不正确，请核对手机时间后输入验证器上的新口令"))
    return render(
        request,
        "accounts/otp_enrol.html",
        {"form": form, "qr_svg": qr_svg(device), "secret": secret_text(device), "next": _next_url(request)},
    )


def password_change(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, gettext("密码已修改。"))
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "expired": user.password_expired,
            "max_age_days": settings.JIANDU_PASSWORD_MAX_AGE_DAYS,
            "next": _next_url(request),
        },
    )


# --- account management (security admin) --------------------------------------------------------


def _locked_usernames(usernames: list[str]) -> set[str]:
    return set(
        AccessAttempt.objects.filter(
            username__in=usernames, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).values_list("username", flat=True)
    )


@require_capability(Capability.MANAGE_ACCOUNTS)
def manage(request: HttpRequest) -> HttpResponse:
    filters = AccountFilterForm(request.GET or None)
    accounts = accounts_visible_to(request.user).select_related("organisation")
    if filters.is_valid():
        accounts = accounts_filter(accounts, q=filters.cleaned_data["q"], role=filters.cleaned_data["role"])
    page = Paginator(accounts, 50).get_page(request.GET.get("page"))
    usernames = [u.username for u in page]
    enrolled = set(
        TOTPDevice.objects.filter(user__in=page.object_list, confirmed=True).values_list("user_id", flat=True)
    )
    rows = [
        {"user": u, "locked": u.username in locked, "totp": u.pk in enrolled}
        for locked in [_locked_usernames(usernames)]
        for u in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/manage.html",
        {"filters": filters, "page": page, "rows": rows, "query": query.urlencode()},
    )


@require_capability(Capability.MANAGE_ACCOUNTS)
def account_create(request: HttpRequest) -> HttpResponse:
    form = AccountForm(request.POST or None, organisations=organisations_visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user,
                username=data["username"],
                password=data["password"],
                role=data["role"],
                organisation=data["organisation"],
                full_name=data["full_name"],
                email=data["email"],
                must_change_password=True,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, gettext("已创建账号 {username}，首次登录须修改密码。").format(username=user.username)
            )
            return redirect("accounts:account", pk=user.pk)
    return render(request, "accounts/account_form.html", {"form": form, "creating": True})


@require_capability(Capability.MANAGE_ACCOUNTS)
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(accounts_visible_to(request.user).select_related("organisation"), pk=pk)
    initial = {
        "username": account.username,
        "full_name": account.full_name,
        "email": account.email,
        "role": account.role,
        "organisation": account.organisation_id,
    }
    form = AccountForm(
        request.POST or None,
        initial=initial,
        organisations=organisations_visible_to(request.user),
        editing=account,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                actor=request.user,
                user=account,
                role=data["role"],
                organisation=data["organisation"],
                full_name=data["full_name"],
                email=data["email"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, gettext("账号信息已保存。"))
            return redirect("accounts:account", pk=account.pk)
    return render(
        request,
        "accounts/account_detail.html",
        {
            "account": account,
            "form": form,
            "reset_form": PasswordResetForm(),
            "locked": bool(_locked_usernames([account.username])),
            "totp": confirmed_device(account) is not None,
            "is_self": account.pk == request.user.pk,
        },
    )


@require_POST
@require_capability(Capability.MANAGE_ACCOUNTS)
def account_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    account = get_object_or_404(accounts_visible_to(request.user), pk=pk)
    actor = request.user
    if action == "deactivate":
        services.user_set_active(actor=actor, user=account, active=False)
        messages.success(request, gettext("账号已停用。"))
    elif action == "reactivate":
        services.user_set_active(actor=actor, user=account, active=True)
        messages.success(request, gettext("账号已启用。"))
    elif action == "unlock":
        services.user_unlock(actor=actor, user=account)
        messages.success(request, gettext("账号已解锁。"))
    elif action == "totp-reset":
        services.user_totp_reset(actor=actor, user=account)
        messages.success(request, gettext("动态口令已重置，该账号下次登录时重新绑定。"))
    elif action == "password-reset":
        form = PasswordResetForm(request.POST)
        if form.is_valid():
            try:
                services.user_password_reset(
                    actor=actor, user=account, password=form.cleaned_data["password"]
                )
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, gettext("临时密码已设置，该账号下次登录时必须修改密码。"))
        else:
            messages.error(request, gettext("请输入临时密码。"))
    else:
        return HttpResponse(status=404)
    return redirect("accounts:account", pk=account.pk)
