"""Draw v2 against sortition-algorithms' `legacy` algorithm (docs/draw.md §II.8).

    .venv/bin/python -m bench.draw_v2 [--panels 1000] [--legacy-panels 500] [--year-duties 400]

A pool of 2,000 in five districts of unequal size (40/25/17/12/6 %), 10 % lawyers, 40 % women; panels of
k = 7 with quotas on every value: each district 1–2, lawyers 2–3 (others 4–5), women 3–4 (men 3–4).
For both algorithms: time per panel (wall and CPU), the share of panels meeting every quota (for legacy,
of single attempts; its wrapper retries up to 100 times), and the minimum selection probability ÷ (k/n)
by Monte Carlo — per quota cell (district × lawyer × gender), since both treat the members of a cell
alike, which makes the estimate far less noisy than per person. Then a year: `--year-duties` panels in
a row, v2 feeding each one's duty counts into the next (机会均衡), legacy drawing from the same pool each
time; the figure is the largest spread (max − min duty count) within any cell.

sortition-algorithms is installed only in this benchmark's own virtualenv (var/bench-sortition, made on
first run with pip), never in the project's: bench/_sortition_worker.py runs there and answers in JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench._db import no_database
from jiandu.rules import draw_v2 as v

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / "var" / "bench-sortition"
PACKAGE = "sortition-algorithms==0.12.15"
WORKER = Path(__file__).with_name("_sortition_worker.py")

N, K = 2_000, 7
DISTRICTS = [("D1", 0.40), ("D2", 0.25), ("D3", 0.17), ("D4", 0.12), ("D5", 0.06)]
FEATURES = [
    *({"feature": "district", "value": d, "min": 1, "max": 2} for d, _ in DISTRICTS),
    {"feature": "lawyer", "value": "yes", "min": 2, "max": 3},
    {"feature": "lawyer", "value": "no", "min": 4, "max": 5},
    {"feature": "gender", "value": "女", "min": 3, "max": 4},
    {"feature": "gender", "value": "男", "min": 3, "max": 4},
]


def make_pool(seed: int = 20261202) -> list[dict[str, str]]:
    rng = random.Random(seed)
    names, weights = zip(*DISTRICTS, strict=True)
    return [
        {
            "id": f"P{i:04d}",
            "district": rng.choices(names, weights)[0],
            "lawyer": "yes" if rng.random() < 0.10 else "no",
            "gender": "女" if rng.random() < 0.40 else "男",
        }
        for i in range(N)
    ]


def _cell(p: dict[str, str]) -> tuple[str, str, str]:
    return (p["district"], p["lawyer"], p["gender"])


def _meets(panel: list[str], by_id: dict[str, dict[str, str]]) -> bool:
    for f in FEATURES:
        got = sum(by_id[pid][f["feature"]] == f["value"] for pid in panel)
        if not f["min"] <= got <= f["max"]:
            return False
    return len(panel) == K


def _min_ratio(selected: Counter[str], panels: int, pool: list[dict[str, str]]) -> float:
    """min over cells of P(selected) ÷ (k/n), P estimated per cell."""
    size: Counter[tuple[str, str, str]] = Counter(_cell(p) for p in pool)
    hits: Counter[tuple[str, str, str]] = Counter()
    by_id = {p["id"]: p for p in pool}
    for pid, n in selected.items():
        hits[_cell(by_id[pid])] += n
    return min(hits[c] / (panels * size[c]) for c in size) / (K / N)


def _spread(counts: dict[str, int], pool: list[dict[str, str]]) -> int:
    cells: dict[tuple[str, str, str], list[int]] = {}
    for p in pool:
        cells.setdefault(_cell(p), []).append(counts.get(p["id"], 0))
    return max(max(c) - min(c) for c in cells.values())


def _requirements() -> v.Requirements:
    return v.Requirements(
        k=K, quotas=tuple(v.Quota(f["feature"], f["value"], f["min"], f["max"]) for f in FEATURES)
    )


def _doc(pool: list[dict[str, str]], counts: dict[str, int], req: v.Requirements) -> dict[str, Any]:
    candidates = [
        {
            "id": p["id"],
            "prior": counts.get(p["id"], 0),
            "categories": {"district": [p["district"]], "lawyer": [p["lawyer"]], "gender": [p["gender"]]},
        }
        for p in pool
    ]
    return v.pool_seal({"candidates": candidates, "excluded": []}, req.to_dict())[0]


def run_v2(pool: list[dict[str, str]], panels: int, year_duties: int) -> dict[str, Any]:
    req = _requirements()
    doc = _doc(pool, {}, req)
    by_id = {p["id"]: p for p in pool}
    walls, cpus, ok = [], [], 0
    selected: Counter[str] = Counter()
    for i in range(panels):
        seed = hashlib.sha256(f"panel:{i}".encode()).digest()
        t, c = time.perf_counter(), time.process_time()
        result = v.draw(doc, req, seed, [str(i)])  # index + draw: everything from the pool file
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
        ok += _meets(result.selected, by_id)
        selected.update(result.selected)
    counts: dict[str, int] = {}
    for day in range(year_duties):
        result = v.draw(
            _doc(pool, counts, req), req, hashlib.sha256(f"day:{day}".encode()).digest(), [str(day)]
        )
        for pid in result.selected:
            counts[pid] = counts.get(pid, 0) + 1
    return {
        "wall_ms": statistics.median(walls) * 1000,
        "cpu_ms": statistics.median(cpus) * 1000,
        "ok_share": ok / panels,
        "min_ratio": _min_ratio(selected, panels, pool),
        "year_spread": _spread(counts, pool) if year_duties else None,
        "panels": panels,
    }


def ensure_venv() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        print(
            f"making {VENV.relative_to(ROOT)} with {PACKAGE} (the benchmark's own environment) …", flush=True
        )
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", PACKAGE], check=True)
    return python


def run_legacy(pool: list[dict[str, str]], panels: int, year_duties: int) -> dict[str, Any]:
    job = {
        "pool": pool,
        "features": FEATURES,
        "k": K,
        "panels": panels,
        "attempts": 100,
        "year": {"duties": year_duties} if year_duties else None,
        "seed": 20261202,
    }
    done = subprocess.run(
        [str(ensure_venv()), str(WORKER)], input=json.dumps(job), capture_output=True, text=True, check=True
    )
    out = json.loads(done.stdout.strip().splitlines()[-1])  # the library logs to stdout before it
    return {
        "wall_ms": statistics.median(out["walls"]) * 1000,
        "cpu_ms": statistics.median(out["cpus"]) * 1000,
        "ok_share": out["single_attempt_ok"] / out["single_attempts"],
        "failed_after_retries": out["failed"],
        "min_ratio": _min_ratio(Counter(out["selected"]), panels - out["failed"], pool),
        "year_spread": _spread(out["year"], pool) if out["year"] else None,
        "panels": panels,
    }


def compare(panels: int, legacy_panels: int, year_duties: int) -> tuple[dict[str, Any], dict[str, Any]]:
    pool = make_pool()
    return run_v2(pool, panels, year_duties), run_legacy(pool, legacy_panels, year_duties)


def table(ours: dict[str, Any], legacy: dict[str, Any], year_duties: int) -> str:
    rows = [
        ("time per panel, p50 (wall / CPU)", "{wall_ms:.1f} / {cpu_ms:.1f} ms"),
        ("panels meeting every quota", "{ok_share:.1%}"),
        ("min selection probability ÷ (k/n)", "{min_ratio:.2f}"),
        (f"year of {year_duties} panels: max spread within a cell", "{year_spread}"),
    ]
    lines = [
        f"pool {N:,}, k={K}; quotas: each of 5 districts 1–2, lawyers 2–3, women 3–4, men 3–4",
        f"{'':<46}  {'jiandu-draw-v2':<22}  sortition-algorithms legacy",
    ]
    for label, fmt in rows:
        lines.append(f"{label:<46}  {fmt.format(**ours):<22}  {fmt.format(**legacy)}")
    lines.append(
        f"(v2: {ours['panels']} panels, index + draw from the pool file each time; legacy: {legacy['panels']} "
        f"panels with up to 100 attempts each, {legacy['failed_after_retries']} failed; its quota share is of "
        "single attempts)"
    )
    return "\n".join(lines)


def figures() -> list[Any]:
    """Rows for `python -m bench` (bench/__main__.py)."""
    from bench.__main__ import Figure

    ours, legacy = compare(400, 150, 200)
    return [
        Figure(
            "draw v2: share of panels meeting every quota (min and max), 2,000 pool k=7",
            "100% where the pool allows",
            f"{ours['ok_share']:.1%} (legacy single attempt {legacy['ok_share']:.1%})",
        ),
        Figure(
            "draw v2 vs sortition-algorithms legacy, 2,000 pool k=7",
            "time per panel, min P ÷ (k/n)",
            f"v2 {ours['wall_ms']:.1f} ms wall / {ours['cpu_ms']:.1f} ms CPU, min {ours['min_ratio']:.2f}; "
            f"legacy {legacy['wall_ms']:.1f} ms wall / {legacy['cpu_ms']:.1f} ms CPU, min {legacy['min_ratio']:.2f}",
        ),
        Figure(
            "year simulation with quotas (200 panels of 7 from 2,000): duty-count spread per cell",
            "≤ 1",
            f"v2 {ours['year_spread']}; legacy {legacy['year_spread']}",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--panels", type=int, default=1000)
    parser.add_argument("--legacy-panels", type=int, default=300)
    parser.add_argument("--year-duties", type=int, default=300)
    args = parser.parse_args()
    no_database()
    ours, legacy = compare(args.panels, args.legacy_panels, args.year_duties)
    print(table(ours, legacy, args.year_duties))


if __name__ == "__main__":
    main()
