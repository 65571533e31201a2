"""Account management by the security admin (issue #2 §5): every action audited, scoped to its subtree."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiandu.accounts.models import User
from jiandu.accounts.roles import Role
from jiandu.accounts.services import user_create
from jiandu.accounts.testing import client_sign_in, totp_now
from jiandu.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Linshi-Mima-88"


@pytest.fixture
def security_client(client, world):  # type: ignore[no-untyped-def]
    client_sign_in(client, world.users["security"])
    return client


def test_list_filters_and_shows_status(security_client, world) -> None:  # type: ignore[no-untyped-def]
    page = security_client.get("/accounts/manage/").content.decode()
    assert "huancui_staff" in page and "weihai_admin" in page
    filtered = security_client.get("/accounts/manage/", {"role": Role.AUDITOR}).content.decode()
    assert "auditor" in filtered and "huancui_staff" not in filtered
    assert "huancui_staff" in security_client.get("/accounts/manage/", {"q": "周强"}).content.decode()


def test_create_account_must_change_password_at_first_sign_in(security_client, world, client) -> None:  # type: ignore[no-untyped-def]
    response = security_client.post(
        "/accounts/manage/new/",
        {
            "username": "rongcheng_staff",
            "full_name": "孙丽",
            "role": Role.REGIONAL_STAFF,
            "organisation": world.orgs["rongcheng_justice"].pk,
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="rongcheng_staff")
    assert user.role == Role.REGIONAL_STAFF and user.password_changed_at is None
    event = AuditEvent.objects.get(action="account.create", target_id=str(user.pk))
    assert event.actor_id == world.users["security"].pk
    assert NEW_PASSWORD not in str(event.after)
    # The new account signs in and is sent straight to the password page.
    security_client.post("/accounts/logout/")
    security_client.post("/accounts/login/", {"username": "rongcheng_staff", "password": NEW_PASSWORD})
    assert security_client.get("/dashboard/")["Location"].startswith("/accounts/password/")


def test_create_refuses_weak_password_and_duplicate_username(security_client, world) -> None:  # type: ignore[no-untyped-def]
    data = {
        "username": "huancui_staff",
        "role": Role.REGIONAL_STAFF,
        "organisation": world.orgs["huancui_justice"].pk,
        "password": "12345678",
    }
    page = security_client.post("/accounts/manage/new/", data).content.decode()
    assert "该用户名已被使用" in page
    data["username"] = "brand_new"
    page = security_client.post("/accounts/manage/new/", data).content.decode()
    assert "errorlist" in page
    assert not User.objects.filter(username="brand_new").exists()


def test_change_role_deactivate_reactivate(security_client, world) -> None:  # type: ignore[no-untyped-def]
    user = world.users["huancui_staff"]
    response = security_client.post(
        f"/accounts/manage/{user.pk}/",
        {
            "role": Role.AGENCY_STAFF,
            "organisation": world.orgs["huancui_procuratorate"].pk,
            "full_name": "周强",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.role == Role.AGENCY_STAFF and user.organisation == world.orgs["huancui_procuratorate"]
    security_client.post(f"/accounts/manage/{user.pk}/deactivate/")
    user.refresh_from_db()
    assert not user.is_active
    security_client.post(f"/accounts/manage/{user.pk}/reactivate/")
    user.refresh_from_db()
    assert user.is_active
    actions = list(
        AuditEvent.objects.filter(target_id=str(user.pk), target_type="accounts.user").values_list(
            "action", flat=True
        )
    )
    assert {"account.update", "account.deactivate", "account.reactivate"} <= set(actions)


def test_deactivated_account_cannot_sign_in(client, world, password) -> None:  # type: ignore[no-untyped-def]
    from jiandu.accounts.services import user_set_active

    user_set_active(actor=world.users["security"], user=world.users["huancui_staff"], active=False)
    response = client.post("/accounts/login/", {"username": "huancui_staff", "password": password})
    assert response.status_code == 200


def test_unlock_after_lockout(security_client, client, world, password) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    other = Client()
    for _ in range(5):
        other.post("/accounts/login/", {"username": "huancui_staff", "password": "Wrong-Guess-1"})
    assert (
        other.post("/accounts/login/", {"username": "huancui_staff", "password": password}).status_code == 429
    )
    user = world.users["huancui_staff"]
    assert "已锁定" in security_client.get(f"/accounts/manage/{user.pk}/").content.decode()
    security_client.post(f"/accounts/manage/{user.pk}/unlock/")
    assert AuditEvent.objects.filter(action="account.unlock", target_id=str(user.pk)).exists()
    assert (
        other.post("/accounts/login/", {"username": "huancui_staff", "password": password}).status_code == 302
    )


def test_reset_totp_makes_the_account_enrol_again(security_client, world, password) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    auditor = world.users["auditor"]
    totp_now(auditor)  # has a device
    security_client.post(f"/accounts/manage/{auditor.pk}/totp-reset/")
    assert not TOTPDevice.objects.filter(user=auditor).exists()
    assert AuditEvent.objects.filter(action="account.totp_reset", target_id=str(auditor.pk)).exists()
    fresh = Client()
    response = fresh.post("/accounts/login/", {"username": "auditor", "password": password})
    assert response["Location"].startswith("/accounts/otp/enrol/")


def test_password_reset_sets_a_temporary_password(security_client, world) -> None:  # type: ignore[no-untyped-def]
    user = world.users["huancui_staff"]
    security_client.post(f"/accounts/manage/{user.pk}/password-reset/", {"password": NEW_PASSWORD})
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and user.password_expired
    event = AuditEvent.objects.get(action="account.password_reset")
    assert NEW_PASSWORD not in str(event.after)


def test_security_admin_below_the_root_manages_only_its_subtree(client, world) -> None:  # type: ignore[no-untyped-def]
    local = user_create(
        actor=None,
        username="weihai_security",
        password="Anquan-Guanli-1",
        role=Role.SECURITY_ADMIN,
        organisation=world.orgs["weihai_justice"],
    )
    client_sign_in(client, local)
    page = client.get("/accounts/manage/").content.decode()
    assert "huancui_staff" in page and "wanzhou_admin" not in page
    outsider = world.users["wanzhou_admin"]
    assert client.get(f"/accounts/manage/{outsider.pk}/").status_code == 404
    assert client.post(f"/accounts/manage/{outsider.pk}/deactivate/").status_code == 404
    outsider.refresh_from_db()
    assert outsider.is_active
    # Nor can it place an account outside its subtree.
    response = client.post(
        "/accounts/manage/new/",
        {
            "username": "sneaky",
            "role": Role.REGIONAL_STAFF,
            "organisation": world.orgs["wanzhou_justice"].pk,
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200 and not User.objects.filter(username="sneaky").exists()


def test_password_history_refuses_the_last_five(world, password) -> None:  # type: ignore[no-untyped-def]
    """Issue 11 #7 (等保 level 3): there was no password history; A→B→A was accepted."""
    import itertools

    import pytest
    from django.core.exceptions import ValidationError

    from jiandu.accounts.services import password_change

    user = world.users["huancui_staff"]
    chain = [password, "Jiandu-Second-1", "Jiandu-Third-22", "Jiandu-Fourth-333"]
    for old, new in itertools.pairwise(chain):
        password_change(user=user, old_password=old, new_password=new)
    for earlier in chain[:-1]:
        with pytest.raises(ValidationError, match="最近 5 次"):
            password_change(user=user, old_password=chain[-1], new_password=earlier)
    password_change(user=user, old_password=chain[-1], new_password="Jiandu-Fifth-4444")
