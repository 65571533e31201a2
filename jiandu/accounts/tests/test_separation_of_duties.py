"""三权分立 (GB/T 22239-2019 8.1.4.2; issue #2 §5): the auditor only reads the audit trail, the security
admin manages accounts and roles, the system admin configures — none holds another's powers."""

from __future__ import annotations

import itertools

import pytest

from jiandu.accounts.models import User
from jiandu.accounts.roles import ROLE_CAPABILITIES, SEPARATED_ROLES, Capability, Role
from jiandu.accounts.services import user_update
from jiandu.accounts.testing import client_sign_in
from jiandu.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

SEPARATED_CAPABILITIES = {
    Role.AUDITOR: Capability.VIEW_AUDIT,
    Role.SECURITY_ADMIN: Capability.MANAGE_ACCOUNTS,
    Role.SYSTEM_ADMIN: Capability.CONFIGURE_SYSTEM,
}


def test_the_three_separated_capabilities_belong_to_one_role_each() -> None:
    for role, capability in SEPARATED_CAPABILITIES.items():
        holders = {r for r, caps in ROLE_CAPABILITIES.items() if capability in caps}
        assert holders == {role}, capability
    for a, b in itertools.combinations(SEPARATED_ROLES, 2):
        assert not (ROLE_CAPABILITIES[a] & ROLE_CAPABILITIES[b])


def _denied(client, user, method: str, url: str, data=None) -> None:  # type: ignore[no-untyped-def]
    before = AuditEvent.objects.filter(action="permission.denied").count()
    client_sign_in(client, user)
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    assert response.status_code == 403, (user.username, method, url)
    denial = AuditEvent.objects.filter(action="permission.denied").latest("seq")
    assert AuditEvent.objects.filter(action="permission.denied").count() == before + 1
    assert denial.actor_id == user.pk and denial.outcome == "denied"


def test_system_admin_cannot_read_the_audit_trail(client, world) -> None:  # type: ignore[no-untyped-def]
    _denied(client, world.users["sysadmin"], "get", "/audit/")
    _denied(client, world.users["sysadmin"], "get", "/audit/1/")
    _denied(client, world.users["sysadmin"], "get", "/accounts/manage/")


def test_security_admin_cannot_read_the_audit_trail(client, world) -> None:  # type: ignore[no-untyped-def]
    _denied(client, world.users["security"], "get", "/audit/")
    _denied(client, world.users["security"], "get", "/system/")


def test_auditor_cannot_manage_accounts_nor_write_anything(client, world) -> None:  # type: ignore[no-untyped-def]
    auditor = world.users["auditor"]
    _denied(client, auditor, "get", "/accounts/manage/")
    _denied(client, auditor, "post", "/accounts/manage/new/", {"username": "x"})
    target = world.users["huancui_staff"]
    _denied(client, auditor, "post", f"/accounts/manage/{target.pk}/deactivate/")
    # Any write at all, even to a page that would otherwise accept it, is refused for the auditor.
    _denied(client, auditor, "post", "/audit/")
    _denied(client, auditor, "post", "/dashboard/")
    assert User.objects.get(pk=target.pk).is_active
    # ... while reading and signing out still work.
    assert client.get("/audit/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302


def test_security_admin_cannot_change_its_own_account(client, world) -> None:  # type: ignore[no-untyped-def]
    security = world.users["security"]
    client_sign_in(client, security)
    response = client.post(
        f"/accounts/manage/{security.pk}/",
        {"role": Role.AUDITOR, "organisation": security.organisation_id, "full_name": "x"},
    )
    assert response.status_code == 403
    assert client.post(f"/accounts/manage/{security.pk}/deactivate/").status_code == 403
    assert client.post(f"/accounts/manage/{security.pk}/totp-reset/").status_code == 403
    security.refresh_from_db()
    assert security.role == Role.SECURITY_ADMIN and security.is_active


def test_a_role_change_replaces_the_role(world) -> None:  # type: ignore[no-untyped-def]
    """One account holds one role: giving an account the auditor role takes its old role away."""
    user = world.users["huancui_staff"]
    user_update(
        actor=world.users["security"],
        user=user,
        role=Role.AUDITOR,
        organisation=user.organisation,
        full_name=user.full_name,
    )
    user.refresh_from_db()
    assert user.role == Role.AUDITOR
    assert not user.can(Capability.ASSIST_PROGRAMMES) and user.can(Capability.VIEW_AUDIT)
    assert not user.groups.exists() and not user.user_permissions.exists() and not user.is_superuser
    event = AuditEvent.objects.get(action="account.update")
    assert event.before is not None and event.after is not None
    assert (event.before["role"], event.after["role"]) == (Role.REGIONAL_STAFF, Role.AUDITOR)


def test_only_the_security_admin_may_call_account_services(world) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import PermissionDenied

    for username in ("sysadmin", "auditor", "weihai_admin"):
        with pytest.raises(PermissionDenied):
            user_update(
                actor=world.users[username],
                user=world.users["huancui_staff"],
                role=Role.SECURITY_ADMIN,
                organisation=world.orgs["platform"],
                full_name="",
            )
    assert world.users["huancui_staff"].role == Role.REGIONAL_STAFF
    assert AuditEvent.objects.filter(action="permission.denied").count() == 3
