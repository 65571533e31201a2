"""An annual assessment round in the browser (issue 13), on the demo's Weihai people's-supervisor
programme in December: the supervisor writes the self-summary on a 360-px phone; the bureau's fourth
优秀 proposal is refused with the figures (第三十条); a 不合格 proposal tells the supervisor the reasons
and basis (第三十二条, 第三十五条); the supervisor states and defends on the phone and the bureau
answers; the 优秀 list goes on the portal; after the defence period and the 公示 the grades are fixed,
the letter and its QR check work, and the 不合格 appears among the proposed disqualifications
(第八条第（五）项)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def clock() -> Iterator[Any]:
    # Before demo_world: the demo then opens this year's round, as on a December `make run`.
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, 30, tzinfo=SHANGHAI), tick=True) as traveller:
        yield traveller


def test_assessment_round(clock: Any, page: Any, phone: Any, demo_world: Any, sign_in: Any) -> None:
    from jiandu.assessment.models import Assessment, AssessmentRound

    rnd = AssessmentRound.objects.get(year=2026)
    rows = list(Assessment.objects.filter(round=rnd).select_related("supervisor").order_by("supervisor_id"))
    liu = next(a for a in rows if a.supervisor.full_name == "刘洋")
    competent = next(a for a in rows if a.proposed_grade == "competent")
    participants = len(rows)
    cap = int(participants * 0.15)

    # 1. The supervisor's self-summary, on the phone.
    sign_in(phone, "weihai_supervisor")
    phone.goto("/assessment/mine/")
    phone.get_by_test_id("summary-form").locator("textarea").fill(
        "本年度参加监督办案活动五次，提出监督意见三条。"
    )
    phone.get_by_test_id("summary-form").locator("button").click()
    expect(phone.locator(".messages")).to_contain_text("已提交")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # 2. One 优秀 too many: refused with the figures.
    sign_in(page, "weihai_admin")
    page.goto(f"/assessment/rounds/{rnd.pk}/")
    expect(page.get_by_test_id("cap")).to_contain_text(f"{participants}人中至多{cap}人")
    page.goto(f"/assessment/a/{competent.pk}/")
    form = page.get_by_test_id("propose-form")
    form.locator("select[name=grade]").select_option("excellent")
    form.locator("textarea[name=reason]").fill("表现突出")
    for box in form.locator("input[name=conditions]").all():
        box.check()
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text(f"至多{cap}人，拟定{cap + 1}人")
    expect(page.locator(".messages")).to_contain_text("第三十条")

    # 3. A 不合格 proposal for 刘洋, on a ground from the rulebook.
    page.goto(f"/assessment/a/{liu.pk}/")
    form = page.get_by_test_id("propose-form")
    form.locator("select[name=grade]").select_option("failing")
    form.locator("textarea[name=reason]").fill("无正当理由不参加培训，经提醒仍未改正")
    form.locator("input[name=grounds][value=absent_without_reason]").check()
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("已告知陈述和申辩权利，期限至2026-12-14")

    # 4. The defence, on the phone.
    phone.goto("/assessment/mine/")
    hearing = phone.get_by_test_id("hearing")
    expect(hearing).to_contain_text("第三十五条")
    expect(hearing).to_contain_text("第三十二条第（一）项")
    phone.get_by_test_id("defence-form").locator("textarea").fill("缺席系因住院治疗，已补交病历。")
    phone.get_by_test_id("defence-form").locator("button").click()
    expect(phone.locator(".messages")).to_contain_text("已提交")

    # 5. The bureau answers; publishes the 优秀 list on the portal.
    page.goto(f"/assessment/a/{liu.pk}/")
    expect(page.get_by_test_id("defence")).to_contain_text("住院治疗")
    page.get_by_test_id("answer-form").locator("textarea").fill(
        "经核实，住院期间另有两次无故缺席，维持拟定。"
    )
    page.get_by_test_id("answer-form").locator("button").click()
    page.goto(f"/assessment/rounds/{rnd.pk}/")
    page.get_by_test_id("notice-form").locator("input[name=starts_on]").fill("2026-12-07")
    page.get_by_test_id("notice-form").locator("input[name=ends_on]").fill("2026-12-11")
    page.get_by_test_id("notice-form").locator("button").click()
    expect(page.locator(".messages")).to_contain_text("门户网站公示")
    rnd.refresh_from_db()
    page.goto(f"/public/announcements/{rnd.notice_announcement_id}/")
    expect(page.locator("body")).to_contain_text("拟确定优秀等次人员名单公示")

    # 6. Too early to fix the grades; after the 公示 and the defence period, fixed.
    page.goto(f"/assessment/rounds/{rnd.pk}/")
    expect(page.get_by_test_id("blockers")).to_contain_text("公示期至2026-12-11")
    clock.move_to(dt.datetime(2026, 12, 15, 9, 30, tzinfo=SHANGHAI))
    page.context.clear_cookies()
    sign_in(page, "weihai_admin")
    page.goto(f"/assessment/rounds/{rnd.pk}/")
    page.get_by_test_id("finalise").click()
    expect(page.locator(".messages")).to_contain_text("考核结果已确定")
    expect(page.get_by_test_id("deadlines")).to_contain_text("第三十四条第（六）项")

    # 7. The letter and its public QR check.
    liu.refresh_from_db()
    assert liu.final_grade == "failing"
    response = page.request.get(f"/assessment/a/{liu.pk}/letter.pdf")
    assert response.ok and response.body().startswith(b"%PDF")
    page.goto(f"/assessment/public/check/{liu.letter_token}/")
    expect(page.get_by_test_id("check")).to_contain_text("刘洋")

    # 8. The disqualification proposal that follows, on the dismissal path.
    page.goto("/duties/proposals/")
    proposal = page.get_by_test_id("proposal").filter(has_text="刘洋")
    expect(proposal).to_contain_text("第八条第（五）项")
