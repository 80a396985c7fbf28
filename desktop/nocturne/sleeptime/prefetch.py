"""Several digest steps' model requests in flight at once, for a server with parallel slots.

The store stays on the runner's thread and every step still runs and commits there, one at a
time, each document's steps in plan order, so the notes are exactly those of a run with one
request at a time. What changes is where the model's answers come from. Ahead of the step being
done, the runner *probes* the next steps: it runs their bodies against a `RecordingEngine` that
writes nothing and answers every request with an empty text, only to learn which requests they
will make. Those requests go to a `RequestPool` (up to `remote_concurrency` on the wire). When a
step's turn comes, its body runs again for real against a `PrefetchedEngine`, which answers each
request from the matching prefetched result (waiting for it if it is still running, and sending
it first if it has not started), or sends it then if no probe foresaw it. A probe that guessed
wrong costs a request (logged as `digest:unused`), never a wrong note.

A step is probed only once the steps before it that write what its requests read are committed
(`waits_for`): a section summary's prompt is made from its chunks' facts, a document summary's
from its section summaries. Chunk notes, structure, cross-document and library steps read only
the documents' text, so they can run ahead freely. Summaries therefore make a chain per document
(chunks, then sections, then the document); so that the server is not idle while one document's
summary is out, the step done next is the first one whose answers are back, provided no earlier
step of its document is still to do (`next_first`). Steps of different documents never read
each other's notes, so only the order of rows in the store changes, not what they hold.

A pause or a stop does not leave requests running on the server: `pause()` and `close()` abandon
those on the wire (`RequestPool.hold` and `close`), a pause sending them again on `resume()`.

Bounds: at most 64 steps per slot looked ahead, 2 requests per slot submitted and unfinished,
16 per slot answered and waiting for their step.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections import Counter, deque
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from pathlib import Path
from typing import TYPE_CHECKING

from nocturne.engine.base import (
    Completion,
    CompletionStream,
    Engine,
    GenerationOptions,
    Message,
    Usage,
)
from nocturne.engine.logged import LoggedEngine
from nocturne.engine.remote_batch import CompletionRequest, MappedResult, RequestPool
from nocturne.library.store import Store
from nocturne.sleeptime.plan import OCR_PAGE, Step

if TYPE_CHECKING:
    from nocturne.engine.kv_cache import PrefixCache

AHEAD_STEPS = 64  # steps looked ahead at most, per request slot
QUEUED_PER_SLOT = 2  # requests kept submitted per slot (running or waiting for a worker)
RESULTS_PER_SLOT = 16  # requests sent ahead and not used yet, at most, per slot
STOP_CHECK_S = 0.25  # while waiting for answers, how often a stop request is looked at
UNUSED_PURPOSE = "digest:unused"  # logged for answers a probe asked for and no step used
_INDEPENDENT = frozenset({"chunk_notes", "structure", "cross_document", "library_brief"})

StepBody = Callable[[Store, Engine, Step], object]


def concurrency_of(engine: Engine) -> int:
    """Requests the engine may have in flight: the remote engine's `remote_concurrency`, else
    1 (the local llama.cpp engine is not thread-safe)."""
    inner = engine.inner if isinstance(engine, LoggedEngine) else engine
    value = getattr(inner, "concurrency", 1)
    return value if isinstance(value, int) and value > 1 else 1


def waits_for(step: Step, earlier: Step) -> bool:
    """Do `step`'s model requests read notes that the (uncommitted) `earlier` step of the same
    document writes? (Steps of other documents never write what a step reads.)"""
    if step.kind in _INDEPENDENT:
        return False
    if step.kind == "section_summary":
        return earlier.kind == "chunk_notes" and not set(earlier.chunk_ids).isdisjoint(
            step.chunk_ids
        )
    if step.kind == "document_summary":
        return earlier.document_id == step.document_id and earlier.kind != "structure"
    return True  # a kind not described here waits for everything before it


def request_key(messages: list[Message], options: GenerationOptions, purpose: str) -> str:
    return json.dumps([messages, dataclasses.asdict(options), purpose], sort_keys=True, default=str)


class _Delegating:
    def __init__(self, inner: Engine) -> None:
        self.inner = inner

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def context_size(self) -> int:
        return self.inner.context_size

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def count_prompt_tokens(self, messages: list[Message]) -> int:
        return self.inner.count_prompt_tokens(messages)

    def prefix_cache(self, directory: Path) -> PrefixCache | None:
        return None

    def complete(
        self,
        messages: list[Message],
        options: GenerationOptions = GenerationOptions(),
        *,
        purpose: str = "",
    ) -> Completion:
        raise NotImplementedError

    def stream(
        self,
        messages: list[Message],
        options: GenerationOptions = GenerationOptions(),
        *,
        purpose: str = "",
    ) -> CompletionStream:
        return CompletionStream(_replay(self.complete(messages, options, purpose=purpose)))


def _replay(completion: Completion) -> Generator[str, None, Completion]:
    if completion.text:
        yield completion.text
    return completion


class RecordingEngine(_Delegating):
    """A probe's engine: notes each request and answers it with an empty text."""

    def __init__(self, inner: Engine) -> None:
        super().__init__(inner)
        self.requests: list[CompletionRequest] = []

    def complete(
        self,
        messages: list[Message],
        options: GenerationOptions = GenerationOptions(),
        *,
        purpose: str = "",
    ) -> Completion:
        self.requests.append(CompletionRequest(list(messages), options, purpose))
        return Completion(
            text="",
            usage=Usage(),
            seconds=0.0,
            first_token_s=0.0,
            model_id=self.inner.model_id,
            finish_reason="stop",
        )


class PrefetchedEngine(_Delegating):
    """The real run's engine: answers from prefetched results, logging each on this thread."""

    def __init__(self, logged: LoggedEngine, pool: RequestPool) -> None:
        super().__init__(logged.inner)
        self.logged = logged
        self.pool = pool
        self._ready: dict[str, deque[Future[MappedResult]]] = {}
        self._unused = 0
        self._taken = Counter[str]()  # keys answered from `_ready` in the current step

    @property
    def unused(self) -> int:
        """Requests sent ahead whose results no step has taken yet."""
        return self._unused

    def prefetch(self, request: CompletionRequest) -> Future[MappedResult]:
        key = request_key(request.messages, request.options, request.purpose)
        future = self.pool.submit(request)
        self._ready.setdefault(key, deque()).append(future)
        self._unused += 1
        return future

    def complete(
        self,
        messages: list[Message],
        options: GenerationOptions = GenerationOptions(),
        *,
        purpose: str = "",
    ) -> Completion:
        request = CompletionRequest(list(messages), options, purpose)
        key = request_key(messages, options, purpose)
        future = self._take(key)
        if future is None or future.cancel():  # not sent yet: it goes first now
            future = self.pool.submit(request, urgent=True)
        result = future.result()
        if result.error is not None:  # failed after the engine's own retries: once more
            result = self.pool.submit(request, urgent=True).result()
        if result.error is not None:
            raise result.error
        assert result.completion is not None
        self._log(purpose, result.completion)
        return result.completion

    def begin_step(self) -> None:
        self._taken.clear()

    def retire(self, probed: Counter[str]) -> int:
        """After a step's real run: drop what its probe sent ahead and the run did not take (a
        wrong guess), logging the answers that came back; returns how many were dropped."""
        dropped = 0
        for key, count in probed.items():
            for _ in range(count - self._taken[key]):
                future = self._take(key, newest=True)
                if future is None:
                    break
                dropped += 1
                if not future.cancel() and future.done():
                    self._log_if_answered(future)
        self._taken.clear()
        return dropped

    def _take(self, key: str, *, newest: bool = False) -> Future[MappedResult] | None:
        waiting = self._ready.get(key)
        if not waiting:
            return None
        future = waiting.pop() if newest else waiting.popleft()
        if not waiting:
            del self._ready[key]
        self._unused -= 1
        if not newest:
            self._taken[key] += 1
        return future

    def _log_if_answered(self, future: Future[MappedResult]) -> bool:
        result = future.result()
        if result.completion is None:
            return False
        self._log(UNUSED_PURPOSE, result.completion)
        return True

    def log_unused(self) -> int:
        """Log the answers that came back but no step used (a probe's wrong guess, or a step
        the run stopped before); returns how many requests were wasted so."""
        wasted = 0
        for waiting in self._ready.values():
            for future in waiting:
                if future.done() and not future.cancelled():
                    wasted += self._log_if_answered(future)
        self._ready.clear()
        self._unused = 0
        return wasted

    def _log(self, purpose: str, completion: Completion) -> None:
        self.logged.last_call_id = self.logged.store.log_model_call(
            purpose=purpose or "unspecified",
            model_id=completion.model_id,
            usage=completion.usage,
            seconds=completion.seconds,
            first_token_s=completion.first_token_s,
        )


class StepPrefetcher:
    """The digest's look-ahead: probes the coming steps and keeps their requests in flight."""

    def __init__(
        self, store: Store, engine: LoggedEngine, concurrency: int, run_body: StepBody
    ) -> None:
        self.store = store
        self.concurrency = concurrency
        self.pool = RequestPool(engine.inner, concurrency)
        self.engine = PrefetchedEngine(engine, self.pool)
        self._run_body = run_body
        self._probed: dict[str, list[Future[MappedResult]]] = {}  # step key: its requests
        self._probed_keys: dict[str, Counter[str]] = {}  # step key: its requests' keys
        self._current: Step | None = None  # the step last put first (run since, or not)
        self._wasted = 0

    def fill(self, pending: Sequence[Step], index: int) -> None:
        """Probe steps from `pending[index]` on (that one always) until enough requests are
        queued."""
        window = pending[index : index + AHEAD_STEPS * self.concurrency]
        earlier: dict[int | None, list[Step]] = {}  # uncommitted steps so far, per document
        for position, step in enumerate(window):
            if position and (
                self.pool.unfinished >= QUEUED_PER_SLOT * self.concurrency
                or self.engine.unused >= RESULTS_PER_SLOT * self.concurrency
            ):
                return
            if step.kind == OCR_PAGE:
                # Read here, not by the server; the steps behind it are other documents'
                # (its own join the run once its pages are read), so the server works on
                # theirs meanwhile.
                continue
            same_document = earlier.setdefault(step.document_id, [])
            if step.key not in self._probed and (
                step.kind in _INDEPENDENT
                or not any(waits_for(step, before) for before in same_document)
            ):
                self._probe(step)
            same_document.append(step)

    def next_first(
        self, pending: list[Step], index: int, stopping: Callable[[], bool] = lambda: False
    ) -> list[Step]:
        """Probe ahead, then put first the step to do next: `pending[index]` once its answers
        are back, or, if a later step's answers are back first, that step, provided no earlier
        step of its document is still to do (so each document's steps keep their order).
        `pending` is reordered in place and returned. Waiting ends early once `stopping()`."""
        self._retire_current()
        while True:
            self.fill(pending, index)
            waiting: list[Future[MappedResult]] = []
            documents: set[int | None] = set()
            end = min(len(pending), index + AHEAD_STEPS * self.concurrency)
            for position in range(index, end):
                step = pending[position]
                if step.kind == OCR_PAGE:
                    break
                if step.document_id not in documents:
                    futures = self._probed.get(step.key)
                    if futures is not None:
                        unfinished = [future for future in futures if not future.done()]
                        if not unfinished:
                            pending.insert(index, pending.pop(position))
                            return self._put_first(pending, index)
                        waiting.extend(unfinished)
                    documents.add(step.document_id)
            if not waiting or stopping():
                return self._put_first(pending, index)
            wait(waiting, timeout=STOP_CHECK_S, return_when=FIRST_COMPLETED)

    def mean_in_flight(self) -> float:
        return self.pool.mean_in_flight()

    def pause(self) -> int:
        """The digest pauses: the requests on the wire are abandoned (the server drops them)
        and nothing is sent until `resume()`, which sends them again; returns how many."""
        return self.pool.hold()

    def resume(self) -> None:
        self.pool.release()

    def close(self) -> int:
        """Abandon what is still queued or running (nothing of it is stored; the connections of
        the running ones are closed, so the server drops them) and log the answers that came
        back unused; returns how many those were."""
        self.pool.close()
        return self._wasted + self.engine.log_unused()

    def _put_first(self, pending: list[Step], index: int) -> list[Step]:
        self._current = pending[index] if index < len(pending) else None
        self.engine.begin_step()
        return pending

    def _retire_current(self) -> None:
        """The step put first last time has run (or was skipped): forget its probe."""
        if self._current is None:
            return
        key = self._current.key
        self._probed.pop(key, None)
        self._wasted += self.engine.retire(self._probed_keys.pop(key, Counter()))
        self._current = None

    def _ready_to_run(self, step: Step) -> bool:
        futures = self._probed.get(step.key)
        return futures is not None and all(future.done() for future in futures)

    def _probe(self, step: Step) -> None:
        recorder = RecordingEngine(self.engine.inner)
        with contextlib.suppress(Exception):  # the real run meets (and reports) the same
            self._run_body(self.store, recorder, step)
        self._probed[step.key] = [self.engine.prefetch(request) for request in recorder.requests]
        self._probed_keys[step.key] = Counter(
            request_key(r.messages, r.options, r.purpose) for r in recorder.requests
        )
