"""Writes to accounts. Each is one transaction with one audit event.

Account management belongs to the security admin alone (Capability.MANAGE_ACCOUNTS; 三权分立,
GB/T 22239-2019 8.1.4.2): the services check the capability themselves, so no other entry point
(a future API, a script) can skip it. One account holds one role — the `role` column is a single
value, so "a second role" cannot be stored at all — and a security admin cannot change, disable or
reset its own account here, so it cannot grant itself the auditor's or system admin's powers nor
hide its own traces. Passwords are never written to the audit trail. The permission check comes before the transaction:
a refusal's audit event must not roll back with the refused change.
"""

from __future__ import annotations

from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiandu.accounts.models import User
from jiandu.accounts.otp import DEVICE_NAME, confirmed_device, pending_device
from jiandu.accounts.passwords import password_history_keep
from jiandu.accounts.roles import Capability, Role
from jiandu.audit.models import Outcome
from jiandu.audit.services import audit_record
from jiandu.core.permissions import capability_require, deny


def _snapshot(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "role": user.role,
        "organisation_id": user.organisation_id,
        "full_name": user.full_name,
        "is_active": user.is_active,
    }


def _require_manager(actor: Any, user: User | None, *, action: str) -> None:
    """The actor must be a security admin, and the account must lie within the actor's subtree."""
    if actor is None:
        return  # system set-up (migrations, `jiandu demo`, management commands)
    capability_require(actor, Capability.MANAGE_ACCOUNTS, action=action, target=user)
    if user is None:
        return
    if user.pk == actor.pk:
        raise deny(
            actor, action=action, reason=gettext("安全管理员不能在此修改自己的账号（三权分立）"), target=user
        )
    scope = actor.organisation
    if scope is not None and (user.organisation is None or not user.organisation.is_within(scope)):
        raise deny(actor, action=action, reason=gettext("账号不在本单位管辖范围内"), target=user)


def _check_role_and_org(actor: Any, role: str, organisation: Any) -> None:
    if role not in Role.values:
        raise ValidationError({"role": gettext("未知角色：{role}").format(role=role)})
    if organisation is None:
        raise ValidationError({"organisation": gettext("请选择所属单位")})
    scope = getattr(actor, "organisation", None)
    if actor is not None and scope is not None and not organisation.is_within(scope):
        raise ValidationError({"organisation": gettext("只能把账号设在本单位及下级单位")})


def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    role: str,
    organisation: Any,
    full_name: str = "",
    email: str = "",
    must_change_password: bool = False,
) -> User:
    """A new account. Made by the security admin, its initial password must be changed at first sign-in."""
    _require_manager(actor, None, action="account.create")
    _check_role_and_org(actor, role, organisation)
    user = User(username=username, role=role, organisation=organisation, full_name=full_name, email=email)
    validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = None if must_change_password else timezone.now()
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save()
        audit_record(
            actor=actor,
            action="account.create",
            target=user,
            after={**_snapshot(user), "must_change_password": must_change_password},
        )
    return user


def user_update(
    *, actor: Any, user: User, role: str, organisation: Any, full_name: str, email: str = ""
) -> User:
    """Change an account's role (replacing it: one account, one role), organisation or name."""
    _require_manager(actor, user, action="account.update")
    _check_role_and_org(actor, role, organisation)
    before = _snapshot(user)
    user.role, user.organisation, user.full_name, user.email = role, organisation, full_name, email
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save(update_fields=["role", "organisation", "full_name", "email"])
        audit_record(actor=actor, action="account.update", target=user, before=before, after=_snapshot(user))
    return user


def user_set_active(*, actor: Any, user: User, active: bool) -> User:
    action = "account.reactivate" if active else "account.deactivate"
    _require_manager(actor, user, action=action)
    before = _snapshot(user)
    user.is_active = active
    with transaction.atomic():
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, action=action, target=user, before=before, after=_snapshot(user))
    return user


def user_password_reset(*, actor: Any, user: User, password: str) -> User:
    """Set a temporary password; the account must choose its own at next sign-in."""
    _require_manager(actor, user, action="account.password_reset")
    validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = None  # forces a change at next sign-in (AccountPolicyMiddleware)
    with transaction.atomic():
        password_history_keep(user, remember=settings.JIANDU_PASSWORD_HISTORY)
        user.save(update_fields=["password", "password_changed_at"])
        audit_record(actor=actor, action="account.password_reset", target=user, after={"must_change": True})
    return user


def user_unlock(*, actor: Any, user: User) -> int:
    """Lift a django-axes lockout (too many failed sign-ins) for this username."""
    _require_manager(actor, user, action="account.unlock")
    with transaction.atomic():
        removed = axes_reset(username=user.username)
        audit_record(actor=actor, action="account.unlock", target=user, after={"attempts_cleared": removed})
    return removed


def user_totp_reset(*, actor: Any, user: User) -> int:
    """Remove the account's second-factor devices (lost phone); it enrols again at next sign-in."""
    _require_manager(actor, user, action="account.totp_reset")
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        static, _ = StaticDevice.objects.filter(user=user).delete()
        audit_record(
            actor=actor, action="account.totp_reset", target=user, after={"devices_removed": removed + static}
        )
    return removed + static


# --- the account holder's own actions ------------------------------------------------------------


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> User:
    if not user.check_password(old_password):
        raise ValidationError({"old_password": gettext("原密码不正确")})
    if old_password == new_password:
        raise ValidationError({"new_password1": gettext("新密码不能与原密码相同")})
    validate_password(new_password, user)
    forced = user.password_expired
    password_history_keep(user, remember=settings.JIANDU_PASSWORD_HISTORY)
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    audit_record(actor=user, action="account.password_change", target=user, after={"was_expired": forced})
    return user


@transaction.atomic
def totp_enrol_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device whose secret the enrolment page shows (made once, then reused)."""
    device = pending_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
        audit_record(
            actor=user, action="account.totp_enrol_start", target=user, after={"device_id": device.pk}
        )
    return device


@transaction.atomic
def totp_enrol_confirm(*, user: User, token: str) -> TOTPDevice | None:
    """Confirm the pending device with the code it shows; None (and an audited failure) if wrong."""
    if confirmed_device(user) is not None:
        raise ValidationError(gettext("该账号已绑定动态口令，如需更换请联系安全管理员"))
    device = pending_device(user)
    if device is None or not device.verify_token(token):
        audit_record(actor=user, action="auth.totp_enrol", target=user, outcome=Outcome.FAILURE)
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    audit_record(actor=user, action="auth.totp_enrol", target=user, after={"device_id": device.pk})
    return device
