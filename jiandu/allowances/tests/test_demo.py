"""The demo holds paid, approved and pending sheets and claims for the Weihai people's supervisors, and
a Shanxi proof of service; built twice it stays one world."""

from __future__ import annotations

from typing import Any

import pytest

from jiandu.allowances.models import ClaimStatus, ExpenseClaim, ServiceProof, Sheet, SheetStatus

pytestmark = pytest.mark.django_db


def test_demo_money(transactional_db: Any) -> None:
    from jiandu.core.demo import demo_build

    world = demo_build()
    assert not [n for n in world.extra.get("notes", []) if "allowances" in n]
    weihai = Sheet.objects.filter(programme__rulebook_id="weihai-people-2024", kind="allowance")
    assert {SheetStatus.PAID, SheetStatus.APPROVED, SheetStatus.PREPARED} <= set(
        weihai.values_list("status", flat=True)
    )
    assert any(s.pending for s in weihai)
    claims = set(ExpenseClaim.objects.values_list("status", flat=True))
    assert {ClaimStatus.PAID, ClaimStatus.APPROVED, ClaimStatus.SECOND, ClaimStatus.SUBMITTED} <= claims
    from jiandu.allowances.models import SheetLine

    liu = SheetLine.objects.filter(supervisor__user=world.users["weihai_supervisor"], sheet__kind="allowance")
    assert {SheetStatus.PAID, SheetStatus.APPROVED} <= set(liu.values_list("sheet__status", flat=True))
    proof = ServiceProof.objects.get(supervisor__programme__rulebook_id="shanxi-prison-2023")
    assert proof.entries and proof.supervisor.user == world.users["shanxi_supervisor"]
    counts = (Sheet.objects.count(), ExpenseClaim.objects.count(), ServiceProof.objects.count())
    demo_build()
    assert (Sheet.objects.count(), ExpenseClaim.objects.count(), ServiceProof.objects.count()) == counts
