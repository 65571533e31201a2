"""Browser-test fixtures: Playwright driving Debian's chromium against pytest-django's live server.

- `demo_world`: the whole demo world (`jiandu demo`) in the test database, as `make run` shows it.
- `page` (desktop 1280×800) and `phone` (360×740, touch) pages whose base URL is the live server.
- `sign_in(page, username)`: types username and password, then the TOTP code when the account asks.
Screenshots of failures land in test-artifacts/. A Content-Security-Policy violation reported on a
page's console fails the test (`request.node.csp_violations` lists them).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread with
# a running loop unless told that this (test-only) use is fine.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _chromium() -> str:
    path = os.environ.get("JIANDU_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(
            "找不到 chromium：请运行 `make test`（会自动安装 Debian 的 chromium），或设置 JIANDU_CHROMIUM"
        )
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def demo_world(transactional_db: Any) -> Any:
    from jiandu.core.demo import demo_build

    return demo_build()


def _page(browser: Browser, live_server: Any, request: Any, **context_args: Any) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **context_args
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    # The live server sends the production Content-Security-Policy (jiandu/core/csp.py); chromium
    # reports each violation (an inline script, a handler attribute, a foreign origin) on the console.
    # Any of them fails the test, so a page that would break under the policy never passes here.
    violations: list[str] = request.node.__dict__.setdefault("csp_violations", [])
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    if violations:
        pytest.fail("违反内容安全策略 (Content-Security-Policy violations):\n" + "\n".join(violations))


@pytest.fixture
def page(browser: Browser, live_server: Any, request: Any) -> Iterator[Page]:
    yield from _page(browser, live_server, request, viewport={"width": 1280, "height": 800})


@pytest.fixture
def phone(browser: Browser, live_server: Any, request: Any) -> Iterator[Page]:
    yield from _page(
        browser, live_server, request, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def sign_in() -> Callable[..., None]:
    from jiandu.core.demo import DEMO_PASSWORD

    def _sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
        from jiandu.accounts.models import User

        page.goto("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        # Enter submits the form the field is in; a "button[type=submit]" could match the header's
        # sign-out button on the half-signed-in TOTP page.
        page.press("input[name=password]", "Enter")
        page.wait_for_load_state()
        if page.locator("input[name=otp_token]").count():
            from jiandu.accounts.testing import totp_now

            page.fill("input[name=otp_token]", totp_now(User.objects.get(username=username)))
            page.press("input[name=otp_token]", "Enter")
            page.wait_for_load_state()
        if "/accounts/login/" in page.url or page.locator("input[name=otp_token]").count():
            raise AssertionError(f"{username} 未能登录：停留在 {page.url}")

    return _sign_in
