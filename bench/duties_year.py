"""A simulated year of draws (the same code as `jiandu draw simulate`): the spread of duty counts
under the balanced draw against a plain uniform draw.

    .venv/bin/python -m bench.duties_year
"""

from __future__ import annotations

import json

from bench._db import no_database, timed
from jiandu.duties.simulation import simulate_year

CASES = [
    # supervisors, duties, per duty — a city programme (Weihai: ~40 people's supervisors), a large one
    (40, 150, 3),
    (100, 300, 3),
    (500, 1000, 5),
    (2000, 2000, 5),
]


def main() -> None:
    no_database()
    for n, m, k in CASES:
        with timed() as t:
            r = simulate_year(supervisors=n, duties=m, per_duty=k, seed="bench")
        print(
            json.dumps(
                {
                    key: r[key]
                    for key in (
                        "supervisors",
                        "duties",
                        "per_duty",
                        "spread",
                        "uniform_spread",
                        "draw_ms_p50",
                        "draw_ms_max",
                    )
                }
                | {"wall_s": round(t.wall, 2), "cpu_s": round(t.cpu, 2)}
            )
        )


if __name__ == "__main__":
    main()
