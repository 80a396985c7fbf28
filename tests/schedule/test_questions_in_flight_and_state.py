"""Question flags across processes, and the scheduler state kept in the library database."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from nocturne.library.store import Store
from nocturne.schedule.questions_in_flight import live_questions, question_in_flight
from nocturne.schedule.state import RecordedDecision, ScheduleState

TZ = timezone(timedelta(hours=-5))


def test_question_flag_lives_as_long_as_the_question(tmp_path: Path) -> None:
    assert live_questions(tmp_path) == 0
    with question_in_flight(tmp_path):
        assert live_questions(tmp_path) == 1
        with question_in_flight(tmp_path):
            assert live_questions(tmp_path) == 2
        assert live_questions(tmp_path) == 1
    assert live_questions(tmp_path) == 0


def test_flag_of_a_dead_process_is_ignored_and_removed(tmp_path: Path) -> None:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(child.stdout)
    flag = tmp_path / f"{dead_pid}-1-0.question"
    flag.write_text(str(dead_pid))
    assert live_questions(tmp_path) == 0
    assert not flag.exists()


def test_question_dir_defaults_to_the_data_dir(store: Store, tmp_path: Path) -> None:
    with question_in_flight() as flag:
        assert flag.parent == tmp_path / "home" / "run" / "questions"
        assert live_questions() == 1


def test_state_round_trips_with_time_zones(store: Store) -> None:
    state = ScheduleState(store)
    moment = datetime(2026, 11, 10, 14, 30, tzinfo=TZ)
    assert state.paused_until is None
    state.pause_until(moment)
    assert ScheduleState(store).paused_until == moment
    state.pause_until(None)
    assert state.paused_until is None
    assert state.watching_since(moment) == moment
    assert state.watching_since(moment + timedelta(days=3)) == moment
    state.mark_window_served(moment)
    state.mark_window_served(moment - timedelta(days=1))  # never moves back
    assert state.served_window_start == moment


def test_recorded_decision_and_heartbeat(store: Store) -> None:
    state = ScheduleState(store)
    decision = RecordedDecision(
        at="2026-11-10T01:00:00+01:00",
        run=True,
        code="night",
        reason="nightly window",
        digest="running",
        pid=123,
    )
    state.record_decision(decision)
    assert state.last_decision == decision
    state.put("last_decision", "not json")
    assert state.last_decision is None
    now = datetime(2026, 11, 10, 1, 0, tzinfo=TZ)
    state.heartbeat(now, pid=42)
    assert state.last_heartbeat == {"at": now, "pid": 42}
    state.clear_heartbeat()
    assert state.last_heartbeat is None


def _idle_child() -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE, text=True
    )


def test_a_digest_whose_scheduler_lives_is_not_an_orphan(store: Store) -> None:
    import json

    import psutil

    from nocturne.schedule.orphans import end_orphaned_digest

    scheduler, digest = _idle_child(), _idle_child()
    try:
        state = ScheduleState(store)

        def record(owner: subprocess.Popen[str]) -> None:
            state.put(
                "digest_process",
                json.dumps(
                    {
                        "pid": digest.pid,
                        "started": psutil.Process(digest.pid).create_time(),
                        "owner": owner.pid,
                        "owner_started": psutil.Process(owner.pid).create_time(),
                    }
                ),
            )

        record(scheduler)
        assert not end_orphaned_digest(state)  # another live scheduler owns it
        assert digest.poll() is None
        scheduler.kill()
        scheduler.wait()
        assert end_orphaned_digest(state)  # its scheduler died: end it
        assert digest.wait(10) is not None
        assert state.digest_process is None
    finally:
        for child in (scheduler, digest):
            if child.poll() is None:
                child.kill()
                child.wait()
