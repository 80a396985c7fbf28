"""A digest process outliving its scheduler is ended when the next scheduler starts.

The digest runs in its own process. If the scheduler that started it is killed with -9 (or
crashes), the digest goes on alone: suspended forever if it was paused, or digesting while the
person is present. So the scheduler records the digest's pid and start time in the library
database, and the next scheduler ends that process before deciding anything. Ending it is safe:
every finished step is committed, and the step in progress rolls back.
"""

from __future__ import annotations

import contextlib
import logging
import os

import psutil

from nocturne.schedule.state import ScheduleState, process_alive

log = logging.getLogger(__name__)


def remember_digest_process(state: ScheduleState, pid: int | None) -> None:
    """Record the running digest's pid (None: no digest runs now)."""
    started = None
    if pid is not None:
        with contextlib.suppress(psutil.Error):
            started = psutil.Process(pid).create_time()
    if pid is not None or state.digest_process is not None:
        state.record_digest_process(pid, started)


def end_orphaned_digest(state: ScheduleState, current_pid: int | None = None) -> bool:
    """End the recorded digest process if its scheduler is gone; True if one was ended.

    A digest whose scheduler still lives (another process) is left alone, and start times
    guard against pids reused by other programs since.
    """
    recorded = state.digest_process
    if recorded is None or recorded.pid == current_pid:
        return False
    if recorded.owner != os.getpid() and process_alive(recorded.owner, recorded.owner_started):
        return False  # its scheduler is alive: not an orphan
    state.record_digest_process(None)
    if not process_alive(recorded.pid, recorded.started):
        return False
    try:
        process = psutil.Process(recorded.pid)
        log.warning(
            "ending digest process %s left by an earlier run of the scheduler", recorded.pid
        )
        process.resume()
        process.terminate()
        try:
            process.wait(timeout=5)
        except psutil.TimeoutExpired:
            process.kill()
    except psutil.Error:
        return False
    return True
