"""Rules core throughput: eligibility decisions per second and working-day arithmetic.

    .venv/bin/python -m bench.rules_bench [--seconds 2]

Pure Python, no database: the rules core as the services call it (rulebook cached, calendar built
once per process as work_calendar() does).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections.abc import Callable

from bench._db import no_database
from jiandu.rules.calendar import WorkCalendar
from jiandu.rules.catalogue import EDUCATION_LEVELS, POSTS, RECORDS
from jiandu.rules.deadlines import request_lead_decide
from jiandu.rules.eligibility import Person, eligibility_decide
from jiandu.rules.rulebook import Rulebook, load_rulebook


def measure(label: str, fn: Callable[[int], object], seconds: float, unit: str = "ops") -> float:
    fn(0)  # warm caches
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(200):
            fn(count)
            count += 1
    rate = count / elapsed
    print(f"{label:<58} {rate:>12,.0f} {unit}/s   ({count:,} in {elapsed:.2f} s)")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    no_database()
    rng = random.Random(20261122)
    people = [
        Person(
            birth_date=dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 70 * 365)),
            education=rng.choice(EDUCATION_LEVELS),
            nationality=rng.choice(["CN", "CN", "CN", "US"]),
            records=frozenset(rng.sample(sorted(RECORDS), k=rng.choice([0, 0, 0, 1]))),
            posts=frozenset(rng.sample(sorted(POSTS), k=rng.choice([0, 0, 0, 1]))),
        )
        for _ in range(5000)
    ]
    on = dt.date(2026, 11, 22)
    print(f"Jiandu rules core benchmark ({args.seconds:.1f} s per line)\n")
    for rid in ("shanxi-prison-2023", "wanzhou-admin-2024", "weihai-people-2024"):
        book = load_rulebook(rid)

        def decide(i: int, book: Rulebook = book) -> object:
            return eligibility_decide(book, people[i % len(people)], on)

        measure(f"eligibility_decide [{rid}]", decide, args.seconds, "decisions")
    cal = WorkCalendar()
    days = [dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(0, 21 * 365)) for _ in range(5000)]
    measure(
        "is_working_day (warm cache)",
        lambda i: cal.is_working_day(days[i % len(days)]),
        args.seconds,
        "calls",
    )
    measure(
        "add_working_days(d, 5)",
        lambda i: cal.add_working_days(days[i % len(days)], 5),
        args.seconds,
        "calls",
    )
    measure(
        "subtract_working_days(d, 20)",
        lambda i: cal.subtract_working_days(days[i % len(days)], 20),
        args.seconds,
        "calls",
    )
    measure("deadline(d, 30)", lambda i: cal.deadline(days[i % len(days)], 30), args.seconds, "calls")

    def cold(i: int) -> object:
        return WorkCalendar().add_working_days(days[i % len(days)], 5)

    measure("add_working_days(d, 5) on a fresh calendar (cold)", cold, args.seconds, "calls")
    weihai = load_rulebook("weihai-people-2024")
    recent = [dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(0, 600)) for _ in range(2000)]
    measure(
        "request_lead_decide [weihai-people-2024]",
        lambda i: request_lead_decide(
            weihai,
            cal,
            requested_on=recent[i % len(recent)],
            duty_on=recent[i % len(recent)] + dt.timedelta(days=9),
        ),
        args.seconds,
        "decisions",
    )


if __name__ == "__main__":
    main()
