"""Issue #4, done when: a programme admin runs a full round in the browser under 威海 行政执法社会监督员
(2022) — announce; three applications, one ineligible with its cited reason; public notice with one
objection resolved; appoint; print the certificate; open the QR verification URL — renews one
supervisor, is refused a third consecutive term with the article shown, and dismisses one with a
cited ground. The citizen's side (application, status by receipt, objection) runs on a 360-px phone
without an account."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
PROGRAMME = "威海市行政执法社会监督员"


def _id_number(n: int, born: dt.date) -> str:
    from jiandu.roster.demo import demo_id_number

    return demo_id_number("371002", born, n)


def _fill_person(page: Any, name: str, id_number: str, phone: str) -> None:
    page.fill("#id_full_name", name)
    page.fill("#id_id_number", id_number)
    page.fill("#id_phone", phone)
    page.select_option("#id_education", "bachelor")
    page.get_by_label("法律", exact=True).check()


def test_full_recruitment_round_renewal_refusal_and_dismissal(
    page: Any, phone: Any, demo_world: Any, sign_in: Any
) -> None:
    from jiandu.roster.models import Supervisor

    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SH), tick=True):
        sign_in(page, "weihai_admin")

        # 1. Announce: conditions generated from the rulebook, each with its article.
        page.goto("/roster/")
        page.get_by_role("link", name=PROGRAMME, exact=True).click()
        page.get_by_role("link", name="发布聘任公告").click()
        expect(page.get_by_test_id("conditions")).to_contain_text("第七条第（一）项")
        page.fill("#id_title", "威海市行政执法社会监督员补充选聘公告")
        page.fill("#id_quota", "3")
        page.fill("#id_applications_open", "2026-03-02")
        page.fill("#id_applications_close", "2026-03-13")
        page.fill("#id_recruitment_starts_on", "2026-03-20")
        page.fill("#id_term_start", "2026-04-01")
        page.get_by_role("button", name="保存草稿").click()
        expect(page.get_by_test_id("round-status")).to_have_text("草稿")
        page.get_by_test_id("publish").click()
        expect(page.get_by_test_id("round-status")).to_contain_text("已发布")
        round_url = page.url

        # 2. A citizen applies on a phone, no account: declares a criminal record → ineligible.
        phone.goto("/public/")
        phone.get_by_role("link", name="威海市行政执法社会监督员补充选聘公告").click()
        expect(phone.get_by_test_id("conditions")).to_contain_text("无刑事处罚记录")
        phone.get_by_test_id("apply").click()
        _fill_person(phone, "钱多多", _id_number(611, dt.date(1979, 4, 3)), "13906311001")
        phone.get_by_label("刑事处罚", exact=True).check()
        phone.get_by_label(re.compile("承诺所填信息真实")).check()
        phone.get_by_test_id("apply-submit").click()
        receipt = phone.get_by_test_id("receipt").inner_text()
        assert receipt.startswith("BM")

        # Staff enter a unit recommendation and a directed invitation.
        for channel, name, n, unit in (
            ("unit", "赵明理", 613, "威海市律师协会"),
            ("invitation", "孙清风", 615, ""),
        ):
            page.goto(round_url)
            page.get_by_test_id("enter-application").click()
            page.select_option("#id_channel", channel)
            page.fill("#id_recommending_unit", unit)
            _fill_person(page, name, _id_number(n, dt.date(1982, 6, 15)), f"139063110{n % 100:02d}")
            page.get_by_label("已核对报名材料").check()
            page.get_by_role("button", name="录入").click()
            expect(page.get_by_test_id("outcome")).to_contain_text("人工审查")

        # 3. Screening: the rules core's reasons with articles; the reviewer's judgement.
        page.goto(round_url)
        rows = page.get_by_test_id("application-row")
        expect(rows).to_have_count(3)
        ineligible = rows.filter(has_text="钱多多")
        expect(ineligible).to_contain_text("不符合条件")
        expect(ineligible).to_contain_text("第七条第（一）项")
        for name, approve in (("钱多多", False), ("赵明理", True), ("孙清风", True)):
            page.goto(round_url)
            page.get_by_test_id("application-row").filter(has_text=name).get_by_role("link").first.click()
            page.locator(f"input[name=approve][value='{'1' if approve else '0'}']").check()
            page.fill("#id_criteria", "对照第七条逐项审查：公道正派，熟悉法律")
            page.get_by_test_id("review-submit").click()
            expect(page).to_have_url(round_url)

        # The applicant sees the rejection and its article by receipt number.
        phone.goto(f"/public/status/?receipt_no={receipt}")
        expect(phone.get_by_test_id("status-label")).to_have_text("未通过审查")
        expect(phone.get_by_test_id("rejection-reason")).to_contain_text("第七条第（一）项")

        # 4. After applications close (3-13; a notice is refused while they are open): public notice;
        # a citizen objects; staff investigate and resolve it.
        with time_machine.travel(dt.datetime(2026, 3, 16, 9, 0, tzinfo=SH), tick=True):
            sign_in(page, "weihai_admin")
            page.goto(round_url)
            page.fill("#id_ends_on", "2026-03-20")
            page.get_by_test_id("publish-notice").click()
            expect(page.get_by_test_id("round-status")).to_have_text("公示中")
            phone.goto("/public/")
            # The demo has other rounds in notice (万州): pick this round's.
            phone.get_by_role(
                "link", name=re.compile("威海市行政执法社会监督员补充选聘公告.*拟聘人选公示")
            ).click()
            expect(phone.get_by_test_id("shortlist")).to_contain_text("赵明理")
            phone.select_option("#id_application", label="赵明理")
            phone.fill("#id_text", "听说此人曾受过行政处分，请核实")
            phone.get_by_test_id("objection-send").click()
            expect(phone.locator(".messages")).to_contain_text("异议已受理")
            page.goto(round_url)
            expect(page.get_by_test_id("objections")).to_contain_text("已受理，待核查")
            page.get_by_test_id("handle-objection").click()
            page.select_option("#id_step", "dismiss")
            page.fill("#id_investigation", "经向其所在单位及纪检部门核实，无行政处分记录")
            page.fill("#id_resolution", "异议不成立，予以聘任")
            page.get_by_test_id("objection-submit").click()
            expect(page.get_by_test_id("objections")).to_contain_text("异议不成立")

    # 5. After the notice period: appoint, print, verify.
    with time_machine.travel(dt.datetime(2026, 3, 23, 9, 0, tzinfo=SH), tick=True):
        sign_in(page, "weihai_admin")
        page.goto(round_url)
        page.get_by_test_id("appoint").click()
        expect(page.locator(".messages")).to_contain_text("已聘任2人")
        expect(page.get_by_test_id("appointment-announcement")).to_be_visible()
        page.get_by_test_id("application-row").filter(has_text="赵明理").get_by_role(
            "link", name="名册"
        ).click()
        expect(page.get_by_test_id("supervisor-status")).to_have_text("在任")
        pdf_href = page.get_by_test_id("certificate-pdf").first.get_attribute("href")
        pdf = page.request.get(pdf_href)
        assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
        assert b"WenQuanYiMicroHei" in pdf.body()
        page.get_by_test_id("verify-link").first.click()
        expect(page.get_by_test_id("verify-state")).to_contain_text("有效")
        expect(page.get_by_test_id("verify-name")).to_have_text("赵明理")

        # 6. Renew (second term) and be refused a third, with the article shown.
        zhao = Supervisor.objects.get(full_name="赵明理")
        page.goto(f"/roster/s/{zhao.pk}/")
        page.get_by_test_id("renew").click()
        expect(page.locator(".messages")).to_contain_text("已续聘")
        expect(page.get_by_test_id("renewal-check")).to_contain_text("不得续聘")
        expect(page.get_by_test_id("renewal-check")).to_contain_text("第五条")
        page.get_by_test_id("renew").click()
        expect(page.locator(".messages")).to_contain_text("不予续聘")
        expect(page.locator(".messages")).to_contain_text("第五条")
        expect(page.get_by_test_id("timeline")).to_contain_text("续聘（未获准）")

        # 7. Dismiss one on a cited ground; the certificate is revoked.
        sun = Supervisor.objects.get(full_name="孙清风")
        page.goto(f"/roster/s/{sun.pk}/")
        page.get_by_test_id("leave").click()
        page.select_option("#id_kind", "dismissal")
        page.get_by_label(re.compile("第十六条第（六）项")).check()
        page.fill("#id_note", "连续两次无故不参加活动")
        page.get_by_role("button", name="确认办理").click()
        expect(page.get_by_test_id("supervisor-status")).to_have_text("已离任")
        expect(page.get_by_test_id("departure")).to_contain_text("第十六条第（六）项")
        page.get_by_test_id("verify-link").first.click()
        expect(page.get_by_test_id("verify-state")).to_contain_text("收回")
