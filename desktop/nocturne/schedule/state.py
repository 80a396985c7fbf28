"""The scheduler's state, kept in the library database (table `schedule_state`, migration m005).

Only small facts live here, each written when it changes, never on every tick: a write waits
for the digest's transactions, and the scheduler must stay quick. Times are stored as ISO 8601
with their UTC offset so that a reader in another process (`nocturne status`) sees the same
moment.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import psutil

from nocturne.library import schedule_state
from nocturne.library.store import Store

PAUSED_UNTIL = "paused_until"
SERVED_WINDOW = "served_window_start"
WATCHING_SINCE = "watching_since"
LAST_DECISION = "last_decision"
HEARTBEAT = "daemon_heartbeat"
DIGEST_PROCESS = "digest_process"


@dataclass(frozen=True)
class RecordedDecision:
    """What the scheduler last decided and what the digest was doing, for status."""

    at: str
    run: bool
    code: str
    reason: str
    digest: str  # "running", "paused", "stopped", "done", "not started"
    pid: int

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> RecordedDecision | None:
        try:
            data = json.loads(text)
            return cls(**{k: data[k] for k in ("at", "run", "code", "reason", "digest", "pid")})
        except (ValueError, KeyError, TypeError):
            return None


class ScheduleState:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- raw key/value -----------------------------------------------------------------------

    def get(self, key: str) -> str | None:
        return schedule_state.get_value(self.store, key)

    def put(self, key: str, value: str | None) -> None:
        schedule_state.put_value(self.store, key, value)

    def _get_time(self, key: str) -> datetime | None:
        value = self.get(key)
        if value is None:
            return None
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None

    def _put_time(self, key: str, value: datetime | None) -> None:
        self.put(key, None if value is None else value.isoformat())

    # -- pause requested by the person ---------------------------------------------------------

    @property
    def paused_until(self) -> datetime | None:
        return self._get_time(PAUSED_UNTIL)

    def pause_until(self, until: datetime | None) -> None:
        """Pause digestion until `until` ("Pause 1 hour", "Pause until tomorrow"); None resumes."""
        self._put_time(PAUSED_UNTIL, until)

    # -- nightly windows -----------------------------------------------------------------------

    @property
    def served_window_start(self) -> datetime | None:
        return self._get_time(SERVED_WINDOW)

    def mark_window_served(self, start: datetime) -> None:
        current = self.served_window_start
        if current is None or current < start:
            self._put_time(SERVED_WINDOW, start)

    @property
    def watching_started(self) -> datetime | None:
        """When background digestion was first set up, if it ever was (read only)."""
        return self._get_time(WATCHING_SINCE)

    def watching_since(self, now: datetime) -> datetime:
        """When background digestion was first set up here (recorded on first call)."""
        since = self._get_time(WATCHING_SINCE)
        if since is None:
            self._put_time(WATCHING_SINCE, now)
            return now
        return since

    # -- what the daemon is doing --------------------------------------------------------------

    @property
    def last_decision(self) -> RecordedDecision | None:
        value = self.get(LAST_DECISION)
        return None if value is None else RecordedDecision.from_json(value)

    def record_decision(self, decision: RecordedDecision) -> None:
        self.put(LAST_DECISION, decision.to_json())

    def heartbeat(self, now: datetime, pid: int | None = None) -> None:
        self.put(HEARTBEAT, json.dumps({"at": now.isoformat(), "pid": pid or os.getpid()}))

    def clear_heartbeat(self) -> None:
        self.put(HEARTBEAT, None)

    @property
    def last_heartbeat(self) -> dict[str, Any] | None:
        value = self.get(HEARTBEAT)
        if value is None:
            return None
        try:
            data = json.loads(value)
            return {"at": datetime.fromisoformat(data["at"]), "pid": int(data["pid"])}
        except (ValueError, KeyError, TypeError):
            return None

    # -- the digest process of this scheduler (to end it if the scheduler was killed) ---------

    def record_digest_process(self, pid: int | None, started: float | None = None) -> None:
        """The digest's pid and start time, and this process (its scheduler) as the owner."""
        value = None
        if pid is not None:
            value = json.dumps(
                {
                    "pid": pid,
                    "started": started,
                    "owner": os.getpid(),
                    "owner_started": _started(os.getpid()),
                }
            )
        self.put(DIGEST_PROCESS, value)

    @property
    def digest_process(self) -> DigestProcessRecord | None:
        value = self.get(DIGEST_PROCESS)
        if value is None:
            return None
        try:
            data = json.loads(value)
            return DigestProcessRecord(
                int(data["pid"]), data.get("started"), data.get("owner"), data.get("owner_started")
            )
        except (ValueError, KeyError, TypeError):
            return None


@dataclass(frozen=True)
class DigestProcessRecord:
    pid: int
    started: float | None
    owner: int | None
    owner_started: float | None


def process_alive(pid: int | None, started: float | None) -> bool:
    """Is `pid` still the process that started at `started` (not a reused pid)?"""
    if pid is None or started is None:
        return False
    return _started(pid) is not None and abs((_started(pid) or 0.0) - started) <= 1.0


def _started(pid: int) -> float | None:
    try:
        return float(psutil.Process(pid).create_time())
    except psutil.Error:
        return None
