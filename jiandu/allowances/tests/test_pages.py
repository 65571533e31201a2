"""The sheet's pages: generate → prepare → refused for the same person → approve by another → export →
pay; an approved sheet cannot be changed through any page; scope and method checks."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

from django.urls import reverse
from openpyxl import load_workbook

from jiandu.accounts.testing import client_sign_in
from jiandu.allowances.models import Rate, Sheet, SheetLine, SheetStatus
from jiandu.audit.models import AuditEvent


def _generate(client: Any, programme: Any) -> Sheet:
    r = client.post(
        reverse("allowances:sheet_new", args=[programme.pk]), {"month": "2026-03", "kind": "allowance"}
    )
    assert r.status_code == 302
    return Sheet.objects.get(programme=programme, kind="allowance")


def test_it_walks_a_sheet_from_generation_to_payment(
    client: Any, world: Any, programme: Any, march: Any, finance: Any
) -> None:
    admin = world.users["weihai_admin"]
    client_sign_in(client, admin)
    sheet = _generate(client, programme)
    page = client.get(reverse("allowances:sheet", args=[sheet.pk])).content.decode()
    pending = page.split('data-testid="pending"')[1]
    assert "乙案公开听证" in pending and "反馈函" in pending and "签字确认" in pending
    assert "威财行〔2024〕示例1号" in page and "第四十二条" in page
    client.post(reverse("allowances:sheet_action", args=[sheet.pk, "prepare"]))
    r = client.post(reverse("allowances:sheet_action", args=[sheet.pk, "approve"]))
    assert r.status_code == 403
    assert Sheet.objects.get(pk=sheet.pk).status == SheetStatus.PREPARED
    client_sign_in(client, finance)
    client.post(reverse("allowances:sheet_action", args=[sheet.pk, "approve"]))
    assert Sheet.objects.get(pk=sheet.pk).status == SheetStatus.APPROVED
    r = client.get(reverse("allowances:sheet_export", args=[sheet.pk, "xlsx"]))
    rows = list(load_workbook(BytesIO(r.content)).active.iter_rows(values_only=True))
    assert Decimal(str(next(x for x in rows if x[1] == "合计")[4])) == Sheet.objects.get(pk=sheet.pk).total
    assert (
        client.get(reverse("allowances:sheet_export", args=[sheet.pk, "pdf"]))["Content-Type"]
        == "application/pdf"
    )
    assert AuditEvent.objects.filter(action="allowances.sheet_export").count() == 2
    client.post(
        reverse("allowances:sheet_action", args=[sheet.pk, "pay"]),
        {"paid_on": "2026-04-01", "reference": "PZ-1"},
    )
    assert Sheet.objects.get(pk=sheet.pk).status == SheetStatus.PAID


def test_it_changes_nothing_of_an_approved_sheet_through_any_page(
    client: Any, world: Any, programme: Any, march: Any, finance: Any
) -> None:
    admin = world.users["weihai_admin"]
    client_sign_in(client, admin)
    sheet = _generate(client, programme)
    client.post(reverse("allowances:sheet_action", args=[sheet.pk, "prepare"]))
    client_sign_in(client, finance)
    client.post(reverse("allowances:sheet_action", args=[sheet.pk, "approve"]))
    before = list(SheetLine.objects.filter(sheet=sheet).values_list("pk", "amount", "units", "full_name"))
    total = Sheet.objects.get(pk=sheet.pk).total
    Rate.objects.update(amount=Decimal("999.00"))  # even with a new rate, nothing recomputes it
    for action in ("prepare", "approve"):
        client.post(reverse("allowances:sheet_action", args=[sheet.pk, action]))
    client.post(
        reverse("allowances:sheet_new", args=[programme.pk]), {"month": "2026-03", "kind": "allowance"}
    )
    client.post(
        reverse("allowances:sheet_action", args=[sheet.pk, "adjust"]),
        {"line": 1, "amount": "-10", "reason": "更正"},
    )
    assert (
        list(SheetLine.objects.filter(sheet=sheet).values_list("pk", "amount", "units", "full_name"))
        == before
    )
    assert Sheet.objects.get(pk=sheet.pk).total == total
    # the adjustment went onto a new sheet
    assert Sheet.objects.filter(kind="adjustment").get().total == Decimal("-10.00")


def test_it_requires_post_and_scope(client: Any, world: Any, programme: Any, march: Any) -> None:
    client_sign_in(client, world.users["weihai_admin"])
    sheet = _generate(client, programme)
    assert client.get(reverse("allowances:sheet_action", args=[sheet.pk, "prepare"])).status_code == 405
    assert client.post(reverse("allowances:sheet_action", args=[sheet.pk, "nonsense"])).status_code == 404
    client_sign_in(client, world.users["shanxi_admin"])
    assert client.get(reverse("allowances:sheet", args=[sheet.pk])).status_code == 404
    assert client.get(reverse("allowances:sheet_export", args=[sheet.pk, "xlsx"])).status_code == 404
    client_sign_in(client, world.users["weihai_supervisor"])
    assert client.get(reverse("allowances:sheet", args=[sheet.pk])).status_code == 403


def test_it_explains_why_an_unpaid_programme_has_no_rate(client: Any, world: Any) -> None:
    from jiandu.roster.models import Programme, ProgrammeKind

    p = Programme.objects.create(
        name="威海市行政执法社会监督员",
        kind=ProgrammeKind.ADMINISTRATIVE,
        organisation=world.orgs["weihai_justice"],
        rulebook_id="weihai-admin-2022",
    )
    client_sign_in(client, world.users["weihai_admin"])
    page = client.get(reverse("allowances:programme", args=[p.pk])).content.decode()
    permits = page.split('data-testid="permits"')[1].split("</div>")[0]
    assert "不支付报酬" in permits and "第六条" in permits
    data = {
        "item": "duty",
        "unit": "per_duty",
        "amount": "100",
        "valid_from": "2026-01-01",
        "source_name": "某文件",
        "source_number": "某〔2026〕1号",
        "source_effective_from": "2026-01-01",
    }
    r = client.post(reverse("allowances:rate_new", args=[p.pk]), data, follow=True)
    assert "不支付报酬" in r.content.decode() and "第六条" in r.content.decode()
    assert not Rate.objects.exists()


def _queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_lists_cost_the_same_queries_however_many_rows(
    client: Any, world: Any, programme: Any, march: Any, finance: Any
) -> None:
    from jiandu.allowances import services as money
    from jiandu.duties import services as dsv

    admin = world.users["weihai_admin"]
    client_sign_in(client, admin)
    money.sheet_generate(actor=admin, programme=programme, year=2026, month=3)
    programme_url = reverse("allowances:programme", args=[programme.pk])
    sheet = Sheet.objects.get(kind="allowance")
    sheet_url = reverse("allowances:sheet", args=[sheet.pk])
    before = (_queries(client, programme_url), _queries(client, sheet_url))
    dsv.duty_report(actor=world.users["weihai_procurator"], duty=march["unreported"])
    money.sheet_generate(actor=admin, programme=programme, year=2026, month=3)  # more lines
    money.sheet_generate(actor=admin, programme=programme, year=2026, month=2)  # another sheet
    assert (_queries(client, programme_url), _queries(client, sheet_url)) == before


def test_the_api_reads_a_sheet_to_the_fen_and_cannot_change_it(
    client: Any, world: Any, programme: Any, march: Any, finance: Any
) -> None:
    from jiandu.allowances import services as money

    admin = world.users["weihai_admin"]
    sheet = money.sheet_generate(actor=admin, programme=programme, year=2026, month=3)
    money.sheet_prepare(actor=admin, sheet=sheet)
    money.sheet_approve(actor=finance, sheet=sheet)
    client_sign_in(client, admin)
    url = f"/api/allowances/sheets/{sheet.pk}"
    data = client.get(url).json()
    assert data["total"] == f"{sheet.total:.2f}" and data["status"] == "approved"
    assert sum(Decimal(ln["amount"]) for ln in data["lines"]) == sheet.total
    before = list(SheetLine.objects.filter(sheet=sheet).values_list("amount", flat=True))
    for method in ("put", "patch", "delete", "post"):
        r = getattr(client, method)(url, data={"total": "1.00"}, content_type="application/json")
        assert r.status_code == 405, method
    assert list(SheetLine.objects.filter(sheet=sheet).values_list("amount", flat=True)) == before
    client_sign_in(client, world.users["weihai_procurator"])
    assert client.get(url).status_code == 404


def test_it_closes_a_rate_and_draws_up_a_quarterly_sheet(
    client: Any, world: Any, programme: Any, march: Any
) -> None:
    client_sign_in(client, world.users["weihai_admin"])
    rate = Rate.objects.get()
    r = client.post(
        reverse("allowances:rate_close", args=[programme.pk, rate.pk]), {"valid_to": "2026-12-31"}
    )
    assert r.status_code == 302 and str(Rate.objects.get().valid_to) == "2026-12-31"
    new = reverse("allowances:sheet_new", args=[programme.pk])
    r = client.post(new, {"month": "2026-02", "kind": "allowance", "months": "3"}, follow=True)
    assert "季度应从1月" in r.content.decode() and not Sheet.objects.exists()
    client.post(new, {"month": "2026-01", "kind": "allowance", "months": "3"})
    sheet = Sheet.objects.get()
    assert (str(sheet.period_start), str(sheet.period_end)) == ("2026-01-01", "2026-03-31")
    assert sheet.lines.exists()
