"""The daemon: in a thread with fakes (questions pause it), and as a process (SIGTERM/SIGINT)."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from schedule_fakes import FakeDigest, add_documents

from nocturne import paths
from nocturne.library.store import Store
from nocturne.schedule.daemon import DaemonParts, run_daemon
from nocturne.schedule.folders import add_watched_folder
from nocturne.schedule.power import PowerReading
from nocturne.schedule.questions_in_flight import question_in_flight
from nocturne.schedule.scheduler import DigestScheduler
from nocturne.schedule.state import ScheduleState

from support import FAKE_ENGINE

TIMEOUT_S = 15


class AlwaysAway:
    name = "test-away"

    def idle_seconds(self) -> float | None:
        return 3600.0

    def close(self) -> None:
        pass


class Recorder:
    """Collects the fake digest's actions; `wait_for` blocks until an action is seen."""

    def __init__(self) -> None:
        self.log: list[str] = []
        self.changed = threading.Condition()

    def append(self, action: str) -> None:
        with self.changed:
            self.log.append(action)
            self.changed.notify_all()

    def wait_for(self, action: str, count: int = 1) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: self.log.count(action) >= count, TIMEOUT_S), (
                f"no {action!r} x{count} within {TIMEOUT_S} s: {self.log}"
            )


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("NOCTURNE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    yield tmp_path / "home"


def test_daemon_digests_pauses_for_a_question_and_stops_cleanly(home: Path) -> None:
    with Store.open() as store:
        add_documents(store, 3)
        add_watched_folder(store, home.parent)
    recorder = Recorder()
    digest_store = Store.open()

    def factory() -> FakeDigest:
        return FakeDigest(digest_store, recorder)  # type: ignore[arg-type]

    ready = threading.Event()
    schedulers: list[DigestScheduler] = []

    def on_ready(scheduler: DigestScheduler) -> None:
        schedulers.append(scheduler)
        ready.set()

    parts = DaemonParts(
        idle_probe=AlwaysAway(),
        power_probe=lambda: PowerReading(on_ac=True, has_battery=False),
        controller_factory=factory,
        tick_seconds=0.05,
        on_ready=on_ready,
    )
    codes: list[int] = []
    thread = threading.Thread(target=lambda: codes.append(run_daemon(verbose=True, parts=parts)))
    thread.start()
    try:
        assert ready.wait(TIMEOUT_S)
        recorder.wait_for("start")
        with question_in_flight():
            recorder.wait_for("pause")  # the flag file alone pauses it (folder watch)
        recorder.wait_for("resume")
    finally:
        parts.stop.set()
        thread.join(TIMEOUT_S)
        digest_store.close()
    assert codes == [0]
    assert recorder.log[-1] == "stop"
    log_text = (paths.log_dir() / "daemon.log").read_text()
    assert "nocturne daemon running" in log_text
    assert "a question is being answered" in log_text
    assert "nocturne daemon stopped" in log_text
    with Store.open() as store:
        state = ScheduleState(store)
        assert state.last_heartbeat is None
        assert state.last_decision is not None


def _read_until(stream: int, needle: str, timeout_s: float) -> str:
    """Read a child's stderr until `needle` appears (select with a deadline, no sleeping)."""
    import time

    text = ""
    deadline = time.monotonic() + timeout_s
    while needle not in text:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"{needle!r} not seen; got:\n{text}"
        ready, _, _ = select.select([stream], [], [], remaining)
        if ready:
            chunk = os.read(stream, 4096)
            assert chunk, f"stream closed before {needle!r}; got:\n{text}"
            text += chunk.decode()
    return text


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_daemon_process_stops_on_signal(home: Path, signum: int) -> None:
    env = dict(
        os.environ,
        NOCTURNE_HOME=str(home),
        PYTHONPATH=str(Path(__file__).resolve().parents[2] / "desktop"),
    )
    child = subprocess.Popen(
        [sys.executable, "-m", "nocturne.schedule.daemon", "--verbose"],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    assert child.stderr is not None
    try:
        _read_until(child.stderr.fileno(), "nocturne daemon running", TIMEOUT_S)
        child.send_signal(signum)
        assert child.wait(TIMEOUT_S) == 0
        rest = child.stderr.read().decode()
        assert "nocturne daemon stopped" in rest
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_settings_changes_reach_the_rules_without_a_restart(home: Path) -> None:
    from nocturne.schedule.daemon import SettingsFollower
    from nocturne.settings import Settings

    settings = Settings.load()
    follower = SettingsFollower(settings)
    assert follower.rules().idle_minutes == 10
    changed = Settings.load()
    changed.set("idle_minutes", 3)
    changed.set("night_start", "23:00")
    changed.save()
    stamp = paths.settings_path().stat().st_mtime
    os.utime(paths.settings_path(), (stamp + 5, stamp + 5))  # a distinct mtime, no waiting
    rules = follower.rules()
    assert rules.idle_minutes == 3
    assert rules.window.start.hour == 23
    assert follower.settings.idle_minutes == 3
    paths.settings_path().write_text("{not json")
    os.utime(paths.settings_path(), (stamp + 10, stamp + 10))
    assert follower.rules() == rules  # a broken file keeps the previous rules


def test_a_second_scheduler_for_the_same_library_refuses_to_start(home: Path) -> None:
    from nocturne.schedule.single import SchedulerLock

    held = SchedulerLock()
    assert held.acquire()
    try:
        assert not SchedulerLock().acquire()
        assert SchedulerLock().owner() == os.getpid()
        assert run_daemon(parts=DaemonParts(watch_folders=False)) == 1
        log_text = (paths.log_dir() / "daemon.log").read_text()
        assert "another Nocturne scheduler already runs" in log_text
    finally:
        held.release()
    again = SchedulerLock()
    assert again.acquire()
    again.release()


def test_a_question_watch_that_never_started_stops_without_an_error(home: Path) -> None:
    """A service whose start failed part way is stopped all the same (its `finally`), and that
    stop must not raise over the error that ended the start."""
    from nocturne.schedule.daemon import QuestionFlagWatch
    from nocturne.schedule.questions_in_flight import questions_dir

    questions_dir().mkdir(parents=True, exist_ok=True)
    watch = QuestionFlagWatch(object())  # type: ignore[arg-type]  # never called: never started
    watch.stop()
    watch.stop()
