"""A supervisor reads the knowledge base on a 360-px phone: the rulebook with its parameters, a search
in Chinese, a staff FAQ."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_supervisor_searches_the_knowledge_base_on_a_phone(
    phone: Any, demo_world: Any, sign_in: Any
) -> None:
    sign_in(phone, "weihai_supervisor")
    phone.goto("/knowledge/")
    phone.get_by_test_id("knowledge-programme").first.click()
    phone.get_by_test_id("knowledge-rulebook").click()
    expect(phone.get_by_test_id("article").first).to_be_visible()
    search = phone.get_by_test_id("knowledge-search")
    search.locator("input[name=q]").fill("回避")
    search.get_by_role("button").click()
    expect(phone.get_by_test_id("hit").first).to_contain_text("回避")
    phone.goto("/knowledge/search/?q=谢绝")
    expect(phone.get_by_test_id("hit").first).to_be_visible()
    # Nothing on the page is wider than the phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360 + 1
