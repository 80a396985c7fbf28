"""A digest process left by a killed scheduler is ended by the next one; nothing else is.

The "digest" and "scheduler" here are real idle child processes, so pids, start times and
signals are the real ones.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator

import psutil
import pytest

from nocturne.library.store import Store
from nocturne.schedule.orphans import end_orphaned_digest, remember_digest_process
from nocturne.schedule.state import DIGEST_PROCESS, DigestProcessRecord, ScheduleState

Spawn = Callable[[], "subprocess.Popen[str]"]


@pytest.fixture
def spawn() -> Iterator[Spawn]:
    """Idle children (they wait on stdin); any left running are killed afterwards."""
    children: list[subprocess.Popen[str]] = []

    def make() -> subprocess.Popen[str]:
        child = subprocess.Popen(
            [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE, text=True
        )
        children.append(child)
        return child

    yield make
    for child in children:
        if child.poll() is None:
            psutil.Process(child.pid).resume()
            child.kill()
        child.wait()


def _started(pid: int) -> float:
    return psutil.Process(pid).create_time()


def _record(state: ScheduleState, digest: int, owner: int, owner_started: float | None) -> None:
    state.put(
        DIGEST_PROCESS,
        json.dumps(
            {
                "pid": digest,
                "started": _started(digest),
                "owner": owner,
                "owner_started": owner_started,
            }
        ),
    )


def test_a_digest_whose_scheduler_lives_is_not_an_orphan(store: Store, spawn: Spawn) -> None:
    scheduler, digest = spawn(), spawn()
    state = ScheduleState(store)
    _record(state, digest.pid, scheduler.pid, _started(scheduler.pid))
    assert not end_orphaned_digest(state)  # another live scheduler owns it
    assert digest.poll() is None
    scheduler.kill()
    scheduler.wait()
    assert end_orphaned_digest(state)  # its scheduler died: end it
    assert not psutil.pid_exists(digest.pid)  # ended and reaped (by psutil's wait)
    assert state.digest_process is None


def test_remembering_records_the_start_time_and_forgetting_clears(
    store: Store, spawn: Spawn
) -> None:
    digest = spawn()
    state = ScheduleState(store)
    remember_digest_process(state, digest.pid)
    recorded = state.digest_process
    assert recorded is not None
    assert (recorded.pid, recorded.started) == (digest.pid, _started(digest.pid))
    assert recorded.owner == os.getpid()
    remember_digest_process(state, None)
    assert state.digest_process is None


def test_no_digest_and_nothing_recorded_writes_nothing(store: Store) -> None:
    state = ScheduleState(store)
    remember_digest_process(state, None)
    assert store.scalar("SELECT COUNT(*) FROM schedule_state WHERE key = ?", (DIGEST_PROCESS,)) == 0


def test_a_pid_that_is_already_gone_is_recorded_without_a_start_time(
    store: Store, spawn: Spawn
) -> None:
    gone = spawn()
    gone.kill()
    gone.wait()
    state = ScheduleState(store)
    remember_digest_process(state, gone.pid)
    assert state.digest_process == DigestProcessRecord(
        gone.pid, None, os.getpid(), _started(os.getpid())
    )
    assert not end_orphaned_digest(state)  # no start time: never taken for alive
    assert state.digest_process is None


def test_nothing_recorded_means_nothing_to_end(store: Store) -> None:
    assert not end_orphaned_digest(ScheduleState(store))


def test_the_schedulers_own_running_digest_is_left_alone(store: Store, spawn: Spawn) -> None:
    digest = spawn()
    state = ScheduleState(store)
    remember_digest_process(state, digest.pid)
    assert not end_orphaned_digest(state, current_pid=digest.pid)
    assert digest.poll() is None
    assert state.digest_process is not None  # still recorded: it still runs


def test_a_digest_recorded_by_this_process_earlier_is_ended(store: Store, spawn: Spawn) -> None:
    # The window restarts its scheduler in the same process: the old run has no owner left.
    digest = spawn()
    state = ScheduleState(store)
    remember_digest_process(state, digest.pid)
    assert end_orphaned_digest(state)
    assert not psutil.pid_exists(digest.pid)
    assert state.digest_process is None


def test_a_suspended_orphan_is_resumed_so_that_it_can_end(
    store: Store, spawn: Spawn, monkeypatch: pytest.MonkeyPatch
) -> None:
    killed: list[int] = []
    real_kill = psutil.Process.kill

    def kill(process: psutil.Process) -> None:
        killed.append(process.pid)
        real_kill(process)

    monkeypatch.setattr(psutil.Process, "kill", kill)
    scheduler, digest = spawn(), spawn()
    psutil.Process(digest.pid).suspend()  # paused when its scheduler was killed
    state = ScheduleState(store)
    _record(state, digest.pid, scheduler.pid, _started(scheduler.pid))
    scheduler.kill()
    scheduler.wait()
    assert end_orphaned_digest(state)
    assert not psutil.pid_exists(digest.pid)
    assert killed == []  # SIGTERM sufficed: a stopped process would have ignored it


def test_a_reused_pid_is_not_killed(store: Store, spawn: Spawn) -> None:
    other_program = spawn()
    state = ScheduleState(store)
    state.put(
        DIGEST_PROCESS,
        json.dumps(
            {
                "pid": other_program.pid,
                "started": _started(other_program.pid) - 3600,  # the digest had this pid before
                "owner": None,
                "owner_started": None,
            }
        ),
    )
    assert not end_orphaned_digest(state)
    assert other_program.poll() is None
    assert state.digest_process is None  # the stale record is dropped
