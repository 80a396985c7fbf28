"""The digest against a server with parallel slots: wall time for 1, 2, 4 and 8 requests in
flight, side by side in one run (`make bench`).

The server is the loopback scripted one of the remote tests (`tests/remote/slot_server.py`):
OpenAI-compatible, threaded, every chat completion taking `LATENCY_S` as a model on a GPU box
would, and serving as many at once as it is sent (a batch server's slots). Each run digests a
fresh copy of the same library at budget high (every step kind: structure, chunk notes, section
and document summaries, cross-document notes, the library brief) with `remote_concurrency` = N.
Printed: wall time, its ratio to N=1, the requests in flight on average (the digest's own
report) and the server's peak. The goal: the ratio stays within 1.5/N. Each run's notes and
step records are also checked to equal the N=1 run's.

Knobs (environment): NOCTURNE_BENCH_REMOTE_DOCS (documents, default 12),
NOCTURNE_BENCH_REMOTE_LATENCY (seconds per request, default 0.2).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from nocturne.engine.remote import RemoteEngine
from nocturne.settings import Settings
from nocturne.sleeptime.runner import DigestResult, DigestRunner
from remote.digest_library import new_library, notes_of, steps_of
from remote.slot_server import MODEL, SlotServer

pytestmark = [pytest.mark.bench, pytest.mark.slow]

DOCUMENTS = int(os.environ.get("NOCTURNE_BENCH_REMOTE_DOCS", "12"))
LATENCY_S = float(os.environ.get("NOCTURNE_BENCH_REMOTE_LATENCY", "0.2"))
CONCURRENCIES = (1, 2, 4, 8)
GOAL = 1.5  # wall time at N in flight at most GOAL / N of the time at one


def digest_once(
    path: Path, concurrency: int, settings: Settings
) -> tuple[float, DigestResult, int, int, object]:
    server = SlotServer(latency_s=LATENCY_S)
    try:
        with new_library(path, DOCUMENTS) as store:
            engine = RemoteEngine(server.url, MODEL, concurrency=concurrency)
            started = time.perf_counter()
            result = DigestRunner(store, engine, "high", settings=settings).run()
            wall = time.perf_counter() - started
            stored = (notes_of(store), steps_of(store))
    finally:
        server.close()
    return wall, result, server.completions, server.peak, stored


def test_wall_time_falls_close_to_one_over_n(tmp_path: Path, settings: Settings) -> None:
    rows = []
    for n in CONCURRENCIES:
        rows.append((n, *digest_once(tmp_path / f"n{n}.db", n, settings)))
    base_wall, base_stored = rows[0][1], rows[0][5]
    print(
        f"\nremote concurrency: {DOCUMENTS} documents, budget high, {LATENCY_S:.2f} s per "
        f"request, {rows[0][3]} requests"
    )
    print("  N   wall s   ratio to N=1   goal <=   in flight (mean)   server peak")
    for n, wall, result, _requests, peak, _stored in rows:
        ratio = wall / base_wall
        in_flight = f"{result.in_flight:.1f}" if n > 1 else "(one at a time)"
        print(
            f"  {n:<3} {wall:7.2f}   {ratio:12.3f}   {GOAL / n:7.3f}   {in_flight:>16}   {peak:11d}"
        )
    for n, wall, result, requests, peak, stored in rows:
        assert result.reason == "done"
        assert requests == rows[0][3], f"N={n} sent {requests} requests, N=1 {rows[0][3]}"
        assert peak <= n
        assert stored == base_stored, f"N={n} stored other notes than N=1"
        assert wall / base_wall <= GOAL / n, f"N={n}: {wall:.2f} s vs {base_wall:.2f} s at N=1"
