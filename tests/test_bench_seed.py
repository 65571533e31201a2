"""bench.seed builds its dataset on the test database: every programme rulebook, every finding state, real
draw records that verify, and an audit chain that still verifies after the bulk-written trail."""

from __future__ import annotations

import pytest

from bench import seed as bench_seed
from jiandu.audit.chain import audit_chain_verify
from jiandu.duties.models import Assignment, DrawRecord
from jiandu.findings.models import Finding, Status
from jiandu.roster.models import Programme, Supervisor
from jiandu.rules import draw as d

pytestmark = pytest.mark.django_db(transaction=True)


def test_seed_tiny_builds_every_kind_reproducibly() -> None:
    counts = bench_seed.seed("tiny")
    scale = bench_seed.SCALES["tiny"]

    assert counts["roster.Supervisor"] == scale.supervisors
    assert counts["duties.Duty"] == scale.duties
    assert counts["findings.Finding"] == scale.findings
    assert {p.rulebook_id for p in Programme.objects.all()} == {r for r, _ in bench_seed.RULEBOOKS}
    assert set(Finding.objects.values_list("status", flat=True)) == set(Status.values)
    # Identifiers stored encrypted, found by their lookup hash.
    s = Supervisor.objects.first()
    assert s is not None and s.id_number and s.id_number_lookup
    # Drawn duties carry a sealed record that replays, and their assignments follow its order.
    record = DrawRecord.objects.first()
    assert record is not None and d.record_verify(record.record) == []
    selected = [int(i) for i in record.record["result"]["selected"]]
    assigned = list(
        Assignment.objects.filter(draw=record).order_by("position").values_list("supervisor_id", flat=True)
    )
    assert assigned == selected
    report = audit_chain_verify()
    assert report.ok, report.problem
