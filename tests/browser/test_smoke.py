"""Every demo role signs in through the real page, lands on its home page and sees its navigation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# username → a navigation entry that role must see, and one it must not.
ROLE_NAV = {
    "sysadmin": ("系统配置", "审计日志"),
    "security": ("账号管理", "审计日志"),
    "auditor": ("审计日志", "账号管理"),
    "weihai_admin": ("组织机构", "审计日志"),
    "huancui_staff": ("组织机构", "账号管理"),
    "weihai_procurator": ("工作台", "审计日志"),
    "weihai_supervisor": ("工作台", "组织机构"),
}


def test_anonymous_dashboard_redirects_to_sign_in(page: Any, demo_world: Any) -> None:
    page.goto("/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/dashboard/"))


@pytest.mark.parametrize("username", list(ROLE_NAV))
def test_each_demo_role_signs_in_and_sees_its_navigation(
    page: Any, demo_world: Any, sign_in: Any, username: str
) -> None:
    sign_in(page, username)
    page.goto("/dashboard/")
    expect(page.get_by_test_id("who")).to_contain_text(demo_world.users[username].get_role_display())
    must_see, must_not_see = ROLE_NAV[username]
    nav = page.get_by_role("navigation", name="主导航")
    expect(nav.get_by_role("link", name=must_see)).to_be_visible()
    expect(nav.get_by_role("link", name=must_not_see)).to_have_count(0)
