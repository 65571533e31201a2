"""The whole duty loop in the browser (issue #5): the agency requests, the bureau publishes the
commitment, witnesses type their values, the draw; one supervisor accepts on a 360-px phone, the bureau
records a decline (the next in order is asked, live on the staff page) and an accept; on the day the
agency marks attendance and fills the feedback form, and the supervisor confirms it on the phone."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TITLE = "浏览器测试：李某某盗窃案公开听证"


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()


def fits_the_screen(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_duty_loop(page: Any, phone: Any, demo_world: Any, sign_in: Any) -> None:
    from jiandu.duties.models import Assignment, Duty
    from jiandu.roster.models import Supervisor

    duty_on = timezone.localdate() + dt.timedelta(days=14)

    # 1. The agency asks for two supervisors.
    sign_in(page, "weihai_procurator")
    page.goto("/duties/new/")
    page.select_option("select[name=programme]", label="威海市人民监督员")
    page.select_option("select[name=kind]", value="hearing")
    page.fill("input[name=title]", TITLE)
    page.fill("input[name=duty_on]", duty_on.isoformat())
    page.fill("input[name=starts_at]", "09:30")
    page.fill("input[name=place]", "威海市人民检察院第一听证室")
    page.fill("input[name=supervisors_needed]", "2")
    page.fill("textarea[name=parties]", "李某某")
    page.get_by_role("button", name="提交需求").click()
    expect(page.get_by_test_id("duty-status")).to_have_text("待抽选")
    duty = Duty.objects.get(title=TITLE)
    sign_out(page)

    # 2. The bureau publishes the commitment, the witnesses type values, the draw.
    sign_in(page, "weihai_admin")
    page.goto(f"/duties/{duty.pk}/")
    page.get_by_test_id("open-draw-button").click()
    commitment = duty.commitments.get()
    expect(page.get_by_test_id("commitment")).to_have_text(commitment.commitment)
    page.fill("input[name=name_0]", "吴静")
    page.fill("input[name=role_0]", "承办检察官")
    page.fill("input[name=value_0]", "3141")
    page.fill("input[name=name_1]", "王芳")
    page.fill("input[name=role_1]", "司法局")
    page.fill("input[name=value_1]", "绿色的猫")
    page.get_by_test_id("perform-draw").click()
    expect(page.get_by_test_id("draw-record")).to_contain_text("吴静")
    expect(page.get_by_test_id("contact-row")).to_have_count(2)
    first, second = list(Assignment.objects.filter(duty=duty).order_by("position"))

    # The demo supervisor account plays whoever was drawn first.
    account = demo_world.users["weihai_supervisor"]
    Supervisor.objects.filter(user=account).update(user=None)
    Supervisor.objects.filter(pk=first.supervisor_id).update(user=account)

    # 3. On the phone: the invitation, place and time; accept.
    sign_in(phone, "weihai_supervisor")
    phone.goto("/duties/mine/")
    phone.get_by_test_id("upcoming").filter(has_text=TITLE).click()
    expect(phone.get_by_test_id("place")).to_have_text("威海市人民检察院第一听证室")
    assert fits_the_screen(phone)
    phone.get_by_test_id("accept").click()
    expect(phone.get_by_test_id("my-status")).to_have_text("已接受")

    # 4. Staff see it live (htmx polling, no reload); the second declines by telephone → the third.
    rows = page.get_by_test_id("contact-row")
    expect(rows.nth(0)).to_have_attribute("data-status", "accepted", timeout=10_000)
    row = rows.nth(1)
    row.get_by_test_id("answer-reason").fill("当天出差")
    row.get_by_test_id("record-decline").click()
    expect(page.get_by_test_id("contact-row")).to_have_count(3)
    third = Assignment.objects.filter(duty=duty).exclude(pk__in=[first.pk, second.pk]).get()
    assert third.position == 3  # the next in draw order (第十四条)
    page.get_by_test_id("contact-row").nth(2).get_by_test_id("record-accept").click()
    expect(page.get_by_test_id("duty-status")).to_have_text("人员已确定")
    expect(page.get_by_test_id("accepted-count")).to_contain_text("已接受 2 / 2")

    # 5. The day itself.
    day = dt.datetime.combine(duty_on, dt.time(11, 0), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with time_machine.travel(day, tick=True):
        page.context.clear_cookies()
        phone.context.clear_cookies()
        sign_in(page, "weihai_procurator")
        page.goto(f"/duties/{duty.pk}/")
        page.get_by_test_id("attendance-submit").click()
        expect(page.get_by_test_id("duty-status")).to_have_text("已履职")
        page.get_by_test_id("fill-record").click()
        page.fill("textarea[name=summary]", "听证会按程序进行，听取了犯罪嫌疑人、被害人及律师意见。")
        page.fill(f"textarea[name=opinion_{first.supervisor_id}]", "同意拟不起诉决定")
        page.select_option(f"select[name=adoption_{first.supervisor_id}]", value="adopted")
        page.get_by_test_id("save-record").click()
        expect(page.get_by_text("反馈表已保存")).to_be_visible()

        # 6. The supervisor confirms the record on the 360-px phone.
        sign_in(phone, "weihai_supervisor")
        phone.goto("/duties/mine/")
        phone.get_by_test_id("to-confirm").filter(has_text=TITLE).click()
        expect(phone.get_by_text("同意拟不起诉决定")).to_be_visible()
        assert fits_the_screen(phone)
        phone.get_by_test_id("confirm-record").click()
        expect(phone.get_by_test_id("confirmed")).to_contain_text("已于")
        assert phone.viewport_size == {"width": 360, "height": 740}

    first.refresh_from_db()
    assert first.confirmed_via == "phone" and first.confirmed_hash

    # The public record replays.
    page.goto(f"/duties/draws/{duty.draws.get().pk}/")
    expect(page.get_by_test_id("verify-ok")).to_be_visible()
    assert re.search(r"jiandu-draw-v2", page.content())
    expect(page.get_by_test_id("pool-file")).to_be_visible()
