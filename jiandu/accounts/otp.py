"""TOTP second factor (django-otp) for the roles in SECOND_FACTOR_ROLES (等保 level 3: two factors
for administrators, GB/T 22239-2019 8.1.4.1 d).

One confirmed TOTP device per account. Enrolment happens on first sign-in: an unconfirmed device is
made, its otpauth URL shown as a QR code (inline SVG by `segno`, no outside asset) and as text, and
the account confirms it by typing the current code.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import io
from typing import Any

import segno
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "TOTP"
DEMO_DEVICE_NAME = "demo"


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def pending_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


def secret_text(device: TOTPDevice) -> str:
    """The base32 secret, grouped by four for typing into an authenticator app by hand."""
    raw = base64.b32encode(binascii.unhexlify(device.key)).decode("ascii").rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth URL as an inline SVG (no XML declaration, so it can sit inside the page)."""
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        buffer, kind="svg", scale=5, border=2, xmldecl=False, svgns=True, title="TOTP"
    )
    return buffer.getvalue().decode("utf-8")


def demo_key(username: str) -> str:
    """A deterministic TOTP key for a demo account (demo only): derived from the username and this
    installation's SECRET_KEY, so `jiandu demo_totp` can print the code while outsiders cannot."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"demo-totp:{username}".encode(), hashlib.sha256)
    return digest.hexdigest()[:40]
