"""A bureau account opens every chart and downloads every standard report (Excel and PDF) in a real
browser; a long report goes through its background job and progress page; the annual work report is
drafted, edited and exported. The work queue on the home page is not empty."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PERIOD = "start=2025-01-01&end=2026-12-31"


def _download(page: Any, click: Any) -> bytes:
    with page.expect_download() as info:
        click()
    path = info.value.path()
    with open(path, "rb") as fh:
        return fh.read()


def test_a_bureau_opens_every_chart_and_downloads_every_report(
    page: Any, demo_world: Any, sign_in: Any
) -> None:
    from jiandu.reports.catalogue import REPORTS

    sign_in(page, "weihai_admin")
    page.goto("/dashboard/")
    expect(page.get_by_test_id("work-queue")).to_be_visible()

    page.goto(f"/reports/charts/?{PERIOD}")
    charted = [key for key, r in REPORTS.items() if r.chart]
    for key in charted:
        expect(page.get_by_test_id(f"chart-{key}")).to_be_visible()
    for key in charted:
        page.goto(f"/reports/charts/{key}/?{PERIOD}")
        expect(page.get_by_test_id("report-table")).to_be_visible()
        data = _download(page, lambda: page.get_by_test_id("chart-xlsx").click())
        load_workbook(io.BytesIO(data))

    for key, report in REPORTS.items():
        for fmt in ("xlsx", "pdf"):
            page.goto(f"/reports/?{PERIOD}")
            link = page.get_by_test_id(f"download-{key}-{fmt}")
            if report.long:
                link.click()
                page.get_by_test_id("export-start").click()
                file_link = page.get_by_test_id("export-file")
                expect(file_link).to_be_visible()
                data = _download(page, file_link.click)
            else:
                data = _download(page, link.click)
            if fmt == "pdf":
                assert data.startswith(b"%PDF"), key
            else:
                load_workbook(io.BytesIO(data))


def test_the_annual_work_report_is_drafted_edited_and_exported(
    page: Any, demo_world: Any, sign_in: Any
) -> None:
    from jiandu.roster.models import Programme

    programme = Programme.objects.get(rulebook_id="weihai-people-2024")
    sign_in(page, "weihai_admin")
    page.goto("/reports/annual/")
    form = page.get_by_test_id("annual-draft")
    form.locator("select[name=programme]").select_option(str(programme.pk))
    form.locator("select[name=year]").select_option("2026")
    form.get_by_role("button").click()
    edit = page.get_by_test_id("annual-edit")
    expect(edit).to_be_visible()
    body = edit.locator("textarea[name=body]")
    body.fill(body.input_value() + "\n\n# 五、补充\n\n本段由工作人员补充。")
    edit.get_by_role("button").click()
    expect(page.locator(".messages")).to_contain_text("已保存")
    data = _download(page, lambda: page.get_by_test_id("annual-pdf").click())
    assert data.startswith(b"%PDF")
