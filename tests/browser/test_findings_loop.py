"""The findings loop in the browser (issue #6): a supervisor on a 360-px phone sends a confidential
lead with a photo; the bureau forwards it (reply due from 威海 2022 第十二条); the clock (frozen, then
moved) passes the reminder day and the due date and the deadline task sends a reminder to the agency
and an escalation to the bureau; the agency — which never sees who reported — replies with a
rectification plan and reports it done; the bureau verifies and ticks it off; the supervisor sees the
result and rates it."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TEXT = "浏览器测试：农贸市场检查中执法人员未出示执法证件即扣押商品"


@pytest.fixture
def clock() -> Iterator[Any]:
    # Before demo_world (argument order), so the demo's dates and the loop's share one calendar year
    # whose holiday notice the calendar knows.
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI), tick=True) as traveller:
        yield traveller


def photo() -> dict[str, Any]:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 40)).save(out, "JPEG")
    return {"name": "现场照片.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def fresh(page: Any) -> None:
    page.context.clear_cookies()  # after the clock jumps weeks, every session has idled out anyway


def scan() -> None:
    from jiandu.findings.tasks import findings_scan_task

    findings_scan_task.enqueue()  # tests run tasks on the immediate backend: this is the worker's run


def test_findings_loop(clock: Any, page: Any, phone: Any, demo_world: Any, sign_in: Any) -> None:
    from jiandu.findings.models import Finding

    reporter_name = demo_world.users["weihai_social_supervisor"].full_name

    # 1. On the phone: a confidential lead with a photo.
    sign_in(phone, "weihai_social_supervisor")
    phone.goto("/findings/new/")
    phone.select_option("select[name=source]", value="lead")
    phone.select_option("select[name=agency]", label="威海市市场监督管理局")
    phone.fill("textarea[name=text]", TEXT)
    phone.check("input[name=confidential]")
    phone.set_input_files("input[name=attachments]", [photo()])
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.get_by_role("button", name="提交").click()
    expect(phone.get_by_test_id("status")).to_have_text("待分办")
    finding = Finding.objects.get(text=TEXT)
    url = f"/findings/{finding.pk}/"

    # 2. The bureau forwards it; the reply is due 30 days later, 2 April (威海 2022 第十二条).
    sign_in(page, "weihai_admin")
    page.goto(url)
    expect(page.get_by_test_id("confidential")).to_be_visible()
    page.get_by_test_id("forward-form").locator("textarea[name=note]").fill("请核查并于期限内反馈")
    page.get_by_test_id("forward-form").get_by_role("button", name="转送").click()
    expect(page.get_by_test_id("status")).to_have_text("已转送待答复")
    expect(page.get_by_test_id("reply-due")).to_contain_text("2026-04-01")
    expect(page.get_by_test_id("reply-due")).to_contain_text("第十二条")

    # 3. Five days before the due date the deadline task reminds the agency.
    clock.move_to(dt.datetime(2026, 3, 27, 9, 0, tzinfo=SHANGHAI))
    scan()
    fresh(page)
    sign_in(page, "weihai_market_staff")
    page.goto("/inbox/")
    # The demo's own findings have reminders too; this one is named in one of them.
    expect(
        page.locator(".inbox li").filter(has_text="到期提醒").filter(has_text=finding.number)
    ).to_have_count(1)
    page.goto(url)
    expect(page.get_by_test_id("reporter")).to_have_text("提出人要求保密")
    assert reporter_name not in page.content()
    page.get_by_role("link", name="附件1").wait_for()

    # 4. The due date passes: an escalation to the bureau, the finding on the overdue list.
    clock.move_to(dt.datetime(2026, 4, 2, 9, 0, tzinfo=SHANGHAI))
    scan()
    fresh(page)
    sign_in(page, "weihai_admin")
    page.goto("/inbox/")
    expect(
        page.locator(".inbox li").filter(has_text="逾期督办").filter(has_text=finding.number)
    ).to_have_count(1)
    page.goto("/findings/overdue/")
    expect(page.get_by_test_id("overdue-by-agency")).to_contain_text("威海市市场监督管理局")
    expect(page.get_by_role("link", name=finding.number)).to_be_visible()

    # 5. The agency replies late, with a rectification plan and its own deadline, then reports it done.
    fresh(page)
    sign_in(page, "weihai_market_staff")
    page.goto(url)
    expect(page.get_by_test_id("overdue")).to_be_visible()
    form = page.get_by_test_id("reply-form")
    form.locator("select[name=adopted]").select_option("1")
    form.locator("select[name=correction]").select_option("plan")
    form.locator("textarea[name=reply_text]").fill("情况属实，已对涉事执法人员批评教育。")
    form.locator("textarea[name=rectification_plan]").fill("一个月内完成全员执法证件管理培训。")
    form.locator("input[name=rectify_due]").fill("2026-05-06")
    form.get_by_role("button", name="提交答复").click()
    expect(page.get_by_test_id("status")).to_have_text("整改中")
    expect(page.get_by_test_id("rectify-due")).to_have_text("2026-05-06")
    page.fill("textarea[name=report]", "已完成培训 32 人次，建立证件核验制度。")
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_test_id("status")).to_have_text("已答复待核验")

    # 6. The bureau verifies and ticks it off (对账销号).
    fresh(page)
    sign_in(page, "weihai_admin")
    page.goto(url)
    expect(page.get_by_test_id("plan")).to_contain_text("全员执法证件管理培训")
    page.get_by_test_id("verify-form").locator("textarea").fill("经实地核查，整改到位，予以销号。")
    page.get_by_role("button", name="核验通过并销号").click()
    expect(page.get_by_test_id("status")).to_have_text("已办结销号")

    # 7. The supervisor sees the result on the phone (威海 2022 第十五条) and rates it.
    fresh(phone)
    sign_in(phone, "weihai_social_supervisor")
    phone.goto("/inbox/")
    phone.get_by_role("link", name=re.compile("已办结")).first.click()
    expect(phone).to_have_url(re.compile(url))
    expect(phone.get_by_test_id("result")).to_contain_text("整改到位")
    phone.get_by_test_id("rate-form").locator("select[name=rating]").select_option("5")
    phone.get_by_role("button", name="提交评价").click()
    expect(phone.get_by_test_id("rating")).to_contain_text("5/5")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
