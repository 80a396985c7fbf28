"""Several completions in flight at once, for servers that batch (vLLM, llama.cpp `-np N`).

A batch server finishes eight requests in little more time than one, so the digest may keep
`remote_concurrency` requests running. `RequestPool` serves callers that decide later which
result they need (the digest's look-ahead, `sleeptime/prefetch.py`): requests go in as they are
known, each comes back as a future, at most `concurrency` are on the wire, and the pool measures
how many were in flight on average (the achieved parallelism).

Store writes must stay on the caller's thread (the store shares one SQLite connection whose
transactions are not per-thread): the pool runs an engine that writes nothing (a `LoggedEngine`'s
inner engine) and the caller logs each call as it takes the result.

A digest that pauses or stops does not leave its requests running on the server: `hold()` (a
pause) and `close()` (a stop) abandon the requests on the wire, closing their connections, which
is how a server (llama.cpp, vLLM) learns to drop a request; held ones are sent again, first, on
`release()`, closed ones end as abandoned. Nothing of an abandoned request is handed back, so it
is neither logged nor counted.
"""

from __future__ import annotations

import contextlib
import http.client
import queue
import socket
import threading
import time
import urllib.request
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import Any

from nocturne.engine.base import Completion, Engine, GenerationOptions, Message
from nocturne.engine.logged import LoggedEngine
from nocturne.engine.remote import RemoteEngine
from nocturne.errors import ModelError

DEFAULT_OPTIONS = GenerationOptions()


@dataclass(frozen=True)
class CompletionRequest:
    messages: list[Message]
    options: GenerationOptions = DEFAULT_OPTIONS
    purpose: str = ""
    key: Any = None  # the caller's handle (e.g. a chunk id), handed back with the result


@dataclass
class MappedResult:
    """One finished request: `completion` on success, else `error` (a clear ModelError)."""

    index: int
    request: CompletionRequest
    completion: Completion | None = None
    error: ModelError | None = None
    log_id: int | None = field(default=None, repr=False)


def _run(engine: Engine, index: int, request: CompletionRequest) -> MappedResult:
    try:
        completion = engine.complete(request.messages, request.options, purpose=request.purpose)
    except ModelError as exc:
        return MappedResult(index, request, error=exc)
    log_id = engine.last_call_id if isinstance(engine, LoggedEngine) else None
    return MappedResult(index, request, completion=completion, log_id=log_id)


class RequestAbandoned(Exception):
    """Ends a request the pool abandoned (raised in the worker running it, never to a caller)."""


def abandoned_error() -> ModelError:
    return ModelError("the digest stopped before the server answered; nothing of it was kept")


class _Attempt:
    """One request on the wire: the connections it opened, to close should it be abandoned."""

    def __init__(self) -> None:
        self.abandoned = False
        self._lock = threading.Lock()
        self._connections: list[http.client.HTTPConnection] = []

    def connected(self, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            self._connections.append(connection)
            abandoned = self.abandoned
        if abandoned:  # abandoned while it was connecting
            _hang_up(connection)

    def abandon(self) -> None:
        with self._lock:
            self.abandoned = True
            connections = list(self._connections)
        for connection in connections:
            _hang_up(connection)


def _hang_up(connection: http.client.HTTPConnection) -> None:
    """End the connection under the worker waiting on it: its read returns at once, and the
    server sees the client gone. (Shut down, not closed: the worker's thread closes it.)"""
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


_running = threading.local()  # `.attempt`: the request a pool's worker thread is running


def _register(connection: http.client.HTTPConnection) -> None:
    attempt: _Attempt | None = getattr(_running, "attempt", None)
    if attempt is not None:
        attempt.connected(connection)


class _TrackedHTTPConnection(http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _register(self)


class _TrackedHTTPSConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _register(self)


_TRACKED: dict[type, type] = {
    http.client.HTTPConnection: _TrackedHTTPConnection,
    http.client.HTTPSConnection: _TrackedHTTPSConnection,
}


class _Tracking:
    """urllib's HTTP(S) handler with the connections of a pool's requests known to the pool."""

    handler_order = 499  # before urllib's own handlers, which it stands in for

    def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
        attempt: _Attempt | None = getattr(_running, "attempt", None)
        if attempt is None:  # a call from outside the pool's workers
            return super().do_open(http_class, req, **kwargs)  # type: ignore[misc]
        if attempt.abandoned:
            raise RequestAbandoned
        try:
            return super().do_open(  # type: ignore[misc]
                _TRACKED.get(http_class, http_class), req, **kwargs
            )
        except Exception:
            if attempt.abandoned:  # not a failure to retry: the pool let it go
                raise RequestAbandoned from None
            raise


class _TrackingHTTPHandler(_Tracking, urllib.request.HTTPHandler):
    pass


class _TrackingHTTPSHandler(_Tracking, urllib.request.HTTPSHandler):
    pass


def track_connections(engine: Engine) -> bool:
    """Let a pool close the connections of `engine`'s requests it abandons; True if it can
    (the remote engine; another engine's abandoned requests are only no longer waited for)."""
    if not isinstance(engine, RemoteEngine):
        return False
    opener = engine.client._opener
    with _tracked_lock:
        if opener not in _tracked:
            _tracked.add(opener)
            opener.add_handler(_TrackingHTTPHandler())
            opener.add_handler(_TrackingHTTPSHandler())
    return True


_tracked: weakref.WeakSet[urllib.request.OpenerDirector] = weakref.WeakSet()
_tracked_lock = threading.Lock()


class RequestPool:
    """Requests run on `concurrency` worker threads; `submit` returns the result's future.

    Waiting requests start in submission order, except that an `urgent` one (a result the caller
    is about to wait for) goes before every non-urgent one. The engine must be thread-safe (the
    remote one is; the local llama.cpp one is not) and must not write the store: pass a
    `LoggedEngine`'s inner engine and log on the caller's thread. Failures come back in
    `MappedResult.error` (a ModelError, after the engine's own retries). The workers are daemon
    threads, so a process that stops does not wait for the requests it abandoned.
    """

    def __init__(
        self, engine: Engine, concurrency: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.engine = engine
        self.concurrency = max(1, concurrency)
        self.hangs_up = track_connections(engine)  # abandoned requests' connections are closed
        self._clock = clock
        self._lock = threading.Lock()
        self._released = threading.Condition(self._lock)
        self._queue: queue.PriorityQueue[_Queued] = queue.PriorityQueue()
        self._opened = clock()
        self._changed = self._opened
        self._in_flight = 0
        self._in_flight_seconds = 0.0  # the integral of the in-flight count over time
        self._unfinished = 0
        self._submitted = 0
        self._closed = False
        self._held_since: float | None = None
        self._held_seconds = 0.0
        self._running: dict[_Attempt, _Queued] = {}
        self.peak = 0
        self.abandoned = 0  # requests abandoned on the wire (by hold or close)
        self._workers = [
            threading.Thread(target=self._work, name=f"nocturne-remote-{i}", daemon=True)
            for i in range(self.concurrency)
        ]
        for worker in self._workers:
            worker.start()

    def submit(self, request: CompletionRequest, *, urgent: bool = False) -> Future[MappedResult]:
        future: Future[MappedResult] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("the request pool is closed")
            index = self._submitted
            self._submitted += 1
            self._unfinished += 1
        future.add_done_callback(self._finished)
        self._queue.put(_Queued(0 if urgent else 1, index, request, future))
        return future

    @property
    def unfinished(self) -> int:
        """Requests submitted and not finished yet (running or waiting for a worker)."""
        with self._lock:
            return self._unfinished

    @property
    def in_flight(self) -> int:
        with self._lock:
            return self._in_flight

    @property
    def is_held(self) -> bool:
        with self._lock:
            return self._held_since is not None

    def mean_in_flight(self) -> float:
        """Requests in flight on average since the pool opened (1.0: one at a time), the time
        it was held left out."""
        with self._lock:
            now = self._clock()
            total = self._in_flight_seconds + self._in_flight * (now - self._changed)
            held = self._held_seconds + (
                now - self._held_since if self._held_since is not None else 0.0
            )
            elapsed = now - self._opened - held
        return total / elapsed if elapsed > 0 else 0.0

    def hold(self) -> int:
        """The digest pauses: no request starts until `release()`, and those on the wire are
        abandoned (their connections closed, so the server drops them) and wait to be sent
        again, before the others. Their futures stay pending. Returns how many were."""
        with self._lock:
            if self._closed or self._held_since is not None:
                return 0
            self._held_since = self._clock()
            running = self._abandon_running()
        for attempt, item in running:
            attempt.abandon()
            self._queue.put(replace(item, started=True))
        return len(running)

    def release(self) -> None:
        """Held requests go out again, then the others, as before the hold."""
        with self._lock:
            if self._held_since is not None:
                self._held_seconds += self._clock() - self._held_since
                self._held_since = None
            self._released.notify_all()

    def close(self) -> None:
        """Cancel requests not started yet and abandon the running ones (their connections
        closed; their futures end with an error, no answer): nothing more comes of them."""
        with self._lock:
            self._closed = True
            if self._held_since is not None:
                self._held_seconds += self._clock() - self._held_since
                self._held_since = None
            running = self._abandon_running()
            self._released.notify_all()
        for attempt, item in running:
            attempt.abandon()
            _end_abandoned(item)
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            _end_abandoned(item)
        for _ in self._workers:
            self._queue.put(_Queued(2, 0, None, None))  # each worker's signal to end

    def _abandon_running(self) -> list[tuple[_Attempt, _Queued]]:
        """(Under the lock.) The running requests, no longer counted as in flight."""
        running = list(self._running.items())
        self._running.clear()
        for _ in running:
            self._count(-1)
        self.abandoned += len(running)
        return running

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item.future is None or item.request is None:
                return
            attempt = self._start(item)
            if attempt is None:
                continue
            _running.attempt = attempt
            outcome: MappedResult | BaseException
            try:
                outcome = _run(self.engine, item.index, item.request)
            except BaseException as exc:  # a bug: handed to the caller through the future
                outcome = exc
            finally:
                _running.attempt = None
            with self._lock:
                if self._running.pop(attempt, None) is None:
                    continue  # abandoned meanwhile: held (it is sent again) or closed
                self._count(-1)
            if isinstance(outcome, MappedResult):
                item.future.set_result(outcome)
            else:
                item.future.set_exception(outcome)

    def _start(self, item: _Queued) -> _Attempt | None:
        """Wait while the pool is held; the request's attempt, or None if it is not to run."""
        assert item.future is not None
        with self._lock:
            while self._held_since is not None and not self._closed:
                self._released.wait()
            if not self._closed:
                # (No callback runs here: a cancelled future only tells its waiters.)
                if not item.started and not item.future.set_running_or_notify_cancel():
                    return None  # cancelled while it waited
                attempt = _Attempt()
                self._running[attempt] = item
                self._count(+1)
                return attempt
        _end_abandoned(item)  # closed; outside the lock, which its future's callbacks take
        return None

    def _count(self, change: int) -> None:
        """(Under the lock.)"""
        now = self._clock()
        self._in_flight_seconds += self._in_flight * (now - self._changed)
        self._changed = now
        self._in_flight += change
        self.peak = max(self.peak, self._in_flight)

    def _finished(self, _future: Future[MappedResult]) -> None:
        with self._lock:
            self._unfinished -= 1


def _end_abandoned(item: _Queued) -> None:
    """A request that will not run: cancelled if it never started, else ended with an error."""
    future, request = item.future, item.request
    if future is None or request is None or future.cancel() or future.done():
        return
    with contextlib.suppress(Exception):  # resolved by another thread meanwhile
        future.set_result(MappedResult(item.index, request, error=abandoned_error()))


@dataclass(order=True, frozen=True)
class _Queued:
    priority: int
    index: int
    request: CompletionRequest | None = field(compare=False)
    future: Future[MappedResult] | None = field(compare=False)
    started: bool = field(default=False, compare=False)  # abandoned by a hold: sent again
