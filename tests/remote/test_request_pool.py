"""RequestPool and the digest's look-ahead rules, without a server."""

from __future__ import annotations

import threading

from nocturne.engine.base import Completion, Engine, GenerationOptions, Message
from nocturne.engine.logged import LoggedEngine
from nocturne.engine.remote_batch import CompletionRequest, RequestPool
from nocturne.library.store import Store
from nocturne.sleeptime.plan import Step
from nocturne.sleeptime.prefetch import StepPrefetcher, request_key, waits_for

from fakes.engine import FakeEngine


def ask(text: str) -> CompletionRequest:
    messages: list[Message] = [{"role": "user", "content": text}]
    return CompletionRequest(messages, GenerationOptions(), "digest:test")


class HeldEngine(FakeEngine):
    """Each call waits until the test lets it go; records the order calls started in."""

    def __init__(self) -> None:
        super().__init__(responder=lambda messages, _o: messages[-1]["content"])
        self.go = threading.Event()
        self.started: list[str] = []
        self.first_started = threading.Event()
        self.each_start = threading.Semaphore(0)

    def complete(
        self,
        messages: list[Message],
        options: GenerationOptions = GenerationOptions(),
        *,
        purpose: str = "",
    ) -> Completion:
        self.started.append(messages[-1]["content"])
        self.first_started.set()
        self.each_start.release()
        assert self.go.wait(10)
        return super().complete(messages, options, purpose=purpose)


def test_an_urgent_request_starts_before_the_waiting_ones() -> None:
    engine = HeldEngine()
    pool = RequestPool(engine, 1)
    try:
        first = pool.submit(ask("first"))
        assert engine.first_started.wait(10)
        later = [pool.submit(ask(f"later {i}")) for i in range(3)]
        urgent = pool.submit(ask("urgent"), urgent=True)
        assert pool.unfinished == 5
        engine.go.set()
        for future in [first, urgent, *later]:
            result = future.result(timeout=10)
            assert result.completion is not None
        assert engine.started == ["first", "urgent", "later 0", "later 1", "later 2"]
        assert pool.unfinished == 0 and pool.peak == 1
    finally:
        pool.close()


def test_mean_in_flight_is_the_time_average_of_requests_running() -> None:
    now = [0.0]
    engine = HeldEngine()
    pool = RequestPool(engine, 2, clock=lambda: now[0])
    try:
        futures = [pool.submit(ask("a")), pool.submit(ask("b"))]
        assert engine.each_start.acquire(timeout=10) and engine.each_start.acquire(timeout=10)
        assert pool.in_flight == 2
        now[0] = 10.0
        engine.go.set()
        for future in futures:
            future.result(timeout=10)
        now[0] = 20.0  # ten more seconds with nothing in flight
        assert pool.mean_in_flight() == 1.0  # two requests for 10 s, over 20 s
    finally:
        pool.close()


def test_close_cancels_what_has_not_started() -> None:
    engine = HeldEngine()
    pool = RequestPool(engine, 1)
    running = pool.submit(ask("running"))
    assert engine.first_started.wait(10)
    queued = pool.submit(ask("queued"))
    pool.close()
    assert queued.cancelled()
    engine.go.set()
    assert running.result(timeout=10).completion is not None
    assert engine.started == ["running"]


def step(kind: str, doc: int | None, chunks: tuple[int, ...] = ()) -> Step:
    return Step(f"{kind}:{doc}:{chunks}", kind, doc, chunks)


def test_only_summaries_wait_for_the_notes_they_read() -> None:
    chunk_1, chunk_2 = step("chunk_notes", 1, (1,)), step("chunk_notes", 1, (2,))
    section = step("section_summary", 1, (2, 3))
    document = step("document_summary", 1, (1, 2, 3))
    assert not waits_for(chunk_2, chunk_1)  # a chunk's requests read its own text only
    assert waits_for(section, chunk_2) and not waits_for(section, chunk_1)
    assert waits_for(document, section) and waits_for(document, chunk_1)
    assert not waits_for(document, step("structure", 1))
    assert not waits_for(step("library_brief", None), document)
    assert waits_for(step("some_new_kind", 1), chunk_1)  # unknown kinds wait, to be safe


def test_request_keys_tell_requests_apart() -> None:
    one: list[Message] = [{"role": "user", "content": "x"}]
    assert request_key(one, GenerationOptions(), "p") == request_key(
        [{"role": "user", "content": "x"}], GenerationOptions(), "p"
    )
    assert request_key(one, GenerationOptions(), "p") != request_key(
        one, GenerationOptions(max_tokens=3), "p"
    )
    assert request_key(one, GenerationOptions(), "p") != request_key(one, GenerationOptions(), "q")


def test_a_wrong_guess_costs_a_request_never_a_wrong_answer(store: Store) -> None:
    """The probe asked for 'v0'; by the step's turn its input says 'v1': the step gets the
    answer to 'v1', and the answer to 'v0' is logged as unused and counted as wasted."""
    engine = FakeEngine(responder=lambda messages, _o: "answer to " + messages[-1]["content"])
    version = ["v0"]

    def body(_store: Store, model: Engine, _step: Step) -> str:
        messages: list[Message] = [{"role": "user", "content": version[0]}]
        return model.complete(messages, GenerationOptions(), purpose="digest:test").text

    prefetcher = StepPrefetcher(store, LoggedEngine(engine, store), 2, body)
    pending = [Step("only", "chunk_notes", 1, (1,))]
    prefetcher.next_first(pending, 0)  # probes it and waits for its answer
    version[0] = "v1"
    assert body(store, prefetcher.engine, pending[0]) == "answer to v1"
    prefetcher.next_first(pending, 1)  # the step is done: its unused answer is retired
    assert prefetcher.engine.unused == 0
    assert prefetcher.close() == 1
    purposes = [row["purpose"] for row in store.query("SELECT purpose FROM model_calls")]
    assert sorted(purposes) == ["digest:test", "digest:unused"]
