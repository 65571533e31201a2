"""Issue 11 #7: a strict Content-Security-Policy (no inline script), Permissions-Policy and
Referrer-Policy under production settings. The policy forbids inline script, so no template may
carry one: this test reads every template (other helpers' too) and fails on inline code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"javascript:", re.I)


def test_no_template_carries_inline_script() -> None:
    offenders = []
    for path in ROOT.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, HANDLER, JS_URL):
            for m in pattern.finditer(text):
                offenders.append(f"{path.relative_to(ROOT)}: {m.group(0)[:40]}")
    assert offenders == []


@pytest.mark.django_db
def test_production_headers(client: Any, settings: Any) -> None:
    from jiandu.core.csp import STRICT_CSP

    assert "STRICT_CSP" in (ROOT / "settings_production.py").read_text(encoding="utf-8")
    settings.JIANDU_CSP = STRICT_CSP
    settings.JIANDU_PERMISSIONS_POLICY = "geolocation=()"
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response["Permissions-Policy"] == "geolocation=()"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_same_policy_is_on_in_development_and_tests(client: Any) -> None:
    """The strict policy was only in settings_production, so the browser suite (test settings) never
    ran under it and an inline script could slip through unnoticed. Development and test settings now
    send the same headers; the browser tests fail on any CSP violation (tests/browser/conftest.py)."""
    from django.conf import settings

    from jiandu.core.csp import PERMISSIONS_POLICY, STRICT_CSP

    assert settings.JIANDU_CSP == STRICT_CSP and settings.JIANDU_PERMISSIONS_POLICY == PERMISSIONS_POLICY
    response = client.get("/public/")
    assert response["Content-Security-Policy"] == STRICT_CSP
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
