"""Several completions in flight at once, for servers that batch (vLLM, llama.cpp `-np N`).

A batch server finishes eight requests in little more time than one, so the digest may keep
`remote_concurrency` requests running. `RequestPool` serves callers that decide later which
result they need (the digest's look-ahead, `sleeptime/prefetch.py`): requests go in as they are
known, each comes back as a future, at most `concurrency` are on the wire, and the pool measures
how many were in flight on average (the achieved parallelism).

Store writes must stay on the caller's thread (the store shares one SQLite connection whose
transactions are not per-thread): the pool runs an engine that writes nothing (a `LoggedEngine`'s
inner engine) and the caller logs each call as it takes the result.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from nocturne.engine.base import Completion, Engine, GenerationOptions, Message
from nocturne.engine.logged import LoggedEngine
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
        self._clock = clock
        self._lock = threading.Lock()
        self._queue: queue.PriorityQueue[_Queued] = queue.PriorityQueue()
        self._opened = clock()
        self._changed = self._opened
        self._in_flight = 0
        self._in_flight_seconds = 0.0  # the integral of the in-flight count over time
        self._unfinished = 0
        self._submitted = 0
        self._closed = False
        self.peak = 0
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

    def mean_in_flight(self) -> float:
        """Requests in flight on average since the pool opened (1.0: one at a time)."""
        with self._lock:
            now = self._clock()
            total = self._in_flight_seconds + self._in_flight * (now - self._changed)
            elapsed = now - self._opened
        return total / elapsed if elapsed > 0 else 0.0

    def close(self) -> None:
        """Cancel requests not started yet; running ones finish in the background, unread."""
        with self._lock:
            self._closed = True
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item.future is not None:
                item.future.cancel()
        for _ in self._workers:
            self._queue.put(_Queued(2, 0, None, None))  # each worker's signal to end

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item.future is None or item.request is None:
                return
            if not item.future.set_running_or_notify_cancel():
                continue
            self._count(+1)
            try:
                result = _run(self.engine, item.index, item.request)
            except BaseException as exc:  # a bug: handed to the caller through the future
                self._count(-1)
                item.future.set_exception(exc)
                continue
            self._count(-1)
            item.future.set_result(result)

    def _count(self, change: int) -> None:
        with self._lock:
            now = self._clock()
            self._in_flight_seconds += self._in_flight * (now - self._changed)
            self._changed = now
            self._in_flight += change
            self.peak = max(self.peak, self._in_flight)

    def _finished(self, _future: Future[MappedResult]) -> None:
        with self._lock:
            self._unfinished -= 1


@dataclass(order=True)
class _Queued:
    priority: int
    index: int
    request: CompletionRequest | None = field(compare=False)
    future: Future[MappedResult] | None = field(compare=False)
