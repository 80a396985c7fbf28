"""`nocturne status` and the digest's progress at 10,000 documents (issue 14/15), beside 10.

A synthetic library of small text documents (three paragraphs each, drawn from a shared
vocabulary and a few subject words of each document's own, so that no two are equal), added by
`add_paths` (the code `nocturne add` runs), with half of the medium budget's steps recorded as
finished (as a digest that ran for a while leaves it). Measured in the same run, beside a
10-document library built the same way:

- `nocturne status --json` in a subprocess, wall time (the demand: well under 2 s at 10,000);
- the progress (`sleeptime.progress.digest_progress`): the first computation, which plans the
  library, a second one for the same library, which reads the cached plan, and the first at
  budget high, which also pairs related documents for the notes across documents;
- how many times one `nocturne status` plans the library (it was four times, each planning
  comparing every document with every other, before `DigestProgress`).

Before `DigestProgress`, `nocturne status` took 268 s on this machine at 10,000 documents
(medium budget, nothing digested; measured by hand at commit 7cf430f), and planning at budget
high compared every pair of documents (86 s at 10,000 in this bench, before the bit sets).

Knob: NOCTURNE_PROGRESS_DOCUMENTS (default 10000).
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime import plan, progress
from nocturne.sleeptime.plan import budget_steps
from nocturne.sleeptime.prompts import STEP_VERSIONS

from support import cli_env

HUGE = int(os.environ.get("NOCTURNE_PROGRESS_DOCUMENTS", "10000"))
SMALL = 10
SUBJECTS = 20_000
ROUNDS = 3
WORDS = (
    "tenant landlord deposit rent clause notice repair garden heating boiler water meter "
    "invoice payment month year term lease contract party agreement insurance damage key "
    "inventory window door roof wall floor kitchen bathroom parking storage pet smoke noise"
).split()


class WordCounter:
    """Tokens as words: the bench needs no model."""

    def count_tokens(self, text: str) -> int:
        return len(text.split())


def _library(home: Path, documents: int) -> Path:
    folder = home.parent / f"docs-{documents}"
    folder.mkdir(parents=True)
    rng = random.Random(documents)
    for i in range(documents):
        # Common words, and a few subject words of its own from a large vocabulary (drawn
        # Zipf-like, so that some documents share subjects and most pairs share none).
        subject = [f"subject{int(rng.paretovariate(0.6)) % SUBJECTS}" for _ in range(6)]
        paragraphs = [
            " ".join(rng.choice(WORDS if rng.random() < 0.75 else subject) for _ in range(40)) + "."
            for _ in range(3)
        ]
        (folder / f"doc{i:05d}.txt").write_text(f"Document {i}\n\n" + "\n\n".join(paragraphs))
    home.mkdir(parents=True)
    db = home / "library.sqlite3"
    store = Store.open(db)
    results = list(add_paths(store, [folder], Settings(), WordCounter()))
    assert sum(r.status == "added" for r in results) == documents
    _finish_half(store)
    store.close()
    return db


def _finish_half(store: Store) -> None:
    """Every other step of the medium budget recorded as done by the model status expects."""
    ids = {row.id for row in store.documents()}
    steps = budget_steps(store, "medium", True, ids)
    model_id = _expected_model_id()
    rows = [
        (s.key, s.kind, s.document_id, model_id, STEP_VERSIONS[s.kind], 100, 20, 1.5, 1, 0)
        for s in steps[::2]
    ]
    store.conn.executemany(
        "INSERT INTO digest_steps(step_key, kind, document_id, model_id, prompt_version, "
        "prompt_tokens, completion_tokens, seconds, kept, dropped) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    store.conn.commit()


def _expected_model_id() -> str:
    from nocturne.sleeptime.digest_report import expected_model_id

    return expected_model_id(Settings()) or "any-model"


def _status_seconds(home: Path) -> float:
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "nocturne", "status", "--json"],
        capture_output=True,
        text=True,
        env=cli_env(home),
        timeout=900,
    )
    elapsed = time.perf_counter() - started
    assert run.returncode == 0, run.stderr
    return elapsed


def _progress_seconds(db: Path) -> tuple[float, float, float, int]:
    """First computation (plans), second one (cached plan), the first at budget high (which
    also plans the notes across documents), and the plannings one status did."""
    store = Store.open(db)
    model_id = _expected_model_id()
    progress._cache.clear()
    started = time.perf_counter()
    first = progress.digest_progress(store, "medium", model_id)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    again = progress.digest_progress(store, "medium", model_id)
    warm = time.perf_counter() - started
    assert again.steps_done == first.steps_done and 0 < first.steps_done < first.steps_total
    plan._pairings.clear()  # the related documents are paired again, not read from memory
    started = time.perf_counter()
    high = progress.digest_progress(store, "high", model_id)
    cold_high = time.perf_counter() - started
    assert high.steps_total > first.steps_total
    progress._cache.clear()
    before = progress.plannings
    from nocturne.status_report import library_status

    library_status(store, Settings())
    plannings = progress.plannings - before
    store.close()
    return cold, warm, cold_high, plannings


def test_status_and_progress_at_scale(tmp_path: Path) -> None:
    built = {}
    for documents in (SMALL, HUGE):
        started = time.perf_counter()
        built[documents] = _library(tmp_path / f"home-{documents}", documents)
        print(f"\nbuilt {documents:,} documents in {time.perf_counter() - started:.1f} s")
    status: dict[int, list[float]] = {SMALL: [], HUGE: []}
    cold: dict[int, list[float]] = {SMALL: [], HUGE: []}
    warm: dict[int, list[float]] = {SMALL: [], HUGE: []}
    high: dict[int, list[float]] = {SMALL: [], HUGE: []}
    plannings: dict[int, int] = {}
    for _ in range(ROUNDS):  # interleaved, so both see the same machine
        for documents, db in built.items():
            status[documents].append(_status_seconds(db.parent))
            first, second, third, plannings[documents] = _progress_seconds(db)
            cold[documents].append(first)
            warm[documents].append(second)
            high[documents].append(third)
    median = {n: statistics.median(v) for n, v in status.items()}
    print(f"\nprogress at scale ({HUGE:,} documents against {SMALL}), medians of {ROUNDS}:")
    print(
        f"  nocturne status --json: {median[HUGE]:.2f} s vs {median[SMALL]:.2f} s "
        f"({median[HUGE] / median[SMALL]:.1f}x); demand well under 2 s: "
        f"{'held' if median[HUGE] < 2.0 else 'MISSED'}"
    )
    for name, values in (
        ("progress, planning", cold),
        ("progress, cached plan", warm),
        ("progress, planning at budget high", high),
    ):
        big, small = statistics.median(values[HUGE]), statistics.median(values[SMALL])
        print(f"  {name}: {big * 1000:.0f} ms vs {small * 1000:.1f} ms ({big / small:.0f}x)")
    print(f"  plannings per status: {plannings[HUGE]} (was 4)")
    assert plannings[HUGE] == 1
    assert median[HUGE] < 10.0  # a regression to planning per caller takes minutes
