"""The `Engine` Protocol is the whole contract: what callers need is declared, not probed for."""

from __future__ import annotations

from nocturne.engine.base import Engine, Message
from nocturne.engine.local import LocalEngine
from nocturne.engine.logged import LoggedEngine
from nocturne.engine.remote import RemoteEngine
from nocturne.library.store import Store

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


def test_the_logged_engine_counts_with_the_engine_it_wraps(store: Store) -> None:
    inner = FakeEngine()
    assert LoggedEngine(inner, store).count_prompt_tokens(MESSAGES) == (
        inner.count_prompt_tokens(MESSAGES)
    )
