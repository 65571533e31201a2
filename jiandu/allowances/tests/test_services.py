"""Rates, sheets and their two-person approval, through the real services on the real database."""

from __future__ import annotations

import datetime as dt
import re
import zlib
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from jiandu.allowances import services as money
from jiandu.allowances.exports import sheet_pdf, sheet_xlsx
from jiandu.allowances.models import Rate, Sheet, SheetDuty, SheetFrozen, SheetLine, SheetStatus
from jiandu.allowances.tests.conftest import RATE, rate_data
from jiandu.audit.models import AuditEvent
from jiandu.duties.models import Assignment
from jiandu.roster.models import Programme, ProgrammeKind


def _unpaid(world: Any, rulebook_id: str, org: str) -> Programme:
    return Programme.objects.create(
        name="行政执法监督员",
        kind=ProgrammeKind.ADMINISTRATIVE,
        organisation=world.orgs[org],
        rulebook_id=rulebook_id,
    )


@pytest.mark.parametrize(
    ("rulebook_id", "org", "admin", "article"),
    [
        ("weihai-admin-2022", "weihai_justice", "weihai_admin", "第六条"),
        ("wanzhou-admin-2024", "wanzhou_justice", "wanzhou_admin", "第十四条"),
    ],
)
def test_an_unpaid_rulebook_refuses_an_allowance_rate_with_its_article(
    world: Any, rulebook_id: str, org: str, admin: str, article: str
) -> None:
    programme = _unpaid(world, rulebook_id, org)
    with pytest.raises(ValidationError, match=article):
        money.rate_create(actor=world.users[admin], programme=programme, data=rate_data())
    assert not Rate.objects.exists()


def test_a_rulebook_silent_on_allowances_refuses_a_duty_rate_but_takes_expense_limits(world: Any) -> None:
    shanxi = Programme.objects.create(
        name="山西执法监督员",
        kind=ProgrammeKind.PRISON,
        organisation=world.orgs["shanxi_prisons"],
        rulebook_id="shanxi-prison-2023",
    )
    admin = world.users["shanxi_admin"]
    with pytest.raises(ValidationError, match="未规定发放履职补助"):
        money.rate_create(actor=admin, programme=shanxi, data=rate_data())
    r = money.rate_create(
        actor=admin, programme=shanxi, data=rate_data(item="lodging", unit="per_night", amount=Decimal("350"))
    )
    assert r.decision["reasons"][0]["article"] == "第十五条"


def test_rates_are_dated_brackets_that_may_not_overlap(world: Any, programme: Any, rate: Rate) -> None:
    admin = world.users["weihai_admin"]
    with pytest.raises(ValidationError, match="重叠"):
        money.rate_create(actor=admin, programme=programme, data=rate_data(valid_from=dt.date(2026, 1, 1)))
    money.rate_close(actor=admin, rate=rate, valid_to=dt.date(2025, 12, 31))
    newer = money.rate_create(
        actor=admin,
        programme=programme,
        data=rate_data(valid_from=dt.date(2026, 1, 1), amount=Decimal("250.00")),
    )
    entries = money.rate_entries(programme)
    from jiandu.rules.allowances import rate_in_force

    assert rate_in_force(entries, "duty", dt.date(2025, 6, 1)).amount == RATE  # type: ignore[union-attr]
    assert rate_in_force(entries, "duty", dt.date(2026, 3, 1)).key == newer.pk  # type: ignore[union-attr]


def test_a_rate_from_someone_outside_the_bureau_is_refused_and_audited(world: Any, programme: Any) -> None:
    with pytest.raises(PermissionDenied):
        money.rate_create(actor=world.users["shanxi_admin"], programme=programme, data=rate_data())
    assert AuditEvent.objects.filter(action="permission.denied").exists()
    assert not Rate.objects.exists()


def test_the_sheet_counts_only_confirmed_and_reported_duties(world: Any, programme: Any, march: Any) -> None:
    sheet = money.sheet_generate(actor=world.users["weihai_admin"], programme=programme, year=2026, month=3)
    counted = set(SheetDuty.objects.filter(line__sheet=sheet).values_list("assignment_id", flat=True))
    complete = set(march["complete"].assignments.filter(status="attended").values_list("pk", flat=True))
    unconfirmed = Assignment.objects.filter(duty=march["unconfirmed"], confirmed_at__isnull=True)
    confirmed_ok = Assignment.objects.filter(duty=march["unconfirmed"], confirmed_at__isnull=False)
    assert counted == complete | set(confirmed_ok.values_list("pk", flat=True))
    # A never-confirmed record is never on the sheet: it is pending, saying what is missing.
    assert not counted & set(unconfirmed.values_list("pk", flat=True))
    pending = {(p["duty"], p["supervisor"]): p["missing"] for p in sheet.pending}
    for a in unconfirmed:
        assert any("签字确认" in m for m in pending[(a.duty_id, a.supervisor_id)])
    for a in march["unreported"].assignments.filter(status="attended"):
        assert any("反馈函" in m and "第四十二条第二款" in m for m in pending[(a.duty_id, a.supervisor_id)])
    assert sheet.total == RATE * len(counted)
    assert sum(line.amount for line in sheet.lines.all()) == sheet.total
    assert sheet.rates[0]["source_number"] == "威财行〔2024〕示例1号"


def test_lines_written_in_small_batches_stay_whole_and_in_supervisor_order(
    world: Any, programme: Any, march: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sheet streams: a line is written when the next supervisor starts, LINE_BATCH at a time.
    monkeypatch.setattr(money, "LINE_BATCH", 1)
    sheet = money.sheet_generate(actor=world.users["weihai_admin"], programme=programme, year=2026, month=3)
    lines = list(sheet.lines.order_by("position"))
    assert [line.position for line in lines] == list(range(1, len(lines) + 1))
    assert [line.supervisor_id for line in lines] == sorted(line.supervisor_id for line in lines)
    for line in lines:
        counted = Assignment.objects.filter(pk__in=line.counted.values("assignment_id"))
        assert {a.supervisor_id for a in counted} == {line.supervisor_id}
        assert sorted(d["duty"] for d in line.duties) == sorted(a.duty_id for a in counted)
        assert line.units == len(line.duties) and line.amount == RATE * len(line.duties)
    assert SheetDuty.objects.filter(line__sheet=sheet).count() == sum(len(x.duties) for x in lines)


def test_the_sheet_leaves_the_callers_transaction_planning_as_before(
    world: Any, programme: Any, march: Any
) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the planner setting is PostgreSQL's")
    money.sheet_generate(actor=world.users["weihai_admin"], programme=programme, year=2026, month=3)
    with connection.cursor() as cur:
        cur.execute("SHOW enable_nestloop")
        assert cur.fetchone()[0] == "on"


def test_regenerating_a_draft_replaces_it_and_picks_up_late_feedback(
    world: Any, programme: Any, march: Any
) -> None:
    from jiandu.duties import services as dsv

    admin = world.users["weihai_admin"]
    first = money.sheet_generate(actor=admin, programme=programme, year=2026, month=3)
    dsv.duty_report(actor=world.users["weihai_procurator"], duty=march["unreported"])
    again = money.sheet_generate(actor=admin, programme=programme, year=2026, month=3)
    assert again.pk == first.pk and again.total == first.total + 2 * RATE


def test_two_people_prepare_and_approve_and_the_sheet_is_then_frozen(
    world: Any, programme: Any, march: Any, finance: Any
) -> None:
    admin = world.users["weihai_admin"]
    sheet = money.sheet_generate(actor=admin, programme=programme, year=2026, month=3)
    money.sheet_prepare(actor=admin, sheet=sheet)
    with pytest.raises(PermissionDenied, match="制表人不能审核"):
        money.sheet_approve(actor=admin, sheet=sheet)
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.PREPARED and sheet.approved_by is None
    assert AuditEvent.objects.filter(action="permission.denied", target_id=str(sheet.pk)).exists()
    money.sheet_approve(actor=finance, sheet=sheet)
    line = sheet.lines.first()
    assert line is not None
    line.amount = Decimal("9999.00")
    with pytest.raises(SheetFrozen):
        line.save()
    with pytest.raises(SheetFrozen):
        line.delete()
    with pytest.raises(ValidationError, match="已制表"):
        money.sheet_generate(actor=admin, programme=programme, year=2026, month=3)
    with pytest.raises(ValidationError, match="状态"):
        money.sheet_prepare(actor=admin, sheet=sheet)
    money.sheet_pay(actor=admin, sheet=sheet, paid_on=dt.date(2026, 4, 1), reference="国库支付 2026-0401")
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.PAID
    assert SheetLine.objects.get(pk=line.pk).amount == RATE * line.units
    events = AuditEvent.objects.filter(target_type="allowances.sheet", target_id=str(sheet.pk))
    actions = sorted(events.values_list("seq", "action"))
    assert [a for _, a in actions if a.startswith("allowances.")] == [
        "allowances.sheet_generate",
        "allowances.sheet_prepare",
        "allowances.sheet_approve",
        "allowances.sheet_pay",
    ]


def test_a_correction_is_an_adjusting_line_on_a_new_sheet(
    world: Any, programme: Any, march: Any, finance: Any
) -> None:
    admin = world.users["weihai_admin"]
    sheet = money.sheet_generate(actor=admin, programme=programme, year=2026, month=3)
    money.sheet_prepare(actor=admin, sheet=sheet)
    money.sheet_approve(actor=finance, sheet=sheet)
    line = sheet.lines.first()
    assert line is not None
    with pytest.raises(ValidationError, match="原因"):
        money.sheet_adjust(actor=admin, line=line, amount="-50", reason="")
    adj = money.sheet_adjust(actor=admin, line=line, amount="-50.00", reason="重复计发半天")
    assert adj.pk != sheet.pk and adj.kind == "adjustment" and adj.total == Decimal("-50.00")
    assert Sheet.objects.get(pk=sheet.pk).total == sheet.total
    assert adj.lines.get().adjusts_id == line.pk


def _pdf_amounts(data: bytes) -> list[Decimal]:
    """The amounts drawn in the PDF, in drawing order (reportlab writes ASCII85 + Flate streams)."""
    import base64

    text = b""
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = m.group(1).strip()
        try:
            text += zlib.decompress(base64.a85decode(raw.removesuffix(b"~>")))
        except (ValueError, zlib.error):
            continue  # fonts and images are not page text
    return [Decimal(x.decode()) for x in re.findall(rb"\((-?\d+\.\d\d)\) Tj", text)]


def test_excel_and_pdf_add_up_to_the_fen(world: Any, programme: Any, march: Any, finance: Any) -> None:
    admin = world.users["weihai_admin"]
    # An odd rate so rounding would show: three duties at 133.33 must be 399.99, not 400.
    Rate.objects.filter(programme=programme).update(amount=Decimal("133.33"))
    sheet = money.sheet_generate(actor=admin, programme=programme, year=2026, month=3)
    money.sheet_prepare(actor=admin, sheet=sheet)
    money.sheet_approve(actor=finance, sheet=sheet)
    sheet.refresh_from_db()
    lines = list(sheet.lines.all())
    ws = load_workbook(BytesIO(sheet_xlsx(sheet))).active
    rows = list(ws.iter_rows(values_only=True))
    body = [r for r in rows if isinstance(r[0], int)]
    total_row = next(r for r in rows if r[1] == "合计")
    assert [Decimal(str(r[4])) for r in body] == [line.amount for line in lines]
    assert Decimal(str(total_row[4])) == sheet.total == sum(Decimal(str(r[4])) for r in body)
    assert "制表人：王芳（威海市司法局）" in [c for r in rows for c in r]
    assert "审核人：赵会计（威海市司法局）" in [c for r in rows for c in r]
    amounts = _pdf_amounts(sheet_pdf(sheet))
    # rows, then the page subtotal, then the total
    assert amounts[: len(lines)] == [line.amount for line in lines]
    assert amounts[len(lines)] == sheet.total and amounts[-1] == sheet.total


def test_a_name_that_looks_like_a_formula_stays_text_in_the_excel(
    world: Any, programme: Any, march: Any
) -> None:
    admin = world.users["weihai_admin"]
    sheet = money.sheet_generate(actor=admin, programme=programme, year=2026, month=3)
    SheetLine.objects.filter(sheet=sheet, position=1).update(full_name='=HYPERLINK("http://x","刘")')
    ws = load_workbook(BytesIO(sheet_xlsx(sheet))).active
    name = next(c for row in ws.iter_rows() for c in row if c.value and str(c.value).startswith("=HYP"))
    assert name.data_type == "s"


def test_the_database_refuses_changes_to_an_approved_sheet_even_past_the_orm(
    world: Any, programme: Any, march: Any, finance: Any
) -> None:
    from django.db import DatabaseError, connection, transaction

    admin = world.users["weihai_admin"]
    sheet = money.sheet_generate(actor=admin, programme=programme, year=2026, month=3)
    SheetLine.objects.filter(sheet=sheet).update(note="草稿可改")  # a draft is still open
    money.sheet_prepare(actor=admin, sheet=sheet)
    money.sheet_approve(actor=finance, sheet=sheet)
    attempts: list[Callable[[], object]] = [
        lambda: SheetLine.objects.filter(sheet=sheet).update(amount=Decimal("1.00")),
        lambda: Sheet.objects.filter(pk=sheet.pk).update(total=Decimal("1.00")),
        lambda: Sheet.objects.filter(pk=sheet.pk).update(status=SheetStatus.DRAFT),
    ]
    if connection.vendor == "postgresql":  # SQLite keeps DELETE open for the test database's flush
        attempts.append(lambda: SheetLine.objects.filter(sheet=sheet).delete())
    for attempt in attempts:
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    money.sheet_pay(actor=admin, sheet=sheet, paid_on=dt.date(2026, 4, 1), reference="PZ-9")  # still allowed
    assert Sheet.objects.get(pk=sheet.pk).status == SheetStatus.PAID
    with pytest.raises(DatabaseError), transaction.atomic():
        Sheet.objects.filter(pk=sheet.pk).update(status=SheetStatus.APPROVED)
