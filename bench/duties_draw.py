"""One draw from a pool of 100,000 with conflicts, specialties and quotas, with the same code the service
uses (jiandu.rules.draw_v2; v1, jiandu.rules.draw, beside it for comparison), plus building and verifying
its public record.

    .venv/bin/python -m bench.duties_draw [--pool 100000] [--repeat 21] [--v1-repeat 3]

The pool is synthetic: 100,000 + 5% excluded (conflicts, recorded with reasons), prior duty counts 0–6,
one or two of eleven specialties, 30% local, 40% women, 8% 回族. Requirements: 5 people; v1: law ≥ 1,
medicine ≥ 1, ≥ 2 local, ≥ 1 cross-district; v2 the same plus women 2–3 and 回族 ≤ 1.

"draw" is what the ceremony computes once the seed is revealed: from the pool file (as parsed from the
commitment), index it by tier and quota profile and select — wall and CPU time, median and worst of
--repeat draws, each with a fresh seed. "open" (normalising and grouping the pool, hashing the file) is
done once when the draw is opened, before the seed exists, and is shown apart.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from typing import Any

from bench._db import no_database
from jiandu.rules import draw as d
from jiandu.rules import draw_v2 as v

SPECIALTIES = [
    "law", "finance", "accounting", "medicine", "it", "environment",
    "construction", "food_safety", "education", "media", "other",
]  # fmt: skip
WITNESSES = ["吴静：3141", "王芳：绿色的猫"]
V1_REQ = d.Requirements(k=5, specialty_minimums={"law": 1, "medicine": 1}, local_min=2, cross_min=1)
V2_REQ = v.Requirements(
    k=5,
    quotas=(
        v.Quota("specialty", "law", 1),
        v.Quota("specialty", "medicine", 1),
        v.Quota("local", "local", 2),
        v.Quota("local", "cross", 1),
        v.Quota("gender", "女", 2, 3),
        v.Quota("ethnicity", "回族", 0, 1),
    ),
)


def synthetic_pool(n: int, rng: random.Random) -> dict:
    """Candidates with v1's members (specialties, local) and v2's categories."""
    candidates = []
    for i in range(1, n + 1):
        specialties = rng.sample(SPECIALTIES, rng.randint(1, 2))
        local = rng.random() < 0.3
        candidates.append(
            {
                "id": f"S{i}",
                "prior": rng.randint(0, 6),
                "specialties": specialties,
                "local": local,
                "categories": {
                    "district": [str(rng.randint(1, 3000))],
                    "local": ["local" if local else "cross"],
                    "specialty": specialties,
                    "gender": ["女" if rng.random() < 0.4 else "男"],
                    "ethnicity": ["回族" if rng.random() < 0.08 else "汉族"],
                },
            }
        )
    excluded = [
        {
            "id": f"S{n + i}",
            "reasons": [
                {
                    "code": "conflict_own_employer",
                    "article": "第十三条",
                    "message": "本人工作单位为案件当事人",
                }
            ],
        }
        for i in range(1, n // 20 + 1)
    ]
    return {
        "candidates": candidates,
        "excluded": excluded,
        "counts": {"candidates": n, "excluded": len(excluded)},
    }


def _timed(fn: Any) -> tuple[Any, float, float]:
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t, time.process_time() - c


def measure_v2(n: int, repeat: int, rng: random.Random) -> dict[str, Any]:
    pool = synthetic_pool(n, rng)
    (doc, req_out, _), open_wall, open_cpu = _timed(lambda: v.pool_seal(pool, V2_REQ.to_dict()))
    raw = v.pool_file_bytes(doc)
    doc = json.loads(raw)  # as the ceremony has it: parsed from the stored commitment
    walls, cpus, selects = [], [], []
    result = None
    for _ in range(repeat):
        seed = rng.randbytes(32)
        result, wall, cpu = _timed(lambda s=seed: v.draw(doc, V2_REQ, s, WITNESSES))
        walls.append(wall)
        cpus.append(cpu)
        prepared = v.pool_prepare(doc, V2_REQ)
        _, _, sel_cpu = _timed(lambda p=prepared, s=seed: v.draw_prepared(p, s, WITNESSES))
        selects.append(sel_cpu)
    assert result is not None and not result.notes
    witnesses = [{"name": w.split("：")[0], "role": "", "value": w} for w in WITNESSES]
    record, build_wall, _ = _timed(
        lambda: v.record_build(
            pool_doc=doc,
            requirements=req_out,
            seed=rng.randbytes(32),
            witnesses=witnesses,
            meta={"number": 1},
        )
    )
    problems, verify_wall, _ = _timed(lambda: v.record_verify(record, doc))
    assert not problems, problems
    return {
        "wall_p50": statistics.median(walls),
        "cpu_p50": statistics.median(cpus),
        "wall_max": max(walls),
        "cpu_max": max(cpus),
        "select_cpu_p50": statistics.median(selects),
        "open_wall": open_wall,
        "open_cpu": open_cpu,
        "build_wall": build_wall,
        "verify_wall": verify_wall,
        "record_bytes": len(json.dumps(record, ensure_ascii=False).encode()),
        "pool_file_bytes": len(raw),
        "groups": len(doc["groups"]),
        "stream_bytes": result.stream_bytes,
        "repeat": repeat,
    }


def measure_v1(n: int, repeat: int, rng: random.Random) -> dict[str, Any]:
    pool = synthetic_pool(n, rng)
    candidates = [d.candidate_from_dict(c) for c in pool["candidates"]]
    walls, cpus = [], []
    for _ in range(repeat):
        seed = rng.randbytes(32)
        _, wall, cpu = _timed(lambda s=seed: d.draw(candidates, V1_REQ, s, WITNESSES))
        walls.append(wall)
        cpus.append(cpu)
    record = d.record_build(
        pool=pool,
        requirements=V1_REQ.to_dict(),
        seed=rng.randbytes(32),
        witnesses=[{"name": "吴静", "role": "", "value": WITNESSES[0]}],
        meta={"number": 1},
    )
    return {
        "wall_p50": statistics.median(walls),
        "cpu_p50": statistics.median(cpus),
        "record_bytes": len(json.dumps(record, ensure_ascii=False).encode()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pool", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--v1-repeat", type=int, default=3)
    args = parser.parse_args()
    no_database()
    rng = random.Random(20250312)
    r2 = measure_v2(args.pool, args.repeat, rng)
    r1 = measure_v1(args.pool, args.v1_repeat, rng) if args.v1_repeat else None
    ms = 1000
    print(
        f"pool {args.pool:,} candidates + {args.pool // 20:,} excluded; k=5, law≥1, medicine≥1, local≥2, "
        "cross≥1 (v2 also women 2–3, 回族 ≤ 1)"
    )
    print(
        f"draw v2 (index + select, from the pool file): p50 {r2['wall_p50'] * ms:.1f} ms wall, "
        f"{r2['cpu_p50'] * ms:.1f} ms CPU; worst {r2['wall_max'] * ms:.1f} ms wall, {r2['cpu_max'] * ms:.1f} ms CPU "
        f"({r2['repeat']} draws; the selection alone {r2['select_cpu_p50'] * ms:.2f} ms CPU)"
    )
    print(
        f"open v2 (group + hash the pool file, once, before the seed): {r2['open_wall'] * ms:.0f} ms wall, "
        f"{r2['open_cpu'] * ms:.0f} ms CPU; pool file {r2['pool_file_bytes']:,} bytes in {r2['groups']} groups"
    )
    print(
        f"record v2: {r2['record_bytes']:,} bytes; build {r2['build_wall'] * ms:.0f} ms, verify "
        f"{r2['verify_wall'] * ms:.0f} ms wall; stream bytes per draw {r2['stream_bytes']}"
    )
    if r1:
        print(
            f"draw v1 (order of the whole pool), for comparison: p50 {r1['wall_p50'] * ms:.0f} ms wall, "
            f"{r1['cpu_p50'] * ms:.0f} ms CPU; record {r1['record_bytes']:,} bytes"
        )


if __name__ == "__main__":
    main()
