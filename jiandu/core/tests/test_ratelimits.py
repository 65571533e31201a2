"""Issue 11 #7: rate limits per address and per account, a Chinese 429 page, and a lockout a stranger
cannot use against an administrator."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jiandu.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_anonymous_complaints_are_limited_per_address(client: Any, world: Any, settings: Any) -> None:
    """The probe: 60 anonymous complaints accepted in 2.6 s."""
    settings.JIANDU_RATE_PUBLIC_FORM = "5/h"
    url = reverse("findings:complaint_public")
    statuses = [client.post(url, {"text": "x"}).status_code for _ in range(8)]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429] * 3
    page = client.post(url, {"text": "x"})
    assert "请求过于频繁" in page.content.decode() and page["Retry-After"] == "60"
    other = Client(REMOTE_ADDR="10.9.9.9")  # another address is not affected
    assert other.post(url, {"text": "x"}).status_code == 200


def test_certificate_check_is_limited_per_address(client: Any, world: Any, settings: Any) -> None:
    settings.JIANDU_RATE_PUBLIC_LOOKUP = "3/m"
    url = reverse("portal:certificate_lookup")
    assert [client.get(url, {"number": "X"}).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_sign_in_is_limited_per_address(client: Any, world: Any, settings: Any) -> None:
    settings.JIANDU_RATE_LOGIN_IP = "4/m"
    url = reverse("accounts:login")
    codes = [client.post(url, {"username": f"nobody{i}", "password": "x"}).status_code for i in range(5)]
    assert codes[-1] == 429 and 429 not in codes[:4]


def test_a_stranger_cannot_lock_out_an_administrator(world: Any, settings: Any, password: str) -> None:
    """Before: 5 failures for one username from anywhere locked that account for everyone."""
    settings.JIANDU_RATE_LOGIN_ACCOUNT = "8/h"
    admin = world.users["weihai_admin"]
    url = reverse("accounts:login")
    office = Client(REMOTE_ADDR="10.1.1.1")
    # The administrator signed in from the office before (the audit trail remembers the address).
    audit_record(actor=admin, action="auth.login", request=office.get(url).wsgi_request)
    stranger = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(12):
        stranger.post(url, {"username": admin.username, "password": "wrong"})
    assert stranger.post(url, {"username": admin.username, "password": password}).status_code in (403, 429)
    response = office.post(url, {"username": admin.username, "password": password})
    assert response.status_code == 302, response.content.decode()[:300]


def test_anonymous_text_is_capped(client: Any, world: Any) -> None:
    """Issue 11 #7: anonymous text fields accepted 1,000,000 characters."""
    from django.core.exceptions import ValidationError

    from jiandu.findings.models import Complaint
    from jiandu.findings.services import complaint_submit

    with pytest.raises(ValidationError, match="不超过 5000 字"):
        complaint_submit(
            actor=None,
            programme=None,
            supervisor_name="张三",
            text="很" * 1_000_000,
            complainant_phone="13912345678",
        )
    page = client.post(reverse("findings:complaint_public"), {"text": "很" * 1_000_000})
    assert page.status_code == 200 and "5000" in page.content.decode()
    assert not Complaint.objects.exists()
