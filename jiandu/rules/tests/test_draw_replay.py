"""docs/draw-replay.mjs — an independent replay written in JavaScript from docs/draw.md alone — agrees
with the Python draw: the proof that the specification is language-independent. v2 records (with their
pool file) also replay in a fresh Python process (`python -m jiandu.rules.draw_v2`), to the same panel."""

from __future__ import annotations

import copy
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jiandu.rules import draw as d
from jiandu.rules import draw_v2 as v2

SCRIPT = Path(__file__).resolve().parents[3] / "docs" / "draw-replay.mjs"
NODE = shutil.which("node")

needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")


def _replay(record: dict, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NODE or "node", str(SCRIPT), *args],
        input=json.dumps(record, ensure_ascii=False),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _random_record(rng: random.Random) -> dict:
    specialties = ["law", "finance", "medicine", "it", "法律"]
    pool = {
        "candidates": [
            {
                # ids beyond the BMP and mixed scripts exercise code point ordering
                "id": rng.choice(["S", "甲", "𠀀", "s"]) + str(i),
                "prior": rng.randint(0, 3),
                "specialties": rng.sample(specialties, rng.randint(0, 2)),
                "local": rng.random() < 0.4,
            }
            for i in range(rng.randint(1, 60))
        ],
        "excluded": [],
    }
    req = {
        "k": rng.randint(1, 8),
        "specialty_minimums": {s: rng.randint(0, 2) for s in rng.sample(specialties, 2)},
        "local_min": rng.randint(0, 2),
        "cross_min": rng.randint(0, 2),
    }
    witnesses = [
        {"name": "见证人", "role": "", "value": f"{rng.random()} 值 ✓"} for _ in range(rng.randint(1, 3))
    ]
    return d.record_build(
        pool=pool, requirements=req, seed=rng.randbytes(32), witnesses=witnesses, meta={"number": 1}
    )


@needs_node
def test_javascript_replay_agrees() -> None:
    rng = random.Random(20250312)
    for _ in range(15):
        record = _random_record(rng)
        done = _replay(record)
        assert done.returncode == 0, (done.stdout, done.stderr)


@needs_node
def test_javascript_replay_catches_a_change() -> None:
    record = _random_record(random.Random(7))
    changed = copy.deepcopy(record)
    changed["witnesses"][0]["value"] += "x"
    done = _replay(changed)
    assert done.returncode == 1
    assert "FAIL order" in done.stdout or "FAIL record_hash" in done.stdout


# ------------------------------------------------------------------------------------------ v2


def _random_v2(rng: random.Random, tmp: Path, n: int | None = None) -> tuple[dict, Path]:
    """A v2 record with quotas the pool can meet, and its pool file written to `tmp`."""
    specialties = ["law", "medicine", "法律"]
    while True:
        pool = {
            "candidates": [
                {
                    "id": rng.choice(["S", "甲", "𠀀", "s"]) + str(i),
                    "prior": rng.randint(0, 3),
                    "categories": {
                        "gender": [rng.choice(["男", "女"])],
                        "district": [rng.choice(["11", "12", "13"])],
                        "local": [rng.choice(["local", "cross"])],
                        "specialty": rng.sample(specialties, rng.randint(0, 2)),
                        "ethnicity": [rng.choice(["汉族", "回族"])],
                    },
                }
                for i in range(n or rng.randint(1, 80))
            ],
            "excluded": [],
        }
        k = rng.randint(1, 8)
        quotas = []
        for cat, value in rng.sample(
            [
                ("gender", "女"),
                ("district", "11"),
                ("specialty", "law"),
                ("ethnicity", "回族"),
                ("local", "cross"),
            ],
            rng.randint(0, 4),
        ):
            lo = rng.randint(0, 2)
            quotas.append(
                {"category": cat, "value": value, "min": lo, "max": rng.choice([None, lo + 1, lo + 3])}
            )
        req = {"k": k, "quotas": quotas}
        doc, req_out, _ = v2.pool_seal(pool, req)
        if not v2.infeasibility(v2.pool_prepare(doc, v2.requirements_from_dict(req_out))):
            break
    witnesses = [
        {"name": "见证人", "role": "", "value": f"{rng.random()} 值 ✓"} for _ in range(rng.randint(1, 3))
    ]
    record = v2.record_build(
        pool_doc=doc, requirements=req_out, seed=rng.randbytes(32), witnesses=witnesses, meta={"number": 1}
    )
    path = tmp / f"pool-{rng.random()}.json"
    path.write_bytes(v2.pool_file_bytes(doc))
    return record, path


def _python_replay(record: dict, pool_file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jiandu.rules.draw_v2", str(pool_file)],
        input=json.dumps(record, ensure_ascii=False),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=SCRIPT.parents[1],
    )


def test_v2_records_replay_in_node_and_in_a_fresh_python_to_the_same_panel(tmp_path: Path) -> None:
    rng = random.Random(20261202)
    for _ in range(12):
        record, pool_file = _random_v2(rng, tmp_path)
        expected = "selected: " + ", ".join(record["result"]["selected"])
        py = _python_replay(record, pool_file)
        assert py.returncode == 0, (py.stdout, py.stderr)
        assert py.stdout.strip().splitlines()[-1] == expected
        if NODE is None:
            continue  # node is not installed: the Python half still runs
        js = _replay(record, str(pool_file))
        assert js.returncode == 0, (js.stdout, js.stderr)
        assert js.stdout.strip().splitlines()[-1] == expected


def test_v2_replays_catch_a_changed_pool_file_or_witness(tmp_path: Path) -> None:
    record, pool_file = _random_v2(random.Random(11), tmp_path, n=30)
    doc = json.loads(pool_file.read_bytes())
    doc["groups"][0]["ids"] = doc["groups"][0]["ids"][1:]
    altered = tmp_path / "altered.json"
    altered.write_bytes(v2.pool_file_bytes(doc))
    changed = copy.deepcopy(record)
    changed["witnesses"][0]["value"] += "x"
    assert _python_replay(record, altered).returncode == 1
    assert _python_replay(changed, pool_file).returncode == 1
    if NODE is not None:
        done = _replay(record, str(altered))
        assert done.returncode == 1 and "FAIL pool_hash" in done.stdout
        done = _replay(changed, str(pool_file))
        assert done.returncode == 1 and ("FAIL order" in done.stdout or "FAIL record_hash" in done.stdout)
