"""Proof of service (山西 第十五条): issued by the supervisor or the bureau, checked on a public page by
its QR token, revocable; refused where the rulebook does not provide it. Budget (威海 第四十一条第二款):
the agencies' plans × the duty rate, and the year's spend against it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jiandu.accounts.testing import client_sign_in
from jiandu.allowances import selectors
from jiandu.allowances import services as money
from jiandu.allowances.models import ServiceProof
from jiandu.allowances.tests.conftest import RATE
from jiandu.audit.models import AuditEvent
from jiandu.roster.models import Programme, ProgrammeKind, Supervisor
from jiandu.rules.allowances import PlanItem


@pytest.fixture
def shanxi(world: Any) -> Supervisor:
    p = Programme.objects.create(
        name="山西省监狱执法监督员",
        kind=ProgrammeKind.PRISON,
        organisation=world.orgs["shanxi_prisons"],
        rulebook_id="shanxi-prison-2023",
    )
    return Supervisor.objects.create(programme=p, full_name="李华", employer="山西某会计师事务所")


def test_it_issues_checks_and_revokes_a_proof(client: Any, world: Any, shanxi: Supervisor) -> None:
    admin = world.users["shanxi_admin"]
    proof = money.proof_issue(
        actor=admin, supervisor=shanxi, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 11, 15)
    )
    assert proof.addressee == "山西某会计师事务所" and proof.decision["basis"]["article"] == "第十五条"
    client_sign_in(client, admin)
    pdf = client.get(reverse("allowances:proof_pdf", args=[proof.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    client.logout()
    url = reverse("allowances:proof_verify", args=[proof.token])
    page = client.get(url).content.decode()
    assert "有效" in page and "李华" in page and "撤销" not in page
    money.proof_revoke(actor=admin, proof=proof, reason="期间填写有误，已重新出具")
    assert "已于以下日期撤销" in client.get(url).content.decode()
    assert client.get(reverse("allowances:proof_verify", args=["nope"])).status_code == 404
    assert (
        AuditEvent.objects.filter(action__in=["allowances.proof_issue", "allowances.proof_revoke"]).count()
        == 2
    )


def test_a_rulebook_that_does_not_provide_proof_refuses_it(world: Any, programme: Any, roster: Any) -> None:
    with pytest.raises(ValidationError, match="未规定出具履职证明"):
        money.proof_issue(
            actor=world.users["weihai_admin"],
            supervisor=roster["liu"],
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 11, 1),
        )
    assert not ServiceProof.objects.exists()


def test_a_supervisor_issues_their_own_proof_but_not_anothers(
    client: Any, world: Any, shanxi: Supervisor
) -> None:
    user = world.users["weihai_supervisor"]
    shanxi.user = user
    shanxi.save(update_fields=["user"])
    client_sign_in(client, user)
    r = client.post(
        reverse("allowances:proof_new"), {"period_start": "2026-01-01", "period_end": "2026-11-15"}
    )
    proof = ServiceProof.objects.get()
    assert r.status_code == 302 and proof.supervisor == shanxi
    other = Supervisor.objects.create(programme=shanxi.programme, full_name="王五", employer="某单位")
    r = client.post(
        reverse("allowances:proof_new"),
        {"period_start": "2026-01-01", "period_end": "2026-11-15", "supervisor": other.pk},
    )
    assert r.status_code == 403 and ServiceProof.objects.count() == 1


def test_the_budget_is_the_plans_times_the_rate_and_spend_is_counted(
    client: Any, world: Any, programme: Any, march: Any, finance: Any
) -> None:
    agency = world.users["weihai_procurator"]
    money.plan_submit(
        actor=agency,
        programme=programme,
        year=2027,
        items=[PlanItem("hearing", 10, 3), PlanItem("training", 2, 5)],
    )
    # a resubmission replaces the plan
    money.plan_submit(
        actor=agency,
        programme=programme,
        year=2027,
        items=[PlanItem("hearing", 12, 3), PlanItem("training", 2, 5)],
    )
    budget, plans = selectors.budget_for(programme, 2027)
    assert len(plans) == 1 and budget.total == RATE * (36 + 10)
    admin = world.users["weihai_admin"]
    sheet = money.sheet_generate(actor=admin, programme=programme, year=2026, month=3)
    money.sheet_prepare(actor=admin, sheet=sheet)
    assert selectors.spend_for(programme, 2026) == Decimal("0.00")
    money.sheet_approve(actor=finance, sheet=sheet)
    assert selectors.spend_for(programme, 2026) == sheet.total
    with pytest.raises(ValidationError, match="范围"):
        money.plan_submit(actor=agency, programme=programme, year=2027, items=[PlanItem("hearing", -1, 3)])
    client_sign_in(client, admin)
    page = client.get(reverse("allowances:programme", args=[programme.pk])).content.decode()
    assert f"{RATE * 46}" in page and f"{sheet.total}" in page
