"""Killing, terminating and pausing a real digest process: nothing lost, nothing repeated."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest
from digest_samples import FOREST, OIL, add_document

from nocturne import paths
from nocturne.library.store import Store
from nocturne.sleeptime.events import STEP, DigestEvent
from nocturne.sleeptime.process import DigestProcess

from support import FAKE_ENGINE, cli_env

pytestmark = pytest.mark.slow
DEADLINE_S = 60.0


def make_library(home: Path) -> Path:
    with Store.open() as store:
        add_document(store, "Oil_crisis.pdf", OIL)
        add_document(store, "Amazon_rainforest.pdf", FOREST)
    return paths.db_path()


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Poll for a condition of another process (not a timed sleep: it returns when it holds)."""
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db, timeout=10)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db, timeout=10)
    try:
        return [tuple(r) for r in conn.execute(sql).fetchall()]
    finally:
        conn.close()


def assert_consistent(db: Path) -> None:
    """Each step row has exactly the notes it says it kept; no note is stored twice."""
    mismatched = rows(
        db,
        "SELECT s.step_key FROM digest_steps s WHERE s.kept != "
        "(SELECT COUNT(*) FROM notes n WHERE n.step_id = s.id)",
    )
    assert mismatched == []
    duplicates = rows(
        db,
        "SELECT kind, text, COUNT(*) FROM notes GROUP BY kind, text, "
        "document_id HAVING COUNT(*) > 1",
    )
    assert duplicates == []
    assert count(db, "SELECT COUNT(*) FROM notes WHERE step_id IS NULL") == 0


def digest(home: Path, *extra: str, delay: str = "0.03") -> subprocess.Popen[str]:
    env = cli_env(home, NOCTURNE_ENGINE=FAKE_ENGINE, NOCTURNE_FAKE_DELAY=delay)
    return subprocess.Popen(
        [sys.executable, "-m", "nocturne", "digest", "--budget", "high", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_kill_9_mid_run_then_resume_loses_and_repeats_nothing(home: Path) -> None:
    db = make_library(home)
    process = digest(home)
    wait_for(lambda: count(db, "SELECT COUNT(*) FROM digest_steps") >= 3, "three steps")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    before = rows(db, "SELECT id, step_key, finished_at FROM digest_steps ORDER BY id")
    assert len(before) >= 3
    assert_consistent(db)

    finished = subprocess.run(
        [sys.executable, "-m", "nocturne", "digest", "--budget", "high"],
        env=cli_env(home, NOCTURNE_ENGINE=FAKE_ENGINE),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    assert "Digest finished" in finished.stdout
    assert f"({len(before)} done earlier)" in finished.stdout
    after = rows(db, "SELECT id, step_key, finished_at FROM digest_steps ORDER BY id")
    assert after[: len(before)] == before  # finished steps were not redone
    assert len(after) > len(before)
    assert_consistent(db)
    again = subprocess.run(
        [sys.executable, "-m", "nocturne", "digest", "--budget", "high"],
        env=cli_env(home, NOCTURNE_ENGINE=FAKE_ENGINE),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "nothing to do" in again.stdout


def test_sigterm_stops_after_the_current_step(home: Path) -> None:
    db = make_library(home)
    process = digest(home)
    wait_for(lambda: count(db, "SELECT COUNT(*) FROM digest_steps") >= 1, "a step")
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=DEADLINE_S)
    assert process.returncode == 130, err  # stopped early: finished work kept, run incomplete
    assert "Digest stopped" in out
    assert "stopping after the current step" in err
    assert_consistent(db)
    states = {r[0] for r in rows(db, "SELECT state FROM documents")}
    assert "digesting" not in states


def test_max_seconds_limits_the_run(home: Path) -> None:
    make_library(home)
    done = subprocess.run(
        [sys.executable, "-m", "nocturne", "digest", "--budget", "high", "--max-seconds", "0"],
        env=cli_env(home, NOCTURNE_ENGINE=FAKE_ENGINE),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0
    assert "stopped at the time limit: 0/" in done.stdout


def test_digest_process_pauses_resumes_and_stops(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = make_library(home)
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    monkeypatch.setenv("NOCTURNE_FAKE_DELAY", "0.05")
    stepped = threading.Event()
    seen: list[DigestEvent] = []

    def on_event(event: DigestEvent) -> None:
        seen.append(event)
        if event.kind == STEP:
            stepped.set()

    digest = DigestProcess(budget="high", on_event=on_event)
    digest.start()
    try:
        pause_resume_stop(digest, db, stepped)
    finally:
        digest.stop()
    assert digest.last_event is not None and digest.last_event.total > 0
    assert_consistent(db)


def pause_resume_stop(digest: DigestProcess, db: Path, stepped: threading.Event) -> None:
    assert digest.is_running and not digest.has_ended
    assert stepped.wait(DEADLINE_S)
    digest.pause()
    assert digest.is_paused
    child = psutil.Process(digest.pid)
    wait_for(lambda: child.status() == psutil.STATUS_STOPPED, "the child to be suspended")
    paused_at = count(db, "SELECT COUNT(*) FROM digest_steps")
    # a paused digest holds no write lock: another connection can write at once
    conn = sqlite3.connect(db, timeout=0.5)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("ROLLBACK")
    conn.close()
    assert count(db, "SELECT COUNT(*) FROM digest_steps") == paused_at
    digest.resume()
    assert not digest.is_paused
    wait_for(lambda: child.status() != psutil.STATUS_STOPPED, "the child to run again")
    started = time.monotonic()
    digest.stop()
    assert time.monotonic() - started < 3.0
    assert digest.has_ended and not digest.is_running


def test_digest_process_runs_to_the_end(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = make_library(home)
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    digest = DigestProcess(budget="medium")
    digest.start()
    try:
        assert digest.wait(DEADLINE_S)
    finally:
        digest.stop()
    assert digest.exitcode == 0
    assert digest.result is not None and digest.result.reason == "done"
    assert digest.result.done == digest.result.total > 0
    assert count(db, "SELECT COUNT(*) FROM notes WHERE kind = 'document_summary'") == 2
    assert_consistent(db)
