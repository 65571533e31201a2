"""Runs inside the benchmark's own virtualenv (var/bench-sortition, made by bench/draw_v2.py), never in
the project's: sortition-algorithms is not a project dependency. Reads a JSON job on stdin, prints a
JSON result. No jiandu import here.

Job: {"pool": [{"id", "district", "lawyer", "gender"}], "features": [{"feature", "value", "min", "max"}],
      "k", "panels", "attempts", "year": {"duties"} | null, "seed"}
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter

from sortition_algorithms import Settings, errors, read_in_features, read_in_people
from sortition_algorithms.committee_generation.common import check_category_selected
from sortition_algorithms.committee_generation.legacy import (
    find_random_sample_legacy,
    find_random_sample_legacy_single_attempt,
)
from sortition_algorithms.utils import set_random_provider

FEATURES = ("district", "lawyer", "gender")


def main() -> None:
    job = json.load(sys.stdin)
    set_random_provider(int(job["seed"]))
    head = ["feature", "value", "min", "max"]
    body = [{h: str(f[h]) for h in head} for f in job["features"]]
    features, _, _ = read_in_features(head, body, job["k"])
    settings = Settings(
        id_column="id", columns_to_keep=[], check_same_address=False, check_same_address_columns=[]
    )
    people_head = ["id", *FEATURES]
    people, _ = read_in_people(
        people_head, [{h: str(p[h]) for h in people_head} for p in job["pool"]], features, settings
    )
    cell_of = {p["id"]: tuple(p[f] for f in FEATURES) for p in job["pool"]}
    k = job["k"]

    # One attempt at a time: how often does a single attempt give a panel within every quota?
    single_ok, single_n = 0, job["panels"]
    for _ in range(single_n):
        try:
            committees, _ = find_random_sample_legacy_single_attempt(people, features, k, [])
            check_category_selected(features, people, committees, number_selections=1)
        except errors.SelectionError:
            continue
        single_ok += 1

    # Panels as run_stratification makes them (retrying up to `attempts`): time, and who is selected.
    walls, cpus, failed = [], [], 0
    selected: Counter[str] = Counter()
    for _ in range(job["panels"]):
        t, c = time.perf_counter(), time.process_time()
        try:
            committees, _ = find_random_sample_legacy(people, features, k, [], max_attempts=job["attempts"])
        except errors.SelectionError:
            failed += 1
            continue
        finally:
            walls.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
        selected.update(committees[0])

    year = None
    if job.get("year"):
        counts: Counter[str] = Counter({pid: 0 for pid in cell_of})
        for _ in range(job["year"]["duties"]):
            committees, _ = find_random_sample_legacy(people, features, k, [], max_attempts=job["attempts"])
            counts.update(committees[0])
        year = dict(counts)

    print()  # the library logs to stdout; the result is the last line
    print(
        json.dumps(
            {
                "single_attempt_ok": single_ok,
                "single_attempts": single_n,
                "walls": walls,
                "cpus": cpus,
                "failed": failed,
                "selected": dict(selected),
                "year": year,
            }
        )
    )


if __name__ == "__main__":
    main()
