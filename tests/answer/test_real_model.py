"""Learned answers and the KV prefix cache with the real bundled model (short prompts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nocturne.answer.ask import ask
from nocturne.answer.learned import learned_messages, library_brief, system_message
from nocturne.answer.retrieval import retrieve
from nocturne.engine.base import GenerationOptions
from nocturne.engine.kv_cache import prefix_cache_for
from nocturne.settings import Settings

from .conftest import Library

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_learned_answer_quotes_and_cites_with_the_real_model(
    digested: Library, settings: Settings, real_engine: Any
) -> None:
    answer = ask(
        digested.store,
        real_engine,
        "What did Peyton Manning throw for in the regular season?",
        settings,
        mode="learned",
    )
    assert answer.mode == "learned"
    assert "2,249" in answer.answer  # in the quoted evidence at least
    assert [(c.document, c.page) for c in answer.citations] == [("Super_Bowl_50.md", 2)]
    assert 0 < answer.usage.prompt_tokens < 150
    assert answer.usage.completion_tokens <= 16
    assert answer.usage.total < answer.baseline.total


def test_prefix_state_restored_from_disk_gives_the_same_answer(
    digested: Library, real_engine: Any, tmp_path: Path
) -> None:
    store = digested.store
    question = "When was Nikola Tesla born?"
    brief = library_brief(store)
    messages = learned_messages(brief, retrieve(store, question).evidence[:2], question)
    options = GenerationOptions(max_tokens=8, stop=("\n",))
    cache = prefix_cache_for(real_engine, tmp_path)
    assert cache is not None
    overwrite = [{"role": "user", "content": "Say hello."}]
    real_engine.complete(overwrite, GenerationOptions(max_tokens=2))  # forget earlier prompts
    computed = cache.prepare(system_message(brief), "v1")
    assert computed.how == "computed" and computed.prefix_tokens > 10
    first = real_engine.complete(messages, options)
    assert cache.prepare(system_message(brief), "v1").how == "memory"
    # Another prompt overwrites the model's state, as a raw-mode question would.
    real_engine.complete(overwrite, GenerationOptions(max_tokens=2))
    restored = cache.prepare(system_message(brief), "v1")
    assert restored.how == "disk"
    second = real_engine.complete(messages, options)
    assert second.text == first.text
    assert len(list(tmp_path.glob("*.kv"))) == 1
