"""The scheduler state kept in the library database: small facts, readable by another process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import psutil

from nocturne.library.store import Store
from nocturne.schedule.state import (
    DIGEST_PROCESS,
    HEARTBEAT,
    LAST_DECISION,
    PAUSED_UNTIL,
    DigestProcessRecord,
    RecordedDecision,
    ScheduleState,
    process_alive,
)

TZ = timezone(timedelta(hours=-5))
DECISION = RecordedDecision(
    at="2026-11-10T01:00:00+01:00",
    run=True,
    code="night",
    reason="nightly window",
    digest="running",
    pid=123,
)


def _dead_pid() -> int:
    """The pid of a child that has exited and been reaped."""
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(child.stdout)


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


def test_times_keep_their_utc_offset_for_readers_in_other_zones(store: Store) -> None:
    moment = datetime(2026, 11, 10, 14, 30, tzinfo=TZ)
    ScheduleState(store).pause_until(moment)
    assert ScheduleState(store).get(PAUSED_UNTIL) == "2026-11-10T14:30:00-05:00"
    read = ScheduleState(store).paused_until
    assert read is not None and read.utcoffset() == timedelta(hours=-5)


def test_a_served_window_moves_forward_only(store: Store) -> None:
    state = ScheduleState(store)
    first = datetime(2026, 11, 10, 1, 0, tzinfo=TZ)
    state.mark_window_served(first)
    state.mark_window_served(first + timedelta(days=1))
    assert state.served_window_start == first + timedelta(days=1)


def test_a_time_that_does_not_parse_reads_as_none(store: Store) -> None:
    state = ScheduleState(store)
    state.put(PAUSED_UNTIL, "soon")
    assert state.paused_until is None


def test_watching_started_only_reads_and_watching_since_records_once(store: Store) -> None:
    state = ScheduleState(store)
    moment = datetime(2026, 11, 10, 9, 0, tzinfo=TZ)
    assert state.watching_started is None
    assert state.watching_started is None  # reading did not record anything
    assert state.watching_since(moment) == moment
    assert ScheduleState(store).watching_started == moment


def test_recorded_decision_and_heartbeat(store: Store) -> None:
    state = ScheduleState(store)
    state.record_decision(DECISION)
    assert state.last_decision == DECISION
    state.put("last_decision", "not json")
    assert state.last_decision is None
    now = datetime(2026, 11, 10, 1, 0, tzinfo=TZ)
    state.heartbeat(now, pid=42)
    assert state.last_heartbeat == {"at": now, "pid": 42}
    state.clear_heartbeat()
    assert state.last_heartbeat is None


def test_a_recorded_decision_needs_every_field_and_ignores_extra_ones() -> None:
    full = json.loads(DECISION.to_json())
    assert RecordedDecision.from_json(json.dumps({**full, "later": 1})) == DECISION
    del full["reason"]
    assert RecordedDecision.from_json(json.dumps(full)) is None
    assert RecordedDecision.from_json("[1, 2]") is None


def test_the_heartbeat_names_this_process_unless_told(store: Store) -> None:
    state = ScheduleState(store)
    now = datetime(2026, 11, 10, 1, 0, tzinfo=TZ)
    state.heartbeat(now)
    assert state.last_heartbeat == {"at": now, "pid": os.getpid()}
    state.put(HEARTBEAT, json.dumps({"at": now.isoformat()}))  # no pid
    assert state.last_heartbeat is None
    state.put(HEARTBEAT, json.dumps({"at": "yesterday", "pid": 1}))
    assert state.last_heartbeat is None


def test_the_digest_process_is_recorded_with_this_scheduler_as_owner(store: Store) -> None:
    state = ScheduleState(store)
    assert state.digest_process is None
    state.record_digest_process(4321, 1000.5)
    me = psutil.Process(os.getpid()).create_time()
    assert state.digest_process == DigestProcessRecord(4321, 1000.5, os.getpid(), me)
    state.record_digest_process(None)
    assert state.digest_process is None
    assert state.get(DIGEST_PROCESS) is None


def test_a_damaged_digest_process_record_reads_as_none(store: Store) -> None:
    state = ScheduleState(store)
    state.put(DIGEST_PROCESS, json.dumps({"started": 1.0}))  # no pid
    assert state.digest_process is None
    state.put(DIGEST_PROCESS, json.dumps({"pid": "not a number"}))
    assert state.digest_process is None
    state.put(DIGEST_PROCESS, "{")
    assert state.digest_process is None
    state.put(DIGEST_PROCESS, json.dumps({"pid": 7}))  # the rest is optional
    assert state.digest_process == DigestProcessRecord(7, None, None, None)


def test_process_alive_tells_a_reused_pid_from_the_process_that_was_recorded() -> None:
    me = os.getpid()
    started = psutil.Process(me).create_time()
    assert process_alive(me, started)
    assert process_alive(me, started + 0.9)  # create times are rounded differently
    assert not process_alive(me, started - 5.0)  # same pid, another process
    assert not process_alive(me, None)
    assert not process_alive(None, started)
    assert not process_alive(_dead_pid(), started)


def test_nothing_is_written_until_a_fact_changes(store: Store) -> None:
    state = ScheduleState(store)
    assert state.last_decision is None
    assert store.scalar("SELECT COUNT(*) FROM schedule_state") == 0
    state.record_decision(DECISION)
    assert store.scalar("SELECT COUNT(*) FROM schedule_state WHERE key = ?", (LAST_DECISION,)) == 1
