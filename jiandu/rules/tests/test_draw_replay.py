"""docs/draw-replay.mjs — an independent replay written in JavaScript from docs/draw.md alone — agrees
with the Python draw: the proof that the specification is language-independent."""

from __future__ import annotations

import copy
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from jiandu.rules import draw as d

SCRIPT = Path(__file__).resolve().parents[3] / "docs" / "draw-replay.mjs"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


def _replay(record: dict) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NODE or "node", str(SCRIPT)],
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


def test_javascript_replay_agrees() -> None:
    rng = random.Random(20250312)
    for _ in range(15):
        record = _random_record(rng)
        done = _replay(record)
        assert done.returncode == 0, (done.stdout, done.stderr)


def test_javascript_replay_catches_a_change() -> None:
    record = _random_record(random.Random(7))
    changed = copy.deepcopy(record)
    changed["witnesses"][0]["value"] += "x"
    done = _replay(changed)
    assert done.returncode == 1
    assert "FAIL order" in done.stdout or "FAIL record_hash" in done.stdout
