"""The browser suite runs under the production Content-Security-Policy and fails on a violation
(issue 11): an inline script injected into a served page is refused by chromium and caught by the
console guard in conftest.py."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from jiandu.core.csp import STRICT_CSP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_inline_script_is_refused_and_reported(page: Page, request: Any) -> None:
    response = page.goto("/accounts/login/")
    assert response is not None and response.headers["content-security-policy"] == STRICT_CSP
    ran = page.evaluate(
        """() => {
            const s = document.createElement("script");
            s.textContent = "window.__inline = 1";
            document.body.append(s);
            return window.__inline === 1;
        }"""
    )
    page.wait_for_timeout(300)  # the console message arrives after the refusal
    assert ran is False
    violations = request.node.csp_violations
    assert violations and "script-src 'self'" in violations[0]
    violations.clear()  # seen on purpose: the guard would otherwise fail this test at teardown
