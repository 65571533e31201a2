"""Report, chart and annual-report pages through HTTP: the bureau sees and downloads every one, an
agency is refused, a long report is built in the background, a formula in the data stays text."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from jiandu.accounts.testing import client_sign_in
from jiandu.audit.models import AuditEvent
from jiandu.findings.models import Finding, Source, Status
from jiandu.reports.catalogue import REPORTS
from jiandu.reports.models import AnnualReport, ExportStatus, ReportExport
from jiandu.roster.testing import make_programme

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def bureau(world, client):  # type: ignore[no-untyped-def]
    programme = make_programme(world, "weihai-admin-2022")
    Finding.objects.create(
        programme=programme,
        agency=world.orgs["huancui_justice"],
        source=Source.OPINION,
        title='=HYPERLINK("http://example.invalid")',
        text="内容",
        submitted_on=D(2026, 3, 1),
        status=Status.FORWARDED,
        forwarded_on=D(2026, 3, 2),
        reply_due=D(2026, 4, 1),
    )
    client_sign_in(client, world.users["weihai_admin"])
    return programme, client


def test_it_shows_and_downloads_every_report(bureau):  # type: ignore[no-untyped-def]
    _programme, client = bureau
    index = client.get("/reports/").content.decode()
    for key in REPORTS:
        assert f'data-testid="report-{key}"' in index
        assert client.get(f"/reports/r/{key}/?start=2026-01-01&end=2026-12-31").status_code == 200, key
        xlsx = client.get(f"/reports/r/{key}.xlsx?now=1")
        assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml"), key
        load_workbook(io.BytesIO(xlsx.content))
        pdf = client.get(f"/reports/r/{key}.pdf?now=1")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), key


def test_the_excel_totals_row_and_a_formula_stays_text(bureau):  # type: ignore[no-untyped-def]
    _programme, client = bureau
    response = client.get("/reports/r/findings_agency.xlsx?start=2026-01-01&end=2026-12-31")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = rows[2]
    totals = next(r for r in rows if r[0] == "合计")
    assert totals[header.index("收到")] == 1 and totals[header.index("转送")] == 1
    overdue = client.get("/reports/r/overdue.xlsx")
    sheet = load_workbook(io.BytesIO(overdue.content)).active
    cells = [
        c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert cells and all(c.data_type == "s" for c in cells)


def test_a_long_report_is_built_in_the_background_with_progress(bureau, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    _programme, client = bureau
    assert REPORTS["attendance"].long
    page = client.get("/reports/r/attendance.xlsx?start=2026-01-01").content.decode()
    assert 'data-testid="export-start"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/r/attendance/export/xlsx/", {"start": "2026-01-01"})
    assert response.status_code == 302
    job = ReportExport.objects.get()
    assert job.status == ExportStatus.DONE and job.params == {"start": "2026-01-01"}
    assert AuditEvent.objects.filter(action="report.export_start").exists()
    status = client.get(response["Location"]).content.decode()
    assert 'data-testid="export-file"' in status
    file = client.get(f"/reports/exports/{job.pk}/file")
    assert file.status_code == 200
    load_workbook(io.BytesIO(b"".join(file.streaming_content)))


def test_every_chart_has_its_svg_table_and_excel(bureau):  # type: ignore[no-untyped-def]
    _programme, client = bureau
    page = client.get("/reports/charts/?start=2026-01-01&end=2026-12-31").content.decode()
    charted = [k for k, r in REPORTS.items() if r.chart]
    assert len(charted) >= 7
    for key in charted:
        assert f'data-testid="chart-{key}"' in page
        detail = client.get(f"/reports/charts/{key}/?start=2026-01-01&end=2026-12-31").content.decode()
        assert 'data-testid="report-table"' in detail and f"/reports/r/{key}.xlsx" in detail
    assert "<svg" in client.get("/reports/charts/findings_agency/?start=2026-01-01").content.decode()
    assert client.get("/reports/charts/terms_ending/").status_code == 404


def test_an_agency_and_a_supervisor_are_refused(world, client):  # type: ignore[no-untyped-def]
    for username in ("weihai_procurator", "weihai_supervisor"):
        client_sign_in(client, world.users[username])
        assert client.get("/reports/").status_code == 403
        assert client.get("/reports/r/roster_status.xlsx").status_code == 403
        assert client.get("/reports/charts/").status_code == 403


def test_it_drafts_edits_and_exports_the_annual_work_report(bureau, world):  # type: ignore[no-untyped-def]
    programme, client = bureau
    response = client.post("/reports/annual/", {"programme": programme.pk, "year": 2026})
    assert response.status_code == 302
    report = AnnualReport.objects.get()
    assert "收到监督意见和违法线索1件" in report.body and report.figures["opinions"] == 1
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="annual-edit"' in page
    client.post(
        response["Location"],
        {"title": report.title, "body": report.body + "\n\n# 五、其他\n\n工作人员补充的内容。"},
    )
    report.refresh_from_db()
    assert "工作人员补充的内容" in report.body and report.edited_by == world.users["weihai_admin"]
    # Re-drafting an edited report asks to confirm, so no one's work is lost to a click.
    page = client.post("/reports/annual/", {"programme": programme.pk, "year": 2026}).content.decode()
    assert "已经修改过" in page
    report.refresh_from_db()
    assert "工作人员补充的内容" in report.body
    pdf = client.get(f"/reports/annual/{report.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="annual_report.edit").count() == 1
    # Regional staff read it but do not edit it.
    client_sign_in(client, world.users["huancui_staff"])
    assert 'data-testid="annual-edit"' not in client.get(f"/reports/annual/{report.pk}/").content.decode()
    assert client.post(f"/reports/annual/{report.pk}/", {"title": "x", "body": "y"}).status_code == 403


def test_reports_and_charts_cost_the_same_number_of_queries_however_much_data(bureau, world):  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jiandu.roster import services as roster_services
    from jiandu.roster.testing import person

    programme, client = bureau

    def queries() -> list[int]:
        out = []
        for url in ("/reports/charts/?start=2025-01-01", "/reports/r/draw_fairness/?start=2025-01-01"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    small = queries()
    for n in range(8):
        roster_services.supervisor_appoint(
            actor=None, programme=programme, person=person(n + 1), starts_on=D(2025, 6, 1), on=D(2025, 6, 1)
        )
        Finding.objects.create(
            programme=programme,
            agency=world.orgs["wanzhou_market"],
            source=Source.LEAD,
            title=f"线索{n}",
            text="内容",
            submitted_on=D(2025, 7, 1 + n),
            status=Status.SUBMITTED,
        )
    assert queries() == small
