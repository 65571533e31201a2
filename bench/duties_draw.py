"""One draw from a pool of 100,000 with conflicts and specialties, with the same code the service
uses (jiandu.rules.draw), plus building and verifying its public record.

    .venv/bin/python -m bench.duties_draw [--pool 100000] [--repeat 5]

The pool is synthetic: 100,000 + 5% excluded (conflicts, recorded with reasons), prior duty counts 0–6,
one or two of eleven specialties, 30% local. Requirements: 5 people, law ≥ 1, medicine ≥ 1, ≥ 2 local,
≥ 1 cross-district. Prints the median and worst of --repeat runs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from jiandu.rules import draw as d

SPECIALTIES = [
    "law", "finance", "accounting", "medicine", "it", "environment",
    "construction", "food_safety", "education", "media", "other",
]  # fmt: skip


def synthetic_pool(n: int, rng: random.Random) -> dict:
    candidates = [
        {
            "id": f"S{i}",
            "prior": rng.randint(0, 6),
            "specialties": rng.sample(SPECIALTIES, rng.randint(1, 2)),
            "local": rng.random() < 0.3,
        }
        for i in range(1, n + 1)
    ]
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pool", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(20250312)
    pool = synthetic_pool(args.pool, rng)
    candidates = [d.candidate_from_dict(c) for c in pool["candidates"]]
    req = d.Requirements(k=5, specialty_minimums={"law": 1, "medicine": 1}, local_min=2, cross_min=1)
    witnesses = ["吴静：3141", "王芳：绿色的猫"]

    # Wall time and CPU time: on a shared machine, other processes stretch the wall time.
    draws, records, verifies, cpu = [], [], [], []
    for i in range(args.repeat):
        seed = rng.randbytes(32)
        t, c = time.perf_counter(), time.process_time()
        result = d.draw(candidates, req, seed, witnesses)
        draws.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        t = time.perf_counter()
        record = d.record_build(
            pool=pool,
            requirements=req.to_dict(),
            seed=seed,
            witnesses=[
                {"name": "吴静", "role": "", "value": witnesses[0]},
                {"name": "王芳", "role": "", "value": witnesses[1]},
            ],
            meta={"number": i + 1},
        )
        records.append(time.perf_counter() - t)
        t = time.perf_counter()
        problems = d.record_verify(record)
        verifies.append(time.perf_counter() - t)
        assert not problems, problems
        assert not result.notes, result.notes

    def fmt(xs: list[float]) -> str:
        return f"median {statistics.median(xs) * 1000:.0f} ms, worst {max(xs) * 1000:.0f} ms"

    print(
        f"pool {args.pool:,} candidates + {len(pool['excluded']):,} excluded; k=5, law≥1, medicine≥1, local≥2, cross≥1"
    )
    print(f"draw (order of the whole pool):         {fmt(draws)}; CPU {fmt(cpu)}")
    print(f"record build (seal pool + draw + hash): {fmt(records)}")
    print(f"record verify (replay + hashes):        {fmt(verifies)}")
    print(f"stream bytes per draw: {result.stream_bytes:,}")


if __name__ == "__main__":
    main()
