"""A simulated year of draws, in memory, with the same draw code (docs/draw.md §8): how far apart do
supervisors' duty counts end up, against a plain uniform draw on the same inputs? Pure Python."""

from __future__ import annotations

import hashlib
import statistics
import time
from typing import Any

from django.utils.translation import gettext

from jiandu.rules import draw as d


def simulate_year(*, supervisors: int, duties: int, per_duty: int, seed: str) -> dict[str, Any]:
    if supervisors < 1 or duties < 0 or per_duty < 1:
        raise ValueError(gettext("监督员人数、活动数和每次人数须为正数"))
    ids = [f"S{i}" for i in range(1, supervisors + 1)]
    balanced = dict.fromkeys(ids, 0)
    uniform = dict.fromkeys(ids, 0)
    requirements = d.Requirements(k=per_duty)
    timings = []
    for i in range(duties):
        label = f"{seed}:{i}"
        duty_seed = hashlib.sha256(label.encode("utf-8")).digest()
        pool = [d.Candidate(cid, balanced[cid]) for cid in ids]
        started = time.perf_counter()
        result = d.draw(pool, requirements, duty_seed, [label])
        timings.append((time.perf_counter() - started) * 1000)
        for cid in result.selected:
            balanced[cid] += 1
        stream = d.RandomStream(d.draw_key(duty_seed, [label]))
        for cid in d.uniform_sample(ids, per_duty, stream):
            uniform[cid] += 1
    return {
        "supervisors": supervisors,
        "duties": duties,
        "per_duty": per_duty,
        "seed": seed,
        "algorithm": d.ALGORITHM,
        "spread": max(balanced.values()) - min(balanced.values()),
        "uniform_spread": max(uniform.values()) - min(uniform.values()),
        "min": min(balanced.values()),
        "max": max(balanced.values()),
        "uniform_min": min(uniform.values()),
        "uniform_max": max(uniform.values()),
        "draw_ms_p50": round(statistics.median(timings), 3) if timings else 0.0,
        "draw_ms_max": round(max(timings), 3) if timings else 0.0,
    }
