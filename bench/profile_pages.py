"""Where a page's Python CPU goes: each page of bench.pages requested in this process through Django's
WSGI handler (no server, no client), as the same users, with DEBUG off as in production.

    DATABASE_URL=postgres://… .venv/bin/python -m bench.profile_pages [--repeat 30] [--profile PAGE]

For every page: CPU ms per request (`time.process_time` over `--repeat` requests after 3 warm-ups:
this process's own CPU, PostgreSQL's is not in it) and wall ms. `--profile NAME` (a page name as
bench.pages prints it, e.g. "duty list") prints cProfile's top functions (cumulative and own time) for
`--repeat` requests of that page; `--pyinstrument` uses pyinstrument instead when it is installed
(it is not a dependency: `pip install pyinstrument` in a development venv).

Read-only apart from the sessions bench.pages also makes; persistent connection as production runs.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from collections.abc import Callable
from typing import Any

from bench._db import setup_django


def _environ(path: str, cookie: str) -> dict[str, Any]:
    from django.test.client import RequestFactory

    environ: dict[str, Any] = RequestFactory()._base_environ(  # type: ignore[attr-defined]  # as gunicorn's
        PATH_INFO=path,
        REQUEST_METHOD="GET",
        HTTP_COOKIE=cookie,
        HTTP_HOST="127.0.0.1",
        HTTP_USER_AGENT="jiandu-bench-pages",
        SERVER_NAME="127.0.0.1",
    )
    return environ


def requester(path: str, cookie: str) -> Callable[[], tuple[int, int]]:
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()

    def get() -> tuple[int, int]:
        status: list[str] = []
        body = handler(_environ(path, cookie), lambda s, h, *a: status.append(s))  # type: ignore[arg-type,func-returns-value]
        size = sum(len(chunk) for chunk in body)
        body.close()  # type: ignore[attr-defined]  # request_finished: what gunicorn does
        return int(status[0].split()[0]), size

    return get


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", action="append", default=[], help="page name to profile (repeatable)")
    parser.add_argument("--pyinstrument", action="store_true")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--only", default="", help="regex: list only functions whose file:line(name) matches")
    parser.add_argument("--as", dest="who", choices=("province", "national"), default="province")
    args = parser.parse_args()
    os.environ["JIANDU_DEBUG"] = "0"
    os.environ.setdefault("JIANDU_DB_CONN_MAX_AGE", "600")
    setup_django(migrate=False)
    from bench.pages import TRIVIAL, targets

    staff, phone, staff_cookie, phone_cookie = targets(args.who)
    pages = [(n, p, staff_cookie) for n, p in staff.items()]
    pages += [(n, p, phone_cookie) for n, p in phone.items()]
    pages.append(("trivial view", TRIVIAL, staff_cookie))
    print(f"{'page':<20} {'path':<26} {'CPU ms/req':>10} {'wall ms':>8} {'KB':>5}  status")
    for name, path, cookie in pages:
        if args.profile and name not in args.profile:
            continue
        get = requester(path, cookie)
        for _ in range(3):
            get()
        if name in args.profile:
            if args.pyinstrument:
                from pyinstrument import Profiler

                profiler = Profiler(interval=0.0005)
                profiler.start()
                for _ in range(args.repeat):
                    get()
                profiler.stop()
                print(profiler.output_text(unicode=True, color=False, show_all=False))
            else:
                prof = cProfile.Profile(time.process_time)  # CPU, not the wait for PostgreSQL
                prof.enable()
                for _ in range(args.repeat):
                    get()
                prof.disable()
                for order in ("cumulative", "tottime"):
                    out = io.StringIO()
                    pstats.Stats(prof, stream=out).sort_stats(order).print_stats(
                        *([args.only] if args.only else []), args.top
                    )
                    print(out.getvalue())
        cpu0, wall0 = time.process_time(), time.perf_counter()
        status, size = 0, 0
        for _ in range(args.repeat):
            status, size = get()
        cpu = (time.process_time() - cpu0) / args.repeat * 1000
        wall = (time.perf_counter() - wall0) / args.repeat * 1000
        print(f"{name:<20} {path:<26} {cpu:>10.1f} {wall:>8.1f} {size / 1024:>5.0f}  {status}", flush=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
