"""Sign-in (issue #2 §6): password, lockout, second factor, idle timeout, password expiry — and the
audit events each leaves (§7)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiandu.accounts.models import User
from jiandu.accounts.testing import client_sign_in, totp_now
from jiandu.audit.chain import audit_chain_verify
from jiandu.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _post_login(client, username: str, password: str, next_url: str = ""):  # type: ignore[no-untyped-def]
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def test_login_page_is_public_and_keeps_field_names(client, world) -> None:  # type: ignore[no-untyped-def]
    html = client.get(LOGIN).content.decode()
    assert 'name="username"' in html and 'name="password"' in html


def test_regional_staff_signs_in_with_password_only(client, world, password) -> None:  # type: ignore[no-untyped-def]
    response = _post_login(client, "huancui_staff", password)
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert client.get("/dashboard/").status_code == 200
    event = AuditEvent.objects.filter(action="auth.login").latest("seq")
    assert (event.actor_name, event.outcome, event.role) == ("huancui_staff", "success", "regional_staff")
    assert event.organisation_id == world.users["huancui_staff"].organisation_id


def test_failed_sign_in_is_audited_without_the_password(client, world) -> None:  # type: ignore[no-untyped-def]
    response = _post_login(client, "huancui_staff", "Wrong-Guess-4711")
    assert response.status_code == 200
    assert "正确的用户名和密码" in response.content.decode()
    event = AuditEvent.objects.filter(action="auth.login").latest("seq")
    assert (event.actor_name, event.outcome, event.actor_id) == ("huancui_staff", "failure", None)
    dumped = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert "Wrong-Guess-4711" not in dumped


def test_unknown_username_failure_names_the_attempt(client, world) -> None:  # type: ignore[no-untyped-def]
    _post_login(client, "nobody_here", "whatever-123")
    event = AuditEvent.objects.filter(action="auth.login").latest("seq")
    assert event.actor_name == "nobody_here" and event.outcome == "failure"


def test_five_failures_lock_the_username_and_the_sixth_correct_password_is_refused(
    client, world, password
) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        _post_login(client, "huancui_staff", "Wrong-Guess-4711")
    lockouts = AuditEvent.objects.filter(action="auth.lockout")
    assert lockouts.count() == 1 and lockouts.get().actor_name == "huancui_staff"
    response = _post_login(client, "huancui_staff", password)
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    assert client.get("/dashboard/").status_code == 302  # still signed out
    last = AuditEvent.objects.filter(action="auth.login").latest("seq")
    assert last.outcome == "failure" and last.after == {"reason": "locked_out"}
    # Another username from the same address is not locked (lockout is per username).
    assert _post_login(client, "weihai_procurator", password).status_code == 302


def test_lockout_lifts_after_thirty_minutes(client, world, password) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        for _ in range(5):
            _post_login(client, "huancui_staff", "Wrong-Guess-4711")
        assert _post_login(client, "huancui_staff", password).status_code == 429
        traveller.shift(dt.timedelta(minutes=31))
        assert _post_login(client, "huancui_staff", password).status_code == 302


def test_idle_timeout_signs_out_after_thirty_minutes(client, world) -> None:  # type: ignore[no-untyped-def]
    user = world.users["huancui_staff"]
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        client_sign_in(client, user)
        assert client.get("/dashboard/").status_code == 200
        # Activity keeps the session alive (SESSION_SAVE_EVERY_REQUEST) ...
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get("/dashboard/").status_code == 200
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get("/dashboard/").status_code == 200
        # ... 30 idle minutes end it.
        traveller.shift(dt.timedelta(minutes=30, seconds=1))
        response = client.get("/dashboard/")
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@override_settings(JIANDU_SESSION_REFRESH_SECONDS=60)
def test_the_session_is_written_at_most_once_a_minute_and_still_idles_out(client, world) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def writes() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/dashboard/").status_code == 200
        return sum(1 for q in ctx.captured_queries if q["sql"].startswith('UPDATE "django_session"'))

    user = world.users["huancui_staff"]
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        client_sign_in(client, user)
        assert writes() == 0  # a page view within the minute of the sign-in writes nothing
        traveller.shift(dt.timedelta(seconds=5))
        assert writes() == 0
        traveller.shift(dt.timedelta(seconds=61))
        assert writes() == 1  # the expiry moves on: 30 minutes from now
        traveller.shift(dt.timedelta(seconds=30))
        assert writes() == 0  # (not written: the session ends 29.5 minutes from here at the earliest)
        traveller.shift(dt.timedelta(minutes=29, seconds=31))
        response = client.get("/dashboard/")
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# --- second factor -----------------------------------------------------------------------------


def test_privileged_account_must_pass_totp_before_anything_else(client, world, password) -> None:  # type: ignore[no-untyped-def]
    response = _post_login(client, "auditor", password, next_url="/audit/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/?next=")
    # Signed in with a password only: every page but the TOTP page and sign-out is closed.
    for url in ("/audit/", "/dashboard/", "/accounts/password/"):
        blocked = client.get(url)
        assert blocked.status_code == 302 and blocked["Location"].startswith("/accounts/otp/")
    assert client.get("/api/me").status_code == 401
    page = client.get("/accounts/otp/?next=/audit/").content.decode()
    assert 'name="otp_token"' in page

    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, 5, tzinfo=dt.UTC), tick=False) as traveller:
        bad = client.post("/accounts/otp/", {"otp_token": "000000", "next": "/audit/"})
        assert bad.status_code == 200 and "动态口令不正确" in bad.content.decode()
        assert AuditEvent.objects.filter(action="auth.otp", outcome="failure").exists()
        # django-otp throttles: right after a failure even the right code waits (1 s, then 2 s, 4 s …).
        code = totp_now(world.users["auditor"])
        throttled = client.post("/accounts/otp/", {"otp_token": code, "next": "/audit/"})
        assert "尝试过于频繁" in throttled.content.decode()
        traveller.shift(dt.timedelta(seconds=5))
        good = client.post(
            "/accounts/otp/", {"otp_token": totp_now(world.users["auditor"]), "next": "/audit/"}
        )
        assert good.status_code == 302 and good["Location"] == "/audit/"
        assert client.get("/audit/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.otp", outcome="success").exists()


def test_a_totp_code_cannot_be_replayed(client, world, password) -> None:  # type: ignore[no-untyped-def]
    auditor = world.users["auditor"]
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, 5, tzinfo=dt.UTC), tick=False) as traveller:
        code = totp_now(auditor)
        _post_login(client, "auditor", password)
        assert client.post("/accounts/otp/", {"otp_token": code}).status_code == 302
        client.post("/accounts/logout/")
        _post_login(client, "auditor", password)
        assert client.post("/accounts/otp/", {"otp_token": code}).status_code == 200
        traveller.shift(dt.timedelta(seconds=2))  # past the throttle delay, still the same 30 s step
        # The helper knows to give the next step's code, which the device still accepts.
        assert client.post("/accounts/otp/", {"otp_token": totp_now(auditor)}).status_code == 302


def test_first_sign_in_enrols_a_totp_device(client, world, password) -> None:  # type: ignore[no-untyped-def]
    user = world.users["sysadmin"]
    TOTPDevice.objects.filter(user=user).delete()
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, 5, tzinfo=dt.UTC), tick=False) as traveller:
        response = _post_login(client, "sysadmin", password)
        assert response["Location"].startswith("/accounts/otp/enrol/")
        assert client.get("/system/")["Location"].startswith("/accounts/otp/enrol/")
        page = client.get(response["Location"]).content.decode()
        assert "<svg" in page and 'name="otp_token"' in page and 'data-testid="totp-secret"' in page
        pending = TOTPDevice.objects.get(user=user, confirmed=False)
        assert client.post("/accounts/otp/enrol/", {"otp_token": "123456"}).status_code == 200
        assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()

        traveller.shift(dt.timedelta(seconds=2))  # django-otp's throttle after a wrong code
        from django_otp.oath import TOTP

        code = f"{TOTP(pending.bin_key).token():06d}"
        done = client.post("/accounts/otp/enrol/", {"otp_token": code, "next": "/system/"})
        assert done.status_code == 302 and done["Location"] == "/system/"
        assert client.get("/system/").status_code == 200
        assert TOTPDevice.objects.get(user=user).confirmed
        assert AuditEvent.objects.filter(action="auth.totp_enrol", outcome="success", actor=user).exists()
        # Once enrolled, the enrolment page is closed: the next sign-in asks for the code.
        client.post("/accounts/logout/")
        assert _post_login(client, "sysadmin", password)["Location"].startswith("/accounts/otp/?")

    def test_second_factor_session_is_cycled(client, world, password) -> None:  # type: ignore[no-untyped-def]
        _post_login(client, "security", password)
        before = client.session.session_key
        client.post("/accounts/otp/", {"otp_token": totp_now(world.users["security"])})
        assert client.session.session_key != before

    def test_demo_accounts_have_demo_totp_and_the_command_prints_it(world, capsys) -> None:  # type: ignore[no-untyped-def]
        from django.core.management import CommandError, call_command

        from jiandu.accounts import demo

        demo.build(world)  # idempotent: still one device each
        assert TOTPDevice.objects.filter(user=world.users["auditor"]).count() == 1
        assert not TOTPDevice.objects.filter(user=world.users["huancui_staff"]).exists()
        call_command("demo_totp", "auditor")
        assert capsys.readouterr().out.strip() == totp_now(world.users["auditor"])
        with pytest.raises(CommandError, match="不是演示账号"):
            call_command("demo_totp", "someone_else")
        with pytest.raises(CommandError, match="没有演示用的动态口令设备"):
            call_command("demo_totp", "huancui_staff")


# --- password expiry ------------------------------------------------------------------------------


def test_expired_password_must_be_changed_first(client, world, password, settings) -> None:  # type: ignore[no-untyped-def]
    user = world.users["huancui_staff"]
    with time_machine.travel(
        user.password_changed_at + dt.timedelta(days=settings.JIANDU_PASSWORD_MAX_AGE_DAYS + 1), tick=False
    ):
        assert _post_login(client, "huancui_staff", password).status_code == 302
        blocked = client.get("/dashboard/")
        assert blocked.status_code == 302 and blocked["Location"].startswith("/accounts/password/")
        page = client.get("/accounts/password/").content.decode()
        assert 'data-testid="password-expired"' in page
        same = client.post(
            "/accounts/password/",
            {"old_password": password, "new_password1": password, "new_password2": password},
        )
        assert "新密码不能与原密码相同" in same.content.decode()
        weak = client.post(
            "/accounts/password/",
            {"old_password": password, "new_password1": "password", "new_password2": "password"},
        )
        assert weak.status_code == 200 and "errorlist" in weak.content.decode()
        new = "Xin-Mima-2026!"
        done = client.post(
            "/accounts/password/", {"old_password": password, "new_password1": new, "new_password2": new}
        )
        assert done.status_code == 302
        assert client.get("/dashboard/").status_code == 200  # still signed in, no longer expired
    event = AuditEvent.objects.filter(action="account.password_change").latest("seq")
    assert event.after == {"was_expired": True} and event.actor_id == user.pk
    assert new not in json.dumps(list(AuditEvent.objects.values()), default=str)
    assert User.objects.get(pk=user.pk).check_password(new)


def test_password_rules_reject_short_common_and_simple(world) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for bad in ("Ab1!", "password123", "abcdefghij", "12345678901"):
        with pytest.raises(ValidationError):
            validate_password(bad)
    validate_password("Jian-du-2026")


def test_argon2_is_the_production_hasher(settings) -> None:  # type: ignore[no-untyped-def]
    from jiandu import settings as base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_sign_in_leaves_an_intact_chain(client, world, password) -> None:  # type: ignore[no-untyped-def]
    _post_login(client, "huancui_staff", "Wrong-Guess-4711")
    _post_login(client, "huancui_staff", password)
    client.post("/accounts/logout/")
    assert AuditEvent.objects.filter(action="auth.logout").exists()
    assert audit_chain_verify().ok
