"""The digest's look-ahead rules (`sleeptime/prefetch.py`), without a server; the pool it
sends through is tested in tests/engine/test_remote_batch.py."""

from __future__ import annotations

from nocturne.engine.base import Engine, GenerationOptions, Message
from nocturne.engine.logged import LoggedEngine
from nocturne.library.store import Store
from nocturne.sleeptime.plan import Step
from nocturne.sleeptime.prefetch import StepPrefetcher, request_key, waits_for

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
