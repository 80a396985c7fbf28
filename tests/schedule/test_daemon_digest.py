"""`nocturne daemon` as a process with the real digest process (FakeEngine inside): it digests
the library when allowed, and a `kill -9` of the daemon mid-digest loses nothing."""

from __future__ import annotations

import json
import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from nocturne.library.digest_documents import documents_waiting
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.schedule.state import ScheduleState
from nocturne.settings import Settings

from fakes.engine import FakeEngine
from support import FAKE_ENGINE, SAMPLES, cli_env

pytestmark = pytest.mark.slow
TIMEOUT_S = 60


class Daemon:
    """A daemon child whose stderr is read up to a line we wait for (select with a deadline)."""

    def __init__(self, home: Path, delay: str) -> None:
        env = cli_env(home, NOCTURNE_ENGINE=FAKE_ENGINE, NOCTURNE_FAKE_DELAY=delay)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "nocturne.schedule.daemon", "--verbose", "--assume-idle"],
            env=env,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
        )
        self.text = ""

    def wait_for(self, needle: str) -> None:
        assert self.process.stderr is not None
        stream = self.process.stderr.fileno()
        deadline = time.monotonic() + TIMEOUT_S
        while needle not in self.text:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"{needle!r} not seen; got:\n{self.text[-3000:]}"
            ready, _, _ = select.select([stream], [], [], remaining)
            if ready:
                chunk = os.read(stream, 65536)
                assert chunk, f"daemon exited before {needle!r}:\n{self.text[-3000:]}"
                self.text += chunk.decode()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _library(home: Path) -> Path:
    with Store.open() as store:
        assert all(not r.failed for r in add_paths(store, [SAMPLES], Settings(), FakeEngine()))
    return home / "library.sqlite3"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NOCTURNE_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_daemon_digests_the_library_then_stops_on_sigterm(home: Path) -> None:
    _library(home)
    daemon = Daemon(home, delay="0.005")
    try:
        daemon.wait_for("digest run ended (done)")
        daemon.process.send_signal(signal.SIGTERM)
        assert daemon.process.wait(TIMEOUT_S) == 0
    finally:
        daemon.close()
    with Store.open() as store:
        assert documents_waiting(store) == 0
        assert store.scalar("SELECT COUNT(*) FROM notes") > 0
        assert ScheduleState(store).digest_process is None


def test_kill_9_of_the_daemon_mid_digest_loses_nothing(home: Path) -> None:
    db = _library(home)
    first = Daemon(home, delay="0.05")
    try:
        first.wait_for("digest step 2/")
        first.process.kill()
        first.process.wait()
    finally:
        first.close()
    conn = sqlite3.connect(db, timeout=10)
    try:
        steps_before = conn.execute("SELECT COUNT(*) FROM digest_steps").fetchone()[0]
        recorded = conn.execute(
            "SELECT value FROM schedule_state WHERE key = 'digest_process'"
        ).fetchone()
    finally:
        conn.close()
    assert steps_before >= 2
    assert recorded is not None  # the orphaned digest process is known
    orphan = json.loads(recorded[0])["pid"]
    orphan_alive = psutil.pid_exists(orphan)

    second = Daemon(home, delay="0.005")
    try:
        second.wait_for("digest run ended (done)")
        second.process.send_signal(signal.SIGTERM)
        assert second.process.wait(TIMEOUT_S) == 0
    finally:
        second.close()
    if orphan_alive:
        assert f"ending digest process {orphan}" in second.text
    assert not psutil.pid_exists(orphan) or psutil.Process(orphan).status() == "zombie"
    with Store.open() as store:
        assert documents_waiting(store) == 0
        keys = [r[0] for r in store.query("SELECT step_key FROM digest_steps")]
        assert len(keys) == len(set(keys)) >= steps_before
