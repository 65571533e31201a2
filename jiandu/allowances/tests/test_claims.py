"""Expense claims from the phone: limits, reasons, two approvers for an over-limit line, receipts
without EXIF, the bank account encrypted, masked and revealed only with an audit event; then the
reimbursement sheet."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from PIL import Image

from jiandu.accounts.testing import client_sign_in
from jiandu.allowances import services as money
from jiandu.allowances.models import ClaimStatus, ExpenseClaim, Rate
from jiandu.allowances.tests.conftest import rate_data
from jiandu.audit.models import AuditEvent
from jiandu.core.untrusted import image_reencode

ACCOUNT = "6222020200112233445"


def _photo() -> SimpleUploadedFile:
    image = Image.new("RGB", (40, 30), "white")
    exif = Image.Exif()
    exif[0x013B] = "刘洋 13912345678"  # Artist: the owner's name and phone
    exif[0x010F] = "Camera-Owner-Serial-9912"  # Make
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("刘洋的发票.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def limits(world: Any, programme: Any) -> None:
    admin = world.users["weihai_admin"]
    for item, unit, amount in (
        ("travel", "per_trip", "100"),
        ("lodging", "per_night", "350"),
        ("meal", "per_day", "100"),
    ):
        money.rate_create(
            actor=admin, programme=programme, data=rate_data(item=item, unit=unit, amount=Decimal(amount))
        )


@pytest.fixture
def supervisor_user(world: Any, roster: Any) -> Any:
    return world.users["weihai_supervisor"]  # linked to 刘洋 in the duties roster


def _submit(user: Any, *lines: money.ClaimLineData) -> ExpenseClaim:
    return money.claim_submit(
        actor=user,
        purpose="training",
        description="参加市司法局组织的任期培训",
        occurred_on=dt.date(2026, 11, 10),
        bank_name="中国工商银行威海分行",
        bank_account=ACCOUNT,
        lines=list(lines),
        receipts=[image_reencode(_photo())],
    )


def test_an_over_limit_line_needs_a_reason_and_then_two_approvers(
    world: Any, programme: Any, limits: None, supervisor_user: Any, finance: Any
) -> None:
    over = money.ClaimLineData("lodging", Decimal("420.00"), 1)
    with pytest.raises(ValidationError, match="超过报销标准"):
        _submit(supervisor_user, money.ClaimLineData("travel", Decimal("36.50")), over)
    assert not ExpenseClaim.objects.exists()
    claim = _submit(
        supervisor_user,
        money.ClaimLineData("travel", Decimal("36.50")),
        money.ClaimLineData("lodging", Decimal("420.00"), 1, "培训地点周边酒店均超标准"),
    )
    assert claim.total == Decimal("456.50") and claim.over_limit
    admin = world.users["weihai_admin"]
    money.claim_approve(actor=admin, claim=claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SECOND
    with pytest.raises(PermissionDenied, match="另一人"):
        money.claim_approve(actor=admin, claim=claim)
    assert AuditEvent.objects.filter(action="permission.denied", target_id=str(claim.pk)).exists()
    money.claim_approve(actor=finance, claim=claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.second_by == finance


def test_a_claim_within_limits_needs_one_approver_and_reaches_the_reimbursement_sheet(
    world: Any, programme: Any, limits: None, supervisor_user: Any, finance: Any
) -> None:
    claim = _submit(supervisor_user, money.ClaimLineData("meal", Decimal("80.00")))
    admin = world.users["weihai_admin"]
    money.claim_approve(actor=admin, claim=claim)
    sheet = money.reimbursement_sheet_generate(actor=admin, programme=programme, year=2026, month=11)
    assert sheet.total == Decimal("80.00") and sheet.lines.get().claim_id == claim.pk
    money.sheet_prepare(actor=admin, sheet=sheet)
    money.sheet_approve(actor=finance, sheet=sheet)
    money.sheet_pay(actor=admin, sheet=sheet, paid_on=dt.date(2026, 11, 16), reference="BX-1")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID


def test_a_claim_is_on_one_reimbursement_sheet_only(
    world: Any, programme: Any, limits: None, supervisor_user: Any
) -> None:
    claim = _submit(supervisor_user, money.ClaimLineData("meal", Decimal("80.00")))
    admin = world.users["weihai_admin"]
    money.claim_approve(actor=admin, claim=claim)
    november = money.reimbursement_sheet_generate(actor=admin, programme=programme, year=2026, month=11)
    december = money.reimbursement_sheet_generate(actor=admin, programme=programme, year=2026, month=12)
    quarter = money.reimbursement_sheet_generate(
        actor=admin, programme=programme, year=2026, month=10, months=3
    )
    assert november.total == Decimal("80.00") and december.total == quarter.total == Decimal("0.00")
    again = money.reimbursement_sheet_generate(actor=admin, programme=programme, year=2026, month=11)
    assert again.pk == november.pk and again.lines.get().claim_id == claim.pk


def test_an_unpaid_programme_takes_no_claims_and_the_reason_cites_it(world: Any) -> None:
    from jiandu.roster.models import Programme, ProgrammeKind, Supervisor

    p = Programme.objects.create(
        name="威海市行政执法社会监督员",
        kind=ProgrammeKind.ADMINISTRATIVE,
        organisation=world.orgs["weihai_justice"],
        rulebook_id="weihai-admin-2022",
    )
    Supervisor.objects.create(programme=p, full_name="刘洋", user=world.users["weihai_supervisor"])
    with pytest.raises(ValidationError, match="第六条"):
        _submit(world.users["weihai_supervisor"], money.ClaimLineData("meal", Decimal("80.00")))


def test_the_bank_account_is_encrypted_masked_and_revealed_with_an_audit_event(
    client: Any, world: Any, programme: Any, limits: None, supervisor_user: Any
) -> None:
    claim = _submit(supervisor_user, money.ClaimLineData("meal", Decimal("80.00")))
    with connection.cursor() as c:
        c.execute("SELECT bank_account FROM allowances_expenseclaim WHERE id = %s", [claim.pk])
        stored = c.fetchone()[0]
    assert ACCOUNT not in stored
    assert not any(ACCOUNT in str(e.after) for e in AuditEvent.objects.all())
    client_sign_in(client, world.users["weihai_admin"])
    page = client.get(reverse("allowances:claim", args=[claim.pk])).content.decode()
    assert ACCOUNT not in page and "3445" in page
    r = client.post(reverse("allowances:claim_action", args=[claim.pk, "reveal"]))
    assert ACCOUNT in r.content.decode()
    assert AuditEvent.objects.filter(action="personal.reveal", target_id=str(claim.pk)).exists()
    client_sign_in(
        client, world.users["huancui_staff"]
    )  # a district bureau: the city's claims are not its own
    assert client.post(reverse("allowances:claim_action", args=[claim.pk, "reveal"])).status_code == 404
    assert AuditEvent.objects.filter(action="personal.reveal").count() == 1


def test_it_takes_a_claim_from_the_phone_with_receipts_stripped_of_exif(
    client: Any, world: Any, programme: Any, limits: None, supervisor_user: Any
) -> None:
    client_sign_in(client, supervisor_user)
    r = client.post(
        reverse("allowances:claim_new"),
        {
            "purpose": "meeting",
            "description": "参加年度工作会议",
            "occurred_on": "2026-11-12",
            "bank_name": "中国银行威海分行",
            "bank_account": ACCOUNT,
            "item_0": "travel",
            "amount_0": "150.00",
            "quantity_0": "1",
            "reason_0": "往返打车，无公交",
            "receipts": [_photo()],
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    claim = ExpenseClaim.objects.get()
    assert claim.over_limit and claim.lines.get().reason == "往返打车，无公交"
    data = claim.receipts.get().file.read()
    assert b"13912345678" not in data and b"Exif" not in data
    assert Image.open(io.BytesIO(data)).getexif() == {}
    mine = client.get(reverse("allowances:mine")).content.decode()
    assert "参加年度工作会议" in mine
    other = ExpenseClaim.objects.create(
        programme=programme,
        supervisor=programme.supervisors.exclude(user=supervisor_user).first(),
        purpose="duty",
        description="别人的",
        occurred_on=dt.date(2026, 11, 1),
        bank_name="x",
        bank_account=ACCOUNT,
        submitted_at=claim.submitted_at,
    )
    assert client.get(reverse("allowances:claim", args=[other.pk])).status_code == 404
    assert Rate.objects.count() == 3
