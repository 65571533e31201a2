"""bench.seed builds its dataset on the test database: every programme rulebook, every finding state, real
draw records (v2, and v1 for a share) that verify with the app's own checks and, read back from the
database, in a process of their own; and an audit chain that still verifies after the bulk-written trail."""

from __future__ import annotations

import dataclasses
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from bench import seed as bench_seed
from jiandu.audit.chain import audit_chain_verify
from jiandu.duties.models import Assignment, DrawRecord
from jiandu.duties.verify import record_problems
from jiandu.findings.models import Finding, Status
from jiandu.roster.models import Programme, Supervisor
from jiandu.rules import draw as d
from jiandu.rules import draw_v2

pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(__file__).resolve().parent.parent
# tiny, with enough duties that some keep a v1 record (one drawn duty in V1_EVERY)
SCALE = dataclasses.replace(bench_seed.SCALES["tiny"], duties=4 * bench_seed.V1_EVERY)


def _verify_elsewhere(record: dict[str, object], pool: dict[str, object], tmp_path: Path) -> None:
    """The published checks, in a fresh interpreter with no Django: v2 by `python -m jiandu.rules.draw_v2
    POOL.json < RECORD.json` (docs/draw.md §II.5), v1 by jiandu.rules.draw.record_verify."""
    record = {k: v for k, v in record.items() if k != "id"}
    if record["algorithm"] == draw_v2.ALGORITHM:
        pool_path = tmp_path / "pool.json"
        pool_path.write_bytes(draw_v2.pool_file_bytes(pool))
        cmd = [sys.executable, "-m", "jiandu.rules.draw_v2", str(pool_path)]
    else:
        check = "import json,sys; from jiandu.rules.draw import record_verify as v; p = v(json.load(sys.stdin)); print(p); sys.exit(1 if p else 0)"
        cmd = [sys.executable, "-c", check]
    out = subprocess.run(
        cmd,
        input=json.dumps(record, ensure_ascii=False),
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_seed_builds_every_kind_with_records_that_verify(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(bench_seed.SCALES, "tiny", SCALE)
    counts = bench_seed.seed("tiny")

    assert counts["roster.Supervisor"] == SCALE.supervisors
    assert counts["duties.Duty"] == SCALE.duties
    assert counts["findings.Finding"] == SCALE.findings
    assert {p.rulebook_id for p in Programme.objects.all()} == {r for r, _ in bench_seed.RULEBOOKS}
    assert set(Finding.objects.values_list("status", flat=True)) == set(Status.values)
    # Identifiers stored encrypted, found by their lookup hash.
    s = Supervisor.objects.first()
    assert s is not None and s.id_number and s.id_number_lookup
    # Every drawn duty carries a sealed record that passes the app's checks (`jiandu draw verify`), with
    # its assignments in the record's order; both algorithms are there.
    rows = list(DrawRecord.objects.select_related("commitment").order_by("id"))
    assert {r.record["algorithm"] for r in rows} == {d.ALGORITHM, draw_v2.ALGORITHM}
    for row in rows:
        assert record_problems(row) == [], row.pk
        assert row.commitment.algorithm == row.record["algorithm"]
        selected = [int(i.removeprefix("S")) for i in row.record["result"]["selected"]]
        assigned = list(
            Assignment.objects.filter(draw=row).order_by("position").values_list("supervisor_id", flat=True)
        )
        assert assigned == selected
    # …and, read back from the database, in a process of their own.
    for algorithm in (d.ALGORITHM, draw_v2.ALGORITHM):
        row = next(r for r in rows if r.record["algorithm"] == algorithm)
        _verify_elsewhere(row.record, row.commitment.pool, tmp_path)
    report = audit_chain_verify()
    assert report.ok, report.problem
    # The run's own figures, for `python -m bench`.
    run = bench_seed.run_latest("tiny")
    assert run is not None and run["counts"] == counts and run["wall_s"] >= 0 and run["cpu_s"] >= 0


def test_pool_file_is_what_pool_seal_makes() -> None:
    rng = random.Random(18)
    for _ in range(500):
        ids = [f"S{i}" for i in rng.sample(range(1, 100_000), rng.randint(1, 12))]
        priors = [rng.randint(0, 4) for _ in ids]
        local = [rng.random() < 0.3 for _ in ids]
        quota = any(local) and rng.random() < 0.5
        pool = {
            "candidates": [
                {"id": i, "prior": p, "categories": {"local": ["local" if lo else "cross"]}}
                for i, p, lo in zip(ids, priors, local, strict=True)
            ],
            "excluded": [],
            "counts": {"candidates": len(ids), "excluded": 0},
        }
        req = {"k": 3, "quotas": [bench_seed.LOCAL_QUOTA] if quota else []}
        doc, req_out, _ = draw_v2.pool_seal(pool, req)
        assert bench_seed.pool_file(ids, priors, local, quota=quota) == doc
        assert req_out == req


def test_fernet_batch_tokens_are_what_the_app_decrypts() -> None:
    from jiandu.core.crypto import decrypt

    # Lengths on and around the AES block (a full block of padding when the value fills its blocks),
    # non-ASCII, and a chunk's worth of seeds side by side.
    values = ["", "a", "x" * 15, "y" * 16, "z" * 17, "王伟" * 9, "110101199001011237"]
    values += [random.Random(i).randbytes(32).hex() for i in range(50)]
    tokens = bench_seed.FernetBatch.from_settings().encrypt(values)
    assert [decrypt(t) for t in tokens] == values
    assert len(set(tokens)) == len(tokens)  # a fresh IV each


def test_copy_text_escapes_and_formats_as_postgresql_reads_it() -> None:
    import datetime as dt

    at = dt.datetime(2026, 11, 16, 9, 30, tzinfo=dt.UTC)
    rows = [(1, "a\\b\tc\nd\re", None, True, False, dt.date(2026, 1, 2), at, '{"k":"中"}')]
    assert bench_seed._copy_text(rows, "\t\\N\t0") == (
        '1\ta\\\\b\\tc\\nd\\re\t\\N\tt\tf\t2026-01-02\t2026-11-16T09:30:00+00:00\t{"k":"中"}\t\\N\t0\n'
    )
    with pytest.raises(TypeError, match="bytes"):
        bench_seed._copy_text([(b"raw",)], "")
