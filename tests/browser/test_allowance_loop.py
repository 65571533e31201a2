"""Money in the browser (issue 14): a duty record confirmed on the phone and reported by the
procuratorate appears on the month's 履职补助发放表; the sheet is prepared, refused when the preparer
tries to approve it, approved by a second person, exported and marked paid. Then a claim with one line
over the limit goes from the phone through both approvers."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from openpyxl import load_workbook
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TITLE = "浏览器测试：某某案公开听证"


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(dt.datetime(2026, 11, 16, 9, 30, tzinfo=SHANGHAI), tick=True) as traveller:
        yield traveller


def receipt() -> dict[str, Any]:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (240, 240, 230)).save(out, "JPEG")
    return {"name": "住宿发票.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def held_duty_for_liu(world: Any) -> Any:
    """Four days ago: a hearing, drawn and attended; the record is written, not yet signed. The demo
    supervisor account is linked to whoever the draw picked, so the phone can sign it."""
    from jiandu.duties import demo as duties_demo
    from jiandu.duties import services as dsv
    from jiandu.duties.models import AssignmentStatus
    from jiandu.roster.models import Supervisor

    programme = world.extra["programmes"]["weihai_people"]
    duty = duties_demo._request(
        world,
        programme,
        requester="weihai_procurator",
        days=-4,
        kind="hearing",
        title=TITLE,
        supervisors_needed=1,
        place="威海市人民检察院听证室",
    )
    duties_demo._draw(world, duty, ("8080", "9090"))
    duties_demo._answer_all(world, duty)
    agency = world.users["weihai_procurator"]
    accepted = duty.assignments.filter(status=AssignmentStatus.ACCEPTED)
    dsv.attendance_record(actor=agency, duty=duty, present={a.pk for a in accepted})
    dsv.record_save(actor=agency, duty=duty, summary="听证会按程序进行。", opinions=[])
    drawn = duty.assignments.get(status=AssignmentStatus.ATTENDED).supervisor
    user = world.users["weihai_supervisor"]
    Supervisor.objects.filter(user=user).exclude(pk=drawn.pk).update(user=None)
    drawn.user = user
    drawn.save(update_fields=["user"])
    world.extra["drawn"] = drawn.full_name
    return duty


def test_allowance_and_claim_loop(clock: Any, page: Any, phone: Any, demo_world: Any, sign_in: Any) -> None:
    from jiandu.allowances.models import ExpenseClaim, Sheet

    duty = held_duty_for_liu(demo_world)
    programme = demo_world.extra["programmes"]["weihai_people"]

    # 1. 刘洋 signs the record on the phone; the procuratorate sends its report (反馈函).
    sign_in(phone, "weihai_supervisor")
    phone.goto("/duties/mine/")
    phone.get_by_test_id("to-confirm").filter(has_text=TITLE).click()
    phone.get_by_test_id("confirm-record").click()
    expect(phone.get_by_test_id("confirmed")).to_be_visible()
    sign_in(page, "weihai_procurator")
    page.goto(f"/duties/{duty.pk}/")
    page.get_by_role("button", name="通报履职情况").click()
    expect(page.get_by_text("通报", exact=False).first).to_be_visible()

    # 2. The bureau draws up November's sheet: 刘洋's duty is on it.
    page.context.clear_cookies()
    sign_in(page, "weihai_admin")
    page.goto(f"/allowances/programmes/{programme.pk}/")
    form = page.get_by_test_id("sheet-new")
    form.locator("input[name=month]").fill("2026-11")
    form.locator("select[name=kind]").select_option("allowance")
    form.get_by_role("button").click()
    expect(page.get_by_test_id("lines")).to_contain_text(demo_world.extra["drawn"])
    expect(page.get_by_test_id("lines")).to_contain_text("11-12")
    page.get_by_test_id("prepare").click()
    expect(page.get_by_test_id("status")).to_have_text("已制表待审核")
    sheet_url = page.url

    # 3. The preparer cannot approve it.
    page.get_by_test_id("approve").click()
    expect(page.get_by_text("制表人不能审核本人制作的发放表")).to_be_visible()
    sheet = Sheet.objects.get(programme=programme, kind="allowance", period_start=dt.date(2026, 11, 1))
    assert sheet.status == "prepared"

    # 4. A second person approves, exports and marks it paid.
    page.context.clear_cookies()
    sign_in(page, "weihai_finance")
    page.goto(sheet_url)
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("status")).to_have_text("已审核")
    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    xlsx = io.BytesIO(download.value.path().read_bytes())
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    total = Decimal(str(next(r for r in rows if r[1] == "合计")[4]))
    sheet.refresh_from_db()
    assert total == sheet.total and total > 0
    pay = page.get_by_test_id("pay")
    pay.locator("input[name=reference]").fill("国库支付 BT-0001")
    pay.get_by_role("button").click()
    expect(page.get_by_test_id("status")).to_have_text("已发放")

    # 5. A claim from the phone with one line over the limit, through two approvers.
    phone.goto("/allowances/mine/")
    phone.get_by_test_id("claim-new").click()
    phone.select_option("select[name=purpose]", value="duty")
    phone.fill("input[name=description]", "赴荣成参加公开听证（浏览器测试）")
    phone.fill("input[name=occurred_on]", "2026-11-12")
    phone.fill("input[name=bank_name]", "中国银行威海分行")
    phone.fill("input[name=bank_account]", "6216610200016587010")
    phone.select_option("select[name=item_0]", value="travel")
    phone.fill("input[name=amount_0]", "60.00")
    phone.select_option("select[name=item_1]", value="lodging")
    phone.fill("input[name=amount_1]", "420.00")
    phone.fill("input[name=reason_1]", "协议酒店已满")
    phone.get_by_test_id("receipts").set_input_files(receipt())
    phone.get_by_role("button", name="提交").click()
    expect(phone.get_by_test_id("status")).to_have_text("待审核")
    expect(phone.get_by_test_id("account")).to_contain_text("7010")
    claim = ExpenseClaim.objects.get(description="赴荣成参加公开听证（浏览器测试）")
    assert claim.over_limit and claim.total == Decimal("480.00")

    page.goto(f"/allowances/claims/{claim.pk}/")  # still weihai_finance: the first check
    page.get_by_test_id("claim-approve").click()
    expect(page.get_by_test_id("status")).to_contain_text("待第二人审核")
    page.get_by_test_id("claim-approve").click()
    expect(page.get_by_text("超标准的报销须由另一人复审")).to_be_visible()
    claim.refresh_from_db()
    assert claim.status == "second"
    page.context.clear_cookies()
    sign_in(page, "weihai_admin")
    page.goto(f"/allowances/claims/{claim.pk}/")
    page.get_by_test_id("claim-approve").click()
    expect(page.get_by_test_id("status")).to_have_text("已审核")
    phone.goto("/allowances/mine/")
    expect(phone.get_by_test_id("my-claims")).to_contain_text("已审核")
