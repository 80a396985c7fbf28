"""`DigestProcess`: the digest in its own OS process, so the window and questions never wait.

Used by the scheduler and the window. The whole API::

    digest = DigestProcess(budget="medium", max_seconds=None, on_event=callback)
    DigestProcess(documents=[3])   # a run of those documents alone ("Digest this document now")
    digest.start()          # spawns the process; returns at once
    digest.pause()          # suspends it (psutil): the CPU is free immediately, and a server
                            # its requests went to drops them (sent again on resume)
    digest.resume()
    digest.stop()           # stop after the current step; killed if not gone within 1 s
    digest.wait(timeout)    # True once the process has ended
    digest.is_running / is_paused / has_ended / exitcode
    digest.last_event       # the latest DigestEvent (done/total steps, tokens, eta_s)
    digest.result           # the final DigestEvent (kind "finish", reason done|stopped|time|error)

`on_event(DigestEvent)` is called from a background thread of this process (GUI code must hand
it to its own thread, e.g. with a queued Qt signal). Killing the process at any moment is safe:
every step commits atomically, and pausing never freezes it inside a database write (a shared
lock is held around each write transaction and taken by `pause()` before suspending), so other
processes are never left waiting on a lock held by a suspended digest.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import multiprocessing
import queue
import signal
import threading
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from typing import Any

import psutil

from nocturne.engine.cpu_share import exclude_process, include_process
from nocturne.errors import KnownError
from nocturne.sleeptime.events import FINISH, DigestEvent

STOP_GRACE_S = 1.0
WRITE_LOCK_WAIT_S = 30.0  # longer than any write transaction of a step
PAUSE_QUIET_S = 0.5
"""How long a pause waits for the child to let go of its requests to a server before suspending
it all the same (it takes milliseconds)."""
_POLL_S = 0.1
_RESUME_POLL_S = 0.05
_FLAG_POLL_S = 0.02


class SharedFlag:
    """A yes/no that the parent and the child both read and write, with no lock: one byte of
    shared memory. A multiprocessing Event would not do: its set, clear and is_set take a lock
    shared by both processes, and its set waits for the other process's waiting threads to wake,
    so a child suspended inside one of them (a pause lands at any moment) left the parent's
    next set or clear waiting for ever: the window's scheduler froze on a resume and the digest
    stayed suspended. `wait` polls."""

    def __init__(self, context: Any = None) -> None:
        self._value = (context or multiprocessing).RawValue(ctypes.c_bool, False)

    def set(self) -> None:
        self._value.value = True

    def clear(self) -> None:
        self._value.value = False

    def is_set(self) -> bool:
        return bool(self._value.value)

    def wait(self, timeout: float) -> bool:
        """True once set, False after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not self.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(_FLAG_POLL_S, left))
        return True


class PauseSignals:
    """What the parent and the child share so that a pause abandons the child's requests to a
    server before the child is suspended (a suspended process cannot close its connections,
    and the server would go on working for it): `pausing` is set while the parent pauses it,
    `quiet` once the child let go, `following` once the child watches for pauses at all.
    Lock-free flags (`SharedFlag`): the parent touches them while the child is suspended."""

    def __init__(self, context: Any = None) -> None:
        self.pausing = SharedFlag(context)
        self.quiet = SharedFlag(context)
        self.following = SharedFlag(context)


def follow_pauses(signals: PauseSignals, stop_flag: Any, runner: Any) -> None:
    """The child's watch (a daemon thread): `runner.pause_requests()` when the parent is about
    to suspend it, `runner.resume_requests()` once resumed, unless the run is being stopped (its
    requests are not wanted any more). It follows the flag's state, not its changes, so a pause
    and a resume in quick succession cannot leave the requests held."""
    held = False
    signals.following.set()
    while True:
        pausing = signals.pausing.is_set()
        if pausing and not held:
            runner.pause_requests()
            held = True
        elif held and not pausing and not stop_flag.is_set():
            runner.resume_requests()
            held = False
        if held and signals.pausing.is_set():
            signals.quiet.set()
        if held:
            time.sleep(_RESUME_POLL_S)  # (the process is suspended for most of this)
        else:
            signals.pausing.wait(timeout=1.0)


def _child_main(
    budget: str | None,
    max_seconds: float | None,
    events: Any,
    stop_flag: Any,
    write_lock: Any,
    low_priority: bool = False,
    documents: tuple[int, ...] | None = None,
    pauses: PauseSignals | None = None,
) -> None:
    """The digest process: run until done, the time limit, or the parent's stop flag."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a terminal is the parent's to handle
    if low_priority:
        from nocturne.sleeptime.priority import lowest_priority

        lowest_priority()
    from nocturne.library.store import Store
    from nocturne.settings import Settings
    from nocturne.sleeptime.command import make_digest_engine
    from nocturne.sleeptime.foreground_runs import one_digest_at_a_time
    from nocturne.sleeptime.runner import DigestRunner

    class GuardedStore(Store):
        @contextmanager
        def transaction(self) -> Iterator[Any]:
            if self.in_transaction:
                with super().transaction() as conn:
                    yield conn
                return
            with write_lock, super().transaction() as conn:
                yield conn

    def send(event: DigestEvent) -> None:
        events.put(event.to_dict())

    try:
        settings = Settings.load()
        with one_digest_at_a_time(), GuardedStore.open() as store:
            runner = DigestRunner(
                store,
                make_digest_engine(settings),
                budget or settings.digest_budget,
                on_event=send,
                should_stop=stop_flag.is_set,
                max_seconds=max_seconds,
                settings=settings,
                documents=documents,
            )
            if pauses is not None:
                threading.Thread(
                    target=follow_pauses,
                    args=(pauses, stop_flag, runner),
                    name="digest-pauses",
                    daemon=True,
                ).start()
            runner.run()
    except KnownError as exc:
        send(DigestEvent(FINISH, 0, 0, reason="error", message=str(exc)))


class DigestProcess:
    """One digest run in a child process (see the module docstring)."""

    def __init__(
        self,
        budget: str | None = None,
        max_seconds: float | None = None,
        on_event: Callable[[DigestEvent], None] | None = None,
        low_priority: bool = False,
        documents: Collection[int] | None = None,
    ) -> None:
        """`low_priority`: the child runs at the lowest OS priority (`priority.py`).
        `documents`: digest only these (the runner's `documents`)."""
        self.budget = budget
        self.documents = tuple(documents) if documents is not None else None
        self.low_priority = low_priority
        self.max_seconds = max_seconds
        self.on_event = on_event
        self._context = multiprocessing.get_context("spawn")
        self._events: Any = self._context.Queue()
        self._stop_flag = SharedFlag(self._context)  # never an Event: see SharedFlag
        self._write_lock = self._context.Lock()
        self._pauses = PauseSignals(self._context)
        self._process: Any = None
        self._reader: threading.Thread | None = None
        self._paused = False
        self.last_event: DigestEvent | None = None
        self.result: DigestEvent | None = None

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        if self._process is not None:
            raise RuntimeError("a DigestProcess runs once; make a new one")
        self._process = self._context.Process(
            target=_child_main,
            args=(
                self.budget,
                self.max_seconds,
                self._events,
                self._stop_flag,
                self._write_lock,
                self.low_priority,
                self.documents,
                self._pauses,
            ),
            name="nocturne-digest",
            daemon=True,
        )
        self._process.start()
        # This process's own model calls (questions) choose their threads from the CPU that
        # other programs use; the digest it started and suspends for them is not one of those.
        exclude_process(int(self._process.pid))
        # A suspended child would ignore the SIGTERM that multiprocessing sends at exit and hang
        # the parent's final join; resume it first (atexit runs this before multiprocessing's).
        atexit.register(self.resume)
        self._reader = threading.Thread(target=self._read_events, name="digest-events", daemon=True)
        self._reader.start()

    def pause(self) -> None:
        """Suspend the process now (never inside one of its database writes), once it has let
        go of its requests to a server (`PauseSignals`; at most `PAUSE_QUIET_S`)."""
        if not self.is_running or self._paused:
            return
        self._pauses.quiet.clear()
        self._pauses.pausing.set()
        if self._pauses.following.is_set():
            self._pauses.quiet.wait(PAUSE_QUIET_S)
        # (a child killed inside a write leaves the lock taken: never wait on it for ever)
        if not self._write_lock.acquire(timeout=WRITE_LOCK_WAIT_S):
            return
        try:
            psutil.Process(self._process.pid).suspend()
        except psutil.NoSuchProcess:
            return  # it ended meanwhile (the run finished while the pause waited)
        finally:
            self._write_lock.release()
        self._paused = True

    def resume(self) -> None:
        self._pauses.pausing.clear()
        self._pauses.quiet.clear()
        if self._paused and self.is_running:
            with contextlib.suppress(psutil.NoSuchProcess):
                psutil.Process(self._process.pid).resume()
        self._paused = False

    def stop(self, grace_s: float = STOP_GRACE_S) -> None:
        """Stop after the current step; terminate if that takes longer than `grace_s`."""
        if self._process is None:
            return
        self._stop_flag.set()
        self.resume()
        self._process.join(grace_s)
        if self._process.is_alive():
            self._process.terminate()  # safe: the step in progress is rolled back
            self._process.join(grace_s)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        if self._reader is not None:
            self._reader.join(grace_s)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the process to end; True if it has."""
        if self._process is None:
            return False
        self._process.join(timeout)
        if self._process.is_alive():
            return False
        if self._reader is not None:
            self._reader.join(timeout)
        return True

    # -- state ------------------------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        return None if self._process is None else int(self._process.pid)

    @property
    def is_running(self) -> bool:
        return self._process is not None and bool(self._process.is_alive())

    @property
    def is_paused(self) -> bool:
        return self._paused and self.is_running

    @property
    def has_ended(self) -> bool:
        """The process has exited (for any reason: finished, stopped, failed)."""
        return self._process is not None and not self._process.is_alive()

    @property
    def exitcode(self) -> int | None:
        return None if self._process is None else self._process.exitcode

    # -- events -----------------------------------------------------------------------------

    def _read_events(self) -> None:
        while True:
            try:
                data = self._events.get(timeout=_POLL_S)
            except queue.Empty:
                if not self._process.is_alive():
                    self._drain()
                    include_process(int(self._process.pid))
                    return
                continue
            self._deliver(DigestEvent.from_dict(data))

    def _drain(self) -> None:
        while True:
            try:
                data = self._events.get_nowait()
            except queue.Empty:
                return
            self._deliver(DigestEvent.from_dict(data))

    def _deliver(self, event: DigestEvent) -> None:
        self.last_event = event
        if event.kind == FINISH:
            self.result = event
        if self.on_event is not None:
            self.on_event(event)
