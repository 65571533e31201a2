"""Test helpers for every engineer's tests (not used by the application).

- `totp_now(user)`: the code the account's authenticator shows now — for browser tests that type it.
- `client_sign_in(client, user)`: sign a Django test client in as `user`, second factor included,
  so privileged roles pass AccountPolicyMiddleware without typing a code.
"""

from __future__ import annotations

import time
from typing import Any

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiandu.accounts.otp import DEVICE_NAME, confirmed_device

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _device_for(user: Any) -> TOTPDevice:
    device = confirmed_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    return device


def totp_now(user: Any) -> str:
    """The current 6-digit code of the account's confirmed TOTP device (one is made if missing).

    django-otp refuses a code whose time step was already used (replay protection). When a test signs
    the same account in twice within 30 seconds, this returns the next step's code instead, which the
    device accepts within its tolerance of one step.
    """
    device = _device_for(user)
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.drift += device.last_t + 1 - totp.t()
    return f"{totp.token():0{device.digits}d}"


def client_sign_in(client: Any, user: Any) -> None:
    """force_login plus, for SECOND_FACTOR_ROLES, a session already verified by the TOTP device."""
    client.force_login(user, backend=MODEL_BACKEND)
    if getattr(user, "needs_second_factor", False):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = _device_for(user).persistent_id
        session.save()
