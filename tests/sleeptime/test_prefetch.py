"""The digest's look-ahead rules (`sleeptime/prefetch.py`), without a server; the pool it
sends through is tested in tests/engine/test_remote_batch.py."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from nocturne.engine.base import Completion, Engine, GenerationOptions, Message, Usage
from nocturne.engine.logged import LoggedEngine
from nocturne.engine.remote_batch import CompletionRequest, RequestPool
from nocturne.errors import ModelError
from nocturne.library.store import Store
from nocturne.sleeptime.plan import OCR_PAGE, Step
from nocturne.sleeptime.prefetch import (
    PrefetchedEngine,
    RecordingEngine,
    StepBody,
    StepPrefetcher,
    concurrency_of,
    request_key,
    waits_for,
)

from fakes.engine import FakeEngine


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


class Gated(FakeEngine):
    """Answers "answer to <text>"; a request whose text is in `held` waits until `release`."""

    def __init__(self, held: set[str] = frozenset(), failures: int = 0) -> None:
        super().__init__(responder=lambda messages, _o: "answer to " + messages[-1]["content"])
        self.held = set(held)
        self.release = threading.Event()
        self.failures = failures  # calls that fail before the engine answers again
        self.asked: list[str] = []

    def complete(
        self,
        messages: list[Message],
        options: GenerationOptions = GenerationOptions(),
        *,
        purpose: str = "",
    ) -> Completion:
        text = messages[-1]["content"]
        self.asked.append(text)
        if text in self.held:
            assert self.release.wait(10)
        if self.failures:
            self.failures -= 1
            raise ModelError("the server closed the connection")
        return super().complete(messages, options, purpose=purpose)


class Concurrent(FakeEngine):
    concurrency = 4


def user(text: str) -> list[Message]:
    return [{"role": "user", "content": text}]


def request(text: str, purpose: str = "digest:test") -> CompletionRequest:
    return CompletionRequest(user(text), GenerationOptions(), purpose)


def asks(texts: dict[str, list[str]]) -> StepBody:
    """A step body that asks the model for each text listed under its step's key."""

    def body(_store: Store, model: Engine, step: Step) -> object:
        return [model.complete(user(t), purpose="digest:test").text for t in texts[step.key]]

    return body


def purposes(store: Store) -> list[str]:
    return sorted(row["purpose"] for row in store.query("SELECT purpose FROM model_calls"))


def test_concurrency_is_the_engines_own_else_one(store: Store) -> None:
    assert concurrency_of(FakeEngine()) == 1  # the local engine is not thread-safe
    assert concurrency_of(Concurrent()) == 4
    assert concurrency_of(LoggedEngine(Concurrent(), store)) == 4  # seen through the log

    class Odd(FakeEngine):
        concurrency = "8"

    assert concurrency_of(Odd()) == 1


def test_a_probe_records_requests_and_answers_each_with_nothing() -> None:
    inner = FakeEngine(model_id="m-1", context_size=1024)
    recorder = RecordingEngine(inner)
    completion = recorder.complete(user("x"), GenerationOptions(max_tokens=5), purpose="p")
    assert (completion.text, completion.usage, completion.model_id) == ("", Usage(), "m-1")
    assert recorder.stream(user("y")).collect().text == ""
    assert [(r.messages, r.options.max_tokens, r.purpose) for r in recorder.requests] == [
        (user("x"), 5, "p"),
        (user("y"), GenerationOptions().max_tokens, ""),
    ]
    assert inner.calls == []  # the model was never asked
    assert (recorder.model_id, recorder.context_size, recorder.count_tokens("a b")) == (
        "m-1",
        1024,
        2,
    )


def test_a_request_no_probe_foresaw_is_sent_then_and_logged(store: Store) -> None:
    engine = Gated()
    logged = LoggedEngine(engine, store)
    pool = RequestPool(engine, 2)
    try:
        prefetched = PrefetchedEngine(logged, pool)
        assert prefetched.complete(user("x"), purpose="digest:test").text == "answer to x"
        assert prefetched.complete(user("y")).text == "answer to y"
    finally:
        pool.close()
    assert purposes(store) == ["digest:test", "unspecified"]
    assert logged.last_call_id == store.scalar("SELECT MAX(id) FROM model_calls")


def test_a_prefetched_answer_is_taken_once_and_not_asked_again(store: Store) -> None:
    engine = Gated()
    pool = RequestPool(engine, 2)
    try:
        prefetched = PrefetchedEngine(LoggedEngine(engine, store), pool)
        prefetched.prefetch(request("x")).result(timeout=10)
        assert prefetched.unused == 1
        assert prefetched.complete(user("x"), purpose="digest:test").text == "answer to x"
        assert prefetched.unused == 0
        assert engine.asked == ["x"]
        prefetched.complete(user("x"), purpose="digest:test")  # asked again: sent again
        assert engine.asked == ["x", "x"]
    finally:
        pool.close()


def test_a_failed_request_is_tried_once_more_then_its_error_raised(store: Store) -> None:
    engine = Gated(failures=1)
    pool = RequestPool(engine, 1)
    try:
        prefetched = PrefetchedEngine(LoggedEngine(engine, store), pool)
        assert prefetched.complete(user("x")).text == "answer to x"
        engine.failures = 2
        with pytest.raises(ModelError, match="closed the connection"):
            prefetched.complete(user("y"))
    finally:
        pool.close()
    assert engine.asked == ["x", "x", "y", "y"]
    assert purposes(store) == ["unspecified"]  # a failure is not logged as a call


def test_retiring_a_step_drops_what_its_probe_sent_and_the_run_did_not_take(
    store: Store,
) -> None:
    engine = Gated()
    pool = RequestPool(engine, 2)
    try:
        prefetched = PrefetchedEngine(LoggedEngine(engine, store), pool)
        futures = [prefetched.prefetch(request(t)) for t in ("x", "guess")]
        for future in futures:
            future.result(timeout=10)
        prefetched.begin_step()
        prefetched.complete(user("x"), purpose="digest:test")
        probed = Counter(
            request_key(user(t), GenerationOptions(), "digest:test") for t in ("x", "guess")
        )
        assert prefetched.retire(probed) == 1
        assert prefetched.unused == 0
    finally:
        pool.close()
    assert purposes(store) == ["digest:test", "digest:unused"]


def test_unused_answers_are_logged_when_the_run_ends(store: Store) -> None:
    engine = Gated(held={"late"})
    pool = RequestPool(engine, 2)
    try:
        prefetched = PrefetchedEngine(LoggedEngine(engine, store), pool)
        prefetched.prefetch(request("early")).result(timeout=10)
        prefetched.prefetch(request("late"))  # still running: nothing came back to log
        assert prefetched.unused == 2
        assert prefetched.log_unused() == 1
        assert prefetched.unused == 0
    finally:
        engine.release.set()
        pool.close()
    assert purposes(store) == ["digest:unused"]


def test_the_look_ahead_passes_ocr_and_waits_for_the_notes_a_summary_reads(
    store: Store,
) -> None:
    """A page to read is this machine's work, not the server's: the look-ahead goes past it to
    the other documents' steps behind it (the scan's own steps join the run once it is read)."""
    texts = {"c1": ["chunk 1"], "s1": ["section 1"], "c2": ["chunk 2"], "ocr": [], "c3": ["x"]}
    engine = Gated()
    pending = [
        Step("c1", "chunk_notes", 1, (1,)),
        Step("s1", "section_summary", 1, (1,)),  # reads c1's facts: not probed before c1 is done
        Step("c2", "chunk_notes", 2, (5,)),  # another document's: free to run ahead
        Step("ocr", OCR_PAGE, 3, page=1),  # read locally: never sent
        Step("c3", "chunk_notes", 4, (9,)),  # a document after the scan: sent meanwhile
    ]
    prefetcher = StepPrefetcher(store, LoggedEngine(engine, store), 2, asks(texts))
    try:
        prefetcher.fill(pending, 0)
        assert prefetcher.engine.unused == 3
        for text in ("chunk 1", "chunk 2", "x"):
            prefetcher.engine.complete(user(text), purpose="digest:test")
        assert prefetcher.engine.unused == 0  # those three were the requests sent ahead
    finally:
        prefetcher.close()
    assert sorted(engine.asked) == ["chunk 1", "chunk 2", "x"]


def test_a_failing_probe_still_prefetches_what_it_asked_before_failing(store: Store) -> None:
    engine = Gated()

    def body(_store: Store, model: Engine, _step: Step) -> object:
        model.complete(user("first"), purpose="digest:test")
        raise ValueError("an empty answer is not what the real run gets")

    prefetcher = StepPrefetcher(store, LoggedEngine(engine, store), 2, body)
    try:
        prefetcher.fill([Step("a", "chunk_notes", 1, (1,))], 0)
        assert prefetcher.engine.unused == 1
    finally:
        prefetcher.close()


def test_a_later_documents_step_whose_answers_are_back_goes_first(store: Store) -> None:
    texts = {"a1": ["slow"], "a2": ["quick"], "b1": ["quick too"]}
    engine = Gated(held={"slow"})
    pending = [
        Step("a1", "chunk_notes", 1, (1,)),
        Step("a2", "chunk_notes", 1, (2,)),  # answered, but behind a1 of its document
        Step("b1", "chunk_notes", 2, (3,)),
    ]
    prefetcher = StepPrefetcher(store, LoggedEngine(engine, store), 2, asks(texts))
    try:
        ordered = prefetcher.next_first(pending, 0)
        assert ordered is pending
        assert [step.key for step in pending] == ["b1", "a1", "a2"]
    finally:
        engine.release.set()
        prefetcher.close()


def test_waiting_for_answers_ends_once_the_run_is_stopping(store: Store) -> None:
    engine = Gated(held={"slow"})
    pending = [Step("a1", "chunk_notes", 1, (1,))]
    prefetcher = StepPrefetcher(store, LoggedEngine(engine, store), 1, asks({"a1": ["slow"]}))
    try:
        assert prefetcher.next_first(pending, 0, stopping=lambda: True) == pending
    finally:
        engine.release.set()
        prefetcher.close()
