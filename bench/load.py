"""Load on a running site: N concurrent users for D seconds, loopback only (issue 11 #7).

    .venv/bin/jiandu demo && PORT=8111 .venv/bin/jiandu serve &        # or any running instance
    .venv/bin/python -m bench.load --url http://127.0.0.1:8111 [--users 200] [--seconds 60]

A bounded asyncio client (standard library only: one asyncio stream per user, HTTP/1.1 keep-alive, no
third-party load tool). Each user loops over the public pages a visitor reads — the portal, a
programme's page and public roster, the draw records, the sign-in page, the audit checkpoints — with
no think time, so the figures are the site's ceiling, not a traffic model. The rate-limited lookups
(certificate check, status, forms) are left out on purpose: from one address they would answer 429
by design. Reports requests, errors (non-2xx/3xx or failed connections), throughput and the p50 / p95 /
p99 latency. Refuses any host that is not the loopback interface.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import re
import socket
import statistics
import sys
import time
from urllib.parse import urlparse

PATHS = ["/public/", "/duties/draws/", "/accounts/login/", "/audit/public/checkpoints/"]


def _loopback(host: str) -> bool:
    try:
        return all(ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None))
    except (socket.gaierror, ValueError):
        return False


async def _get(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, path: str
) -> tuple[int, bytes]:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: jiandu-bench\r\n\r\n".encode())
    await writer.drain()
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    length, chunked, close = 0, False, False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
        elif name == "connection" and value.lower() == "close":
            close = True
    if chunked:
        body = b""
        while (size := int((await reader.readline()).strip() or b"0", 16)) > 0:
            body += await reader.readexactly(size + 2)
        await reader.readline()
    else:
        body = await reader.readexactly(length) if length else b""
    if close:
        raise ConnectionResetError("server closed the connection")
    return status, body


async def _user(host: str, port: int, paths: list[str], until: float, out: list[tuple[float, bool]]) -> None:
    conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
    i = 0
    while time.monotonic() < until:
        path = paths[i % len(paths)]
        i += 1
        started = time.monotonic()
        try:
            if conn is None:
                conn = await asyncio.open_connection(host, port)
            status, _ = await _get(conn[0], conn[1], host, path)
            ok = 200 <= status < 400
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
            ok = False
            if conn is not None:
                conn[1].close()
            conn = None
        out.append((time.monotonic() - started, ok))
    if conn is not None:
        conn[1].close()


async def _discover(host: str, port: int) -> list[str]:
    """Add each active programme's public page and roster, found from the portal's front page."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        _, body = await _get(reader, writer, host, "/public/")
    finally:
        writer.close()
    found = sorted(set(re.findall(rb'href="(/public/(?:programmes|roster)/\d+/)"', body)))[:6]
    return PATHS + [p.decode() for p in found]


async def _main(url: str, users: int, seconds: float) -> dict[str, object]:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    paths = await _discover(host, port)
    until = time.monotonic() + seconds
    out: list[tuple[float, bool]] = []
    started = time.monotonic()
    await asyncio.gather(
        *[
            _user(host, port, paths[k % len(paths) :] + paths[: k % len(paths)], until, out)
            for k in range(users)
        ]
    )
    wall = time.monotonic() - started
    latencies = sorted(t for t, _ in out)
    errors = sum(1 for _, ok in out if not ok)

    def pct(p: float) -> float:
        return (
            round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000, 1)
            if latencies
            else 0.0
        )

    return {
        "users": users,
        "seconds": round(wall, 1),
        "requests": len(out),
        "errors": errors,
        "requests_per_second": round(len(out) / wall, 1) if wall else 0,
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else 0.0,
        "paths": paths,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    host = urlparse(args.url).hostname or ""
    if not _loopback(host):
        sys.exit(f"refused: {host} is not the loopback interface (this script only loads a local instance)")
    if not 1 <= args.users <= 1000 or not 1 <= args.seconds <= 600:
        sys.exit("users 1–1000, seconds 1–600")
    result = asyncio.run(_main(args.url, args.users, args.seconds))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    sys.exit(1 if result["errors"] else 0)


if __name__ == "__main__":
    main()
