"""Issue 9 in the browser, on 2 December 2026 (clock frozen), when 2027's holiday notice is not out:
the bureau forwards an opinion and sees a reply date in January 2027 marked 暂定; a procuratorate
requests a duty for 2027-01-12 and the lead-time check passes provisionally; the system admin pastes a
notice (a malformed one first: the failed line is highlighted and nothing is loaded), previews it on
the month grid and loads it; the forwarded opinion's due date is recomputed and the agency's inbox
says it moved.

The 2027 notice used here is FICTITIOUS TEST DATA (jiandu/workdays/tests/data/
TEST-fictitious-2027-notice.txt): the real one is not published."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
DATA = Path(__file__).resolve().parents[2] / "jiandu" / "workdays" / "tests" / "data"
FICTITIOUS_2027 = (DATA / "TEST-fictitious-2027-notice.txt").read_text(encoding="utf-8")
TEXT = "浏览器测试（暂定期限）：窗口执法人员未出示执法证件"
TITLE = "浏览器测试：2027年1月公开听证"
NOTE = "暂定，待2027年放假安排公布后确定"


@pytest.fixture
def clock() -> Iterator[Any]:
    # Before demo_world (argument order): the demo is built on the same 2 December.
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 30, tzinfo=SHANGHAI), tick=True) as traveller:
        yield traveller


def sign_out(page: Any) -> None:
    page.context.clear_cookies()


def test_provisional_dates_then_the_notice_is_loaded(
    clock: Any, page: Any, demo_world: Any, sign_in: Any
) -> None:
    from jiandu.findings.models import Finding

    # 1. A supervisor sends an opinion; the bureau forwards it: reply due 2027-01-04, 暂定.
    sign_in(page, "weihai_social_supervisor")
    page.goto("/findings/new/")
    page.select_option("select[name=source]", value="lead")
    page.select_option("select[name=agency]", label="威海市市场监督管理局")
    page.fill("textarea[name=text]", TEXT)
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("status")).to_have_text("待分办")
    finding = Finding.objects.get(text=TEXT)
    url = f"/findings/{finding.pk}/"
    sign_out(page)

    sign_in(page, "weihai_admin")
    page.goto(url)
    page.get_by_test_id("forward-form").get_by_role("button", name="转送").click()
    expect(page.get_by_test_id("status")).to_have_text("已转送待答复")
    expect(page.get_by_test_id("reply-due")).to_contain_text("2027-01-04")
    expect(page.get_by_test_id("reply-due").get_by_test_id("provisional")).to_contain_text(NOTE)
    sign_out(page)

    # 2. The procuratorate asks for supervisors for 12 January 2027: in time, provisionally.
    sign_in(page, "weihai_procurator")
    page.goto("/duties/new/")
    page.select_option("select[name=programme]", label="威海市人民监督员")
    page.select_option("select[name=kind]", value="hearing")
    page.fill("input[name=title]", TITLE)
    page.fill("input[name=duty_on]", "2027-01-12")
    page.fill("input[name=starts_at]", "09:30")
    page.fill("input[name=place]", "威海市人民检察院第一听证室")
    page.fill("input[name=supervisors_needed]", "2")
    page.get_by_role("button", name="提交需求").click()
    expect(page.get_by_test_id("duty-status")).to_have_text("待抽选")
    expect(page.get_by_test_id("lead-decision")).to_contain_text("符合规定")
    expect(page.get_by_test_id("lead-decision")).to_contain_text(NOTE)
    sign_out(page)

    # 3. The system admin pastes the notice. A malformed copy first: the line is named, nothing loads.
    sign_in(page, "sysadmin")
    page.goto("/calendar/")
    page.fill(
        "textarea[name=text]",
        FICTITIOUS_2027.replace("至12日（农历正月初七、周五）", "至12日（农历正月初七、周六）"),
    )
    page.get_by_role("button", name="预览").click()
    expect(page.get_by_test_id("failed-line")).to_have_count(1)
    expect(page.get_by_test_id("failed-line")).to_contain_text("春节")
    expect(page.get_by_test_id("preview-errors")).to_contain_text("第4行")
    expect(page.get_by_test_id("load")).to_have_count(0)

    page.fill("textarea[name=text]", FICTITIOUS_2027)
    page.get_by_role("button", name="预览").click()
    expect(page.get_by_test_id("preview-ok")).to_be_visible()
    expect(page.get_by_test_id("test-data")).to_be_visible()
    grid = page.get_by_test_id("month-grid")
    expect(grid.locator('td[data-date="2027-01-04"]')).to_have_attribute("data-kind", "holiday")
    expect(grid.locator('td[data-date="2027-01-09"]')).to_have_attribute("data-kind", "workday")
    page.get_by_test_id("load").click()
    expect(page.get_by_test_id("recompute-status")).to_have_text("已完成")
    expect(page.get_by_test_id("recompute-changes")).to_contain_text(finding.number)
    expect(page.get_by_test_id("recompute-changes")).to_contain_text("2027-01-05")
    sign_out(page)

    # 4. The agency is told the date moved; the page shows the new date, no longer 暂定.
    sign_in(page, "weihai_market_staff")
    page.goto("/inbox/")
    expect(
        page.locator(".inbox li").filter(has_text="期限变更").filter(has_text=finding.number)
    ).to_have_count(1)
    page.goto(url)
    expect(page.get_by_test_id("reply-due")).to_contain_text("2027-01-05")
    expect(page.get_by_test_id("reply-due").get_by_test_id("provisional")).to_have_count(0)
