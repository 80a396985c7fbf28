"""map_complete: several requests in flight, results as they finish, logging on the caller."""

from __future__ import annotations

import threading

from nocturne.engine.base import Completion, GenerationOptions, Message, Usage
from nocturne.engine.logged import LoggedEngine
from nocturne.engine.remote_batch import CompletionRequest, map_complete
from nocturne.errors import ModelError
from nocturne.library.store import Store

from fakes.engine import FakeEngine


def ask(text: str, key: object = None) -> CompletionRequest:
    messages: list[Message] = [{"role": "user", "content": text}]
    return CompletionRequest(messages, GenerationOptions(), "digest", key)


class GatedEngine(FakeEngine):
    """Blocks every call until `concurrency` calls are in flight at once, proving overlap."""

    def __init__(self, in_flight_needed: int) -> None:
        super().__init__(responder=lambda messages, _options: messages[-1]["content"].upper())
        self.barrier = threading.Barrier(in_flight_needed, timeout=10)
        self.threads: set[str] = set()

    def complete(
        self,
        messages: list[Message],
        options: GenerationOptions = GenerationOptions(),
        *,
        purpose: str = "",
    ) -> Completion:
        self.threads.add(threading.current_thread().name)
        if messages[-1]["content"] == "fail":
            raise ModelError("server said no")
        self.barrier.wait()
        return super().complete(messages, options, purpose=purpose)


def test_requests_overlap_up_to_the_concurrency() -> None:
    engine = GatedEngine(in_flight_needed=3)
    results = list(map_complete(engine, [ask(f"r{i}", key=i) for i in range(6)], concurrency=3))
    assert sorted(r.request.key for r in results) == list(range(6))
    assert all(
        r.completion is not None and r.completion.text == f"R{r.request.key}" for r in results
    )
    assert len(engine.threads) == 3
    assert threading.current_thread().name not in engine.threads


def test_one_failure_fails_only_its_own_request() -> None:
    engine = GatedEngine(in_flight_needed=1)
    results = list(map_complete(engine, [ask("a"), ask("fail"), ask("b")], concurrency=2))
    failed = [r for r in results if r.error is not None]
    assert [r.request.messages[0]["content"] for r in failed] == ["fail"]
    assert "server said no" in str(failed[0].error)
    assert len([r for r in results if r.completion is not None]) == 2


def test_concurrency_one_runs_in_order_on_the_callers_thread() -> None:
    engine = GatedEngine(in_flight_needed=1)
    results = list(map_complete(engine, [ask("x"), ask("y")], concurrency=1))
    assert [r.index for r in results] == [0, 1]
    assert engine.threads == {threading.current_thread().name}


def test_closing_early_stops_submitting() -> None:
    engine = FakeEngine(responder=lambda m, _o: "ok")
    requests = (ask(str(i)) for i in range(100))
    results = map_complete(engine, requests, concurrency=2)
    first = next(results)
    results.close()
    assert first.completion is not None
    assert len(engine.calls) <= 4


def test_logged_calls_are_written_on_the_callers_thread(store: Store) -> None:
    writer_threads: list[str] = []
    original = store.log_model_call

    def recording_log(**kwargs: object) -> int:
        writer_threads.append(threading.current_thread().name)
        return original(**kwargs)  # type: ignore[arg-type]

    store.log_model_call = recording_log  # type: ignore[method-assign]
    logged = LoggedEngine(FakeEngine(responder=lambda m, _o: "fact one"), store)
    results = list(map_complete(logged, [ask(str(i)) for i in range(5)], concurrency=3))
    assert {threading.current_thread().name} == set(writer_threads)
    assert len(writer_threads) == 5
    assert all(r.log_id for r in results)
    totals = store.model_call_totals()["digest"]
    assert totals["calls"] == 5
    expected = sum((r.completion.usage for r in results if r.completion), Usage())
    assert totals["completion_tokens"] == expected.completion_tokens
