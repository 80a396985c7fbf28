"""The `Engine` Protocol is the whole contract: what callers need is declared, not probed for."""

from __future__ import annotations

import dataclasses
from collections.abc import Generator

import pytest

from nocturne.engine.base import (
    Completion,
    CompletionStream,
    Engine,
    GenerationOptions,
    Message,
    Usage,
)
from nocturne.engine.local import LocalEngine
from nocturne.engine.logged import LoggedEngine
from nocturne.engine.remote import RemoteEngine

from fakes.engine import FakeEngine

MESSAGES: list[Message] = [
    {"role": "system", "content": "Answer from the passage."},
    {"role": "user", "content": "When is the rent due?"},
]


def test_counting_a_prompt_is_part_of_the_protocol_and_every_engine_has_it() -> None:
    assert "count_prompt_tokens" in Engine.__dict__
    for engine in (LocalEngine, RemoteEngine, FakeEngine, LoggedEngine):
        assert callable(getattr(engine, "count_prompt_tokens", None)), engine

    class CountsWordsOnly:  # what used to pass for an engine, probed with getattr
        model_id = "m"
        context_size = 100

        def count_tokens(self, text: str) -> int:
            return len(text.split())

        def complete(self, *args: object, **kwargs: object) -> None: ...

        def stream(self, *args: object, **kwargs: object) -> None: ...

    assert not isinstance(CountsWordsOnly(), Engine)
    assert isinstance(FakeEngine(), Engine)


def test_fake_engine_replays_and_records() -> None:
    engine = FakeEngine(["first reply", "second"])
    assert isinstance(engine, Engine)
    one = engine.complete([{"role": "user", "content": "hi there"}], purpose="t")
    stream = engine.stream([{"role": "user", "content": "again"}], GenerationOptions(max_tokens=5))
    assert list(stream) == ["second"]
    assert one.text == "first reply" and one.usage.completion_tokens == 2
    assert stream.completion is not None and stream.completion.text == "second"
    assert [c.purpose for c in engine.calls] == ["t", ""]


def test_usage_adds_up_per_kind_and_in_total() -> None:
    spent = Usage(120, 8) + Usage(30, 2)
    assert (spent.prompt_tokens, spent.completion_tokens, spent.total) == (150, 10, 160)
    assert Usage().total == 0


def _pieces(log: list[str]) -> Generator[str, None, Completion]:
    try:
        yield "Rent is "
        yield "due."
    finally:
        log.append("closed")
    return Completion("Rent is due.", Usage(9, 2), 0.5, 0.1, "m", finish_reason="length")


def test_a_stream_has_its_completion_only_once_exhausted_and_keeps_it() -> None:
    log: list[str] = []
    stream = CompletionStream(_pieces(log))
    assert iter(stream) is stream
    assert next(stream) == "Rent is "
    assert stream.completion is None
    assert list(stream) == ["due."]
    assert stream.completion is not None
    assert (stream.completion.text, stream.completion.finish_reason) == ("Rent is due.", "length")
    # Draining it again (a caller that streamed, then collects) keeps the completion.
    assert stream.collect() is stream.completion
    assert log == ["closed"]


def test_closing_a_stream_early_ends_its_generator_without_a_completion() -> None:
    log: list[str] = []
    stream = CompletionStream(_pieces(log))
    assert next(stream) == "Rent is "
    stream.close()
    assert log == ["closed"]  # the engine's `finally` ran: its lock or connection is released
    assert stream.completion is None
    with pytest.raises(StopIteration):
        next(stream)


def test_options_and_completions_are_values_that_cannot_be_changed() -> None:
    options = GenerationOptions()
    assert (options.max_tokens, options.temperature, options.grammar, options.stop) == (
        64,
        0.0,
        None,
        (),
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.max_tokens = 4  # type: ignore[misc]
    done = Completion("x", Usage(1, 1), 0.1, 0.1, "m")
    assert (done.finish_reason, done.threads) == ("stop", 0)  # 0 threads: not a local model
