"""What the KV prefix cache depends on in answering: the learned-context version, and an engine
that has one (the cache itself is tested in tests/engine/test_kv_cache.py)."""

from __future__ import annotations

from nocturne.answer.ask import ask
from nocturne.answer.learned import learned_version
from nocturne.settings import Settings

from .conftest import Library
from fakes.engine import FakeEngine


def test_learned_version_changes_with_the_notes(digested: Library) -> None:
    before = learned_version(digested.store)
    digested.add_note(
        "fact", "Luke Kuechly led the team in tackles with 118.", ["Super_Bowl_50.md#1"]
    )
    after_new_note = learned_version(digested.store)
    digested.store.conn.execute("UPDATE notes SET stale = 1 WHERE kind = 'library_brief'")
    assert len({before, after_new_note, learned_version(digested.store)}) == 3


def test_an_answer_from_an_engine_without_llama_uses_no_cache(
    digested: Library, settings: Settings
) -> None:
    answer = ask(
        digested.store,
        FakeEngine(["2,249 yards"]),
        "How many yards did Peyton Manning throw for?",
        settings,
    )
    assert "kv_cache" not in answer.extra
