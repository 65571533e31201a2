"""Every page of every role fits a 360-px phone (issue 12): signed in as each demo account, the test
follows the links it can reach from the home page (one page per URL shape, e.g. /duties/N/), and on
each asserts document.documentElement.scrollWidth <= 360 — no sideways scrolling of the whole page.
The public pages are walked the same way without signing in. A page that answers 500 fails too."""

from __future__ import annotations

import re
from collections import deque
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

pytestmark = pytest.mark.browser

WIDTH = 360
MAX_PAGES = 80  # per account: the walk keeps one page per URL shape, so this is never the limit in practice
SKIP = re.compile(
    r"(/accounts/logout|/i18n/|[./](xlsx|pdf|csv|json|svg|png|jpg|zip)/?$|/export|/download|/attachments?/"
    r"|/template\.|/card|/certificate|/print|/api/|/static/|/media/)"
)


def _shape(path: str) -> str:
    return re.sub(r"/[0-9A-Za-z_-]{16,}/", "/T/", re.sub(r"\d+", "N", path))


def _walk(page: Any, start: str, origin: str) -> tuple[list[str], list[str]]:
    seen_shapes: set[str] = set()
    queue = deque([start])
    visited: list[str] = []
    problems: list[str] = []
    while queue and len(visited) < MAX_PAGES:
        path = queue.popleft()
        shape = _shape(path)
        if shape in seen_shapes or SKIP.search(path):
            continue
        seen_shapes.add(shape)
        try:
            response = page.goto(path)
        except PlaywrightError as error:
            # A file served as an attachment (a PDF, a sheet) is a download, not a page to fit a phone.
            if "Download is starting" in str(error):
                continue
            raise
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        visited.append(path)
        if response.status >= 500:
            problems.append(f"{path}: HTTP {response.status}")
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            problems.append(f"{path}: {width}px")
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            parts = urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}" != origin or not parts.path:
                continue
            if _shape(parts.path) not in seen_shapes:
                queue.append(parts.path)
    return visited, problems


def test_every_page_of_every_role_fits_a_360px_phone(
    phone: Any, demo_world: Any, sign_in: Any, live_server: Any
) -> None:
    usernames = sorted({a["username"] for a in demo_world.accounts})
    assert len(usernames) >= 10
    report: dict[str, list[str]] = {}
    total = 0
    visited, problems = _walk(phone, "/public/", live_server.url)
    total += len(visited)
    if problems:
        report["(public)"] = problems
    for username in usernames:
        phone.context.clear_cookies()
        sign_in(phone, username)
        visited, problems = _walk(phone, "/", live_server.url)
        total += len(visited)
        assert len(visited) >= 2, (username, visited)
        if problems:
            report[username] = problems
    print(f"{total} pages at {WIDTH}px for {len(usernames)} accounts and the public")
    assert total >= 60, total
    assert not report, "\n".join(f"{who}: {p}" for who, ps in report.items() for p in ps)
