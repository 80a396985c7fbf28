"""Every model call is logged once, when it ends: purpose, model, tokens, seconds.

The savings people see are computed from this log, so a call must be logged exactly once, with
the counts its engine reported, and the wrapper must otherwise behave as the engine it wraps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nocturne.engine.base import CompletionStream, GenerationOptions, Message
from nocturne.engine.logged import LoggedEngine
from nocturne.errors import ModelError
from nocturne.library.store import Store

from fakes.engine import FakeEngine

MESSAGES: list[Message] = [
    {"role": "system", "content": "Answer from the passage."},
    {"role": "user", "content": "When is the rent due?"},
]


def calls(store: Store) -> list[Any]:
    return store.query("SELECT * FROM model_calls ORDER BY id")


def test_the_logged_engine_counts_with_the_engine_it_wraps(store: Store) -> None:
    inner = FakeEngine()
    assert LoggedEngine(inner, store).count_prompt_tokens(MESSAGES) == (
        inner.count_prompt_tokens(MESSAGES)
    )


def test_every_call_is_logged_with_its_purpose(store: Store) -> None:
    engine = LoggedEngine(FakeEngine(["an answer here"]), store)
    engine.complete([{"role": "user", "content": "question words"}], purpose="answer:raw")
    row = store.query("SELECT * FROM model_calls")[0]
    assert row["purpose"] == "answer:raw" and row["completion_tokens"] == 3
    assert row["prompt_tokens"] > 0 and row["seconds"] >= 0


def test_a_stream_is_logged_once_when_it_ends_with_the_engines_own_counts(store: Store) -> None:
    engine = LoggedEngine(FakeEngine(["due on the first"], model_id="small.gguf"), store)
    stream = engine.stream(MESSAGES, purpose="answer:learned")
    assert next(stream) == "due"
    assert calls(store) == []  # not before the end: the counts are not known yet
    rest = list(stream)
    assert rest == [" on", " the", " first"]
    completion = stream.completion
    assert completion is not None
    (row,) = calls(store)
    assert engine.last_call_id == row["id"]
    assert (row["purpose"], row["model_id"]) == ("answer:learned", "small.gguf")
    assert (row["prompt_tokens"], row["completion_tokens"]) == (
        completion.usage.prompt_tokens,
        completion.usage.completion_tokens,
    )
    assert row["first_token_s"] == pytest.approx(completion.first_token_s)


def test_a_call_without_a_purpose_is_logged_as_unspecified(store: Store) -> None:
    inner = FakeEngine(["x"])
    LoggedEngine(inner, store).complete(MESSAGES)
    assert [row["purpose"] for row in calls(store)] == ["unspecified"]
    assert inner.calls[0].purpose == ""  # the engine is told what it was told


def test_the_options_reach_the_wrapped_engine(store: Store) -> None:
    inner = FakeEngine(["one two three four"])
    completion = LoggedEngine(inner, store).complete(MESSAGES, GenerationOptions(max_tokens=2))
    assert completion.text == "one two"
    assert inner.calls[0].options.max_tokens == 2
    assert calls(store)[0]["completion_tokens"] == 2


def test_a_call_that_fails_logs_nothing(store: Store) -> None:
    class Unreachable(FakeEngine):
        def stream(self, *args: Any, **kwargs: Any) -> CompletionStream:
            raise ModelError("cannot reach the remote server")

    engine = LoggedEngine(Unreachable(), store)
    with pytest.raises(ModelError, match="cannot reach"):
        engine.complete(MESSAGES, purpose="digest:chunk")
    assert calls(store) == [] and engine.last_call_id is None


def test_a_stream_closed_before_its_end_is_logged_with_what_it_spent(store: Store) -> None:
    """A cancelled answer read its prompt and wrote some words: those tokens were spent."""
    inner = FakeEngine(["due on the first of the month"], model_id="small.gguf")
    engine = LoggedEngine(inner, store)
    stream = engine.stream(MESSAGES, purpose="answer:raw")
    assert [next(stream), next(stream)] == ["due", " on"]
    stream.close()
    (row,) = calls(store)
    assert engine.last_call_id == row["id"]
    assert (row["purpose"], row["model_id"]) == ("answer:raw", "small.gguf")
    assert row["prompt_tokens"] == inner.count_prompt_tokens(MESSAGES) > 0
    assert row["completion_tokens"] == 2  # the words produced before it was closed
    assert row["seconds"] >= row["first_token_s"] >= 0
    stream.close()  # closing again logs nothing more
    assert len(calls(store)) == 1


def test_a_stream_dropped_by_a_stopped_caller_is_logged_once(store: Store) -> None:
    """The Stop button raises from the text callback: the stream is dropped, not drained."""
    engine = LoggedEngine(FakeEngine(["one two three four"]), store)

    def read_until_stopped() -> None:
        for piece in engine.stream(MESSAGES, purpose="answer:raw"):
            if piece == " two":
                raise ModelError("stopped")

    with pytest.raises(ModelError):
        read_until_stopped()
    assert [(r["completion_tokens"]) for r in calls(store)] == [2]


def test_a_stream_broken_off_after_its_first_words_is_logged(store: Store) -> None:
    class Broken(FakeEngine):
        def stream(self, *args: Any, **kwargs: Any) -> CompletionStream:
            def pieces() -> Any:
                yield "due"
                raise ModelError("the remote server closed the connection")

            return CompletionStream(pieces())

    engine = LoggedEngine(Broken(), store)
    with pytest.raises(ModelError, match="closed the connection"):
        engine.complete(MESSAGES, purpose="answer:learned")
    (row,) = calls(store)
    assert (row["prompt_tokens"], row["completion_tokens"]) == (
        FakeEngine().count_prompt_tokens(MESSAGES),
        1,
    )


def test_a_stream_closed_before_its_first_word_logs_nothing(store: Store) -> None:
    engine = LoggedEngine(FakeEngine(["due"]), store)
    engine.stream(MESSAGES, purpose="answer:raw").close()  # never started: nothing was read
    assert calls(store) == [] and engine.last_call_id is None


def test_model_context_and_prefix_cache_are_the_wrapped_engines(
    store: Store, tmp_path: Path
) -> None:
    cache = object()

    class Cached(FakeEngine):
        def prefix_cache(self, directory: Path) -> Any:
            return cache if directory == tmp_path else None

    engine = LoggedEngine(Cached(model_id="big.gguf", context_size=8192), store)
    assert (engine.model_id, engine.context_size) == ("big.gguf", 8192)
    assert engine.count_tokens("two words") == 2
    assert engine.prefix_cache(tmp_path) is cache
