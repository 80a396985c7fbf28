"""RequestPool: requests on worker threads, urgent ones first, failures handed back as results.

The engines are fakes held by the test (no server, no sleeps): each call waits for the test's
go-ahead, so what runs when is decided here, not by timing.
"""

from __future__ import annotations

import threading

import pytest

from nocturne.engine.base import Completion, GenerationOptions, Message
from nocturne.engine.logged import LoggedEngine
from nocturne.engine.remote_batch import CompletionRequest, RequestPool
from nocturne.errors import ModelError
from nocturne.library.store import Store

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
        # (not `unfinished == 0`: a future's callbacks run just after its result is available)
        assert pool.peak == 1
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


def test_close_cancels_what_has_not_started_and_abandons_what_runs() -> None:
    """A stop: the running request ends at once with an error, not when the engine answers,
    and its late answer is not handed back (nothing of it is logged or counted)."""
    engine = HeldEngine()
    pool = RequestPool(engine, 1)
    running = pool.submit(ask("running"))
    assert engine.first_started.wait(10)
    queued = pool.submit(ask("queued"))
    pool.close()
    assert queued.cancelled()
    result = running.result(timeout=0)  # done already: the pool did not wait for the engine
    assert result.completion is None and result.error is not None
    assert "nothing of it was kept" in result.error.message
    assert pool.in_flight == 0 and pool.abandoned == 1
    engine.go.set()
    assert engine.started == ["running"]


def test_a_held_pool_abandons_what_runs_and_sends_it_again_first_on_release() -> None:
    """A pause: the request on the wire is let go (counted out of the requests in flight at
    once), nothing starts while held, and on release it goes out again before the others."""
    now = [0.0]
    engine = HeldEngine()
    pool = RequestPool(engine, 1, clock=lambda: now[0])
    try:
        first = pool.submit(ask("first"))
        assert engine.first_started.wait(10)
        later = pool.submit(ask("later"))
        now[0] = 10.0
        assert pool.hold() == 1
        assert pool.is_held and pool.in_flight == 0 and pool.abandoned == 1
        assert pool.hold() == 0  # held already
        engine.go.set()  # the abandoned call returns: its answer is dropped
        now[0] = 110.0
        assert not first.done() and not later.done()
        assert pool.mean_in_flight() == 1.0  # 10 s in flight over 10 s not held
        pool.release()
        assert first.result(timeout=10).completion is not None
        assert later.result(timeout=10).completion is not None
        assert engine.started == ["first", "first", "later"]
        assert not pool.is_held
    finally:
        pool.close()


def test_a_pool_closed_while_held_ends_the_held_requests() -> None:
    engine = HeldEngine()
    pool = RequestPool(engine, 1)
    running = pool.submit(ask("running"))
    assert engine.first_started.wait(10)
    pool.hold()
    pool.close()
    engine.go.set()
    result = running.result(timeout=10)
    assert result.completion is None and result.error is not None
    assert engine.started == ["running"]


class FailingEngine(FakeEngine):
    """Fails the requests whose text says so: with a ModelError, or with a bug."""

    def complete(
        self,
        messages: list[Message],
        options: GenerationOptions = GenerationOptions(),
        *,
        purpose: str = "",
    ) -> Completion:
        text = messages[-1]["content"]
        if text == "server down":
            raise ModelError("cannot reach the remote server")
        if text == "bug":
            raise KeyError("choices")
        return super().complete(messages, options, purpose=purpose)


def test_a_failed_request_comes_back_as_its_result_with_the_reason() -> None:
    pool = RequestPool(FailingEngine(["fine"]), 1)
    try:
        failed = pool.submit(CompletionRequest(ask("server down").messages, key="chunk 7"))
        result = failed.result(timeout=10)
        assert (result.index, result.request.key, result.completion) == (0, "chunk 7", None)
        assert isinstance(result.error, ModelError)
        assert "cannot reach" in result.error.message
        later = pool.submit(ask("next")).result(timeout=10)
        assert (later.index, later.error) == (1, None)
        assert later.completion is not None and later.completion.text == "fine"
    finally:
        pool.close()


def test_a_bug_reaches_the_caller_through_the_future_and_the_worker_goes_on() -> None:
    pool = RequestPool(FailingEngine(), 1)
    try:
        broken = pool.submit(ask("bug"))
        with pytest.raises(KeyError, match="choices"):
            broken.result(timeout=10)
        assert pool.submit(ask("after")).result(timeout=10).completion is not None
        assert pool.in_flight == 0
    finally:
        pool.close()


def test_a_logged_engines_call_id_comes_back_with_its_result(store: Store) -> None:
    engine = LoggedEngine(FakeEngine(["logged reply"]), store)
    pool = RequestPool(engine, 1)
    try:
        result = pool.submit(ask("question")).result(timeout=10)
    finally:
        pool.close()
    assert result.log_id is not None and result.log_id == engine.last_call_id
    row = store.query("SELECT purpose FROM model_calls WHERE id = ?", (result.log_id,))[0]
    assert row["purpose"] == "digest:test"
    plain = RequestPool(FakeEngine(), 1)
    try:
        assert plain.submit(ask("q")).result(timeout=10).log_id is None
    finally:
        plain.close()


def test_a_closed_pool_takes_no_more_requests() -> None:
    pool = RequestPool(FakeEngine(), 2)
    pool.close()
    with pytest.raises(RuntimeError, match="the request pool is closed"):
        pool.submit(ask("late"))
    assert pool.unfinished == 0


def test_at_least_one_worker_and_no_average_before_any_time_passed() -> None:
    pool = RequestPool(FakeEngine(), 0, clock=lambda: 5.0)
    try:
        assert pool.concurrency == 1
        assert pool.mean_in_flight() == 0.0
    finally:
        pool.close()
