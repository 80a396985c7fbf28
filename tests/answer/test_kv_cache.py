"""The KV prefix cache: computed once per learned-context version, restored, invalidated."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne.answer.ask import ask
from nocturne.answer.learned import learned_version
from nocturne.engine.base import Message
from nocturne.engine.kv_cache import PrefixCache, pack_state, prefix_cache_for, unpack_state
from nocturne.engine.logged import LoggedEngine
from nocturne.settings import Settings

from .conftest import Library
from fakes.engine import FakeEngine


class FakeModelState:
    """Counts evaluations; its 'state' is just the evaluated tokens."""

    def __init__(self, model_id: str = "fake.gguf") -> None:
        self.model_id = model_id
        self.tokens: list[int] = []
        self.evaluations = 0
        self.loads = 0

    def prefix_tokens(self, system: Message) -> list[int]:
        return [ord(ch) for ch in system["content"]]

    def current_tokens(self) -> list[int]:
        return list(self.tokens)

    def evaluate(self, tokens: list[int]) -> None:
        self.evaluations += 1
        self.tokens = list(tokens)

    def save_state(self) -> bytes:
        payload = bytes(t % 256 for t in self.tokens)
        return pack_state(
            {
                "input_ids": self.tokens,
                "n_tokens": len(self.tokens),
                "llama_state_size": len(payload),
                "seed": 0,
            },
            payload,
        )

    def load_state(self, blob: bytes) -> None:
        header, _ = unpack_state(blob)
        self.loads += 1
        self.tokens = list(header["input_ids"])


def system(text: str) -> Message:
    return {"role": "system", "content": text}


def test_prefix_is_computed_once_then_kept_in_memory_then_restored(tmp_path: Path) -> None:
    model = FakeModelState()
    cache = PrefixCache(model, tmp_path)
    assert cache.prepare(system("brief v1"), "v1").how == "computed"
    assert cache.prepare(system("brief v1"), "v1").how == "memory"
    assert model.evaluations == 1
    fresh = FakeModelState()  # a new process: nothing evaluated yet
    outcome = PrefixCache(fresh, tmp_path).prepare(system("brief v1"), "v1")
    assert (outcome.how, outcome.prefix_tokens) == ("disk", len("brief v1"))
    assert (fresh.evaluations, fresh.loads) == (0, 1)
    assert fresh.tokens == model.tokens


def test_a_new_learned_context_version_invalidates_the_saved_state(tmp_path: Path) -> None:
    model = FakeModelState()
    cache = PrefixCache(model, tmp_path)
    cache.prepare(system("brief"), "v1")
    old = list(tmp_path.glob("*.kv"))
    fresh = FakeModelState()
    assert PrefixCache(fresh, tmp_path).prepare(system("brief"), "v2").how == "computed"
    assert fresh.evaluations == 1
    files = list(tmp_path.glob("*.kv"))
    assert len(files) == 1 and files != old  # the stale version was deleted


def test_a_damaged_state_file_is_recomputed(tmp_path: Path) -> None:
    cache = PrefixCache(FakeModelState(), tmp_path)
    cache.prepare(system("brief"), "v1")
    path = next(tmp_path.glob("*.kv"))
    path.write_bytes(b"\x05\x00\x00\x00\x00\x00\x00\x00{bad")
    fresh = FakeModelState()
    assert PrefixCache(fresh, tmp_path).prepare(system("brief"), "v1").how == "computed"
    with pytest.raises(ValueError):
        unpack_state(b"nonsense")


def test_learned_version_changes_with_the_notes(digested: Library) -> None:
    before = learned_version(digested.store)
    digested.add_note(
        "fact", "Luke Kuechly led the team in tackles with 118.", ["Super_Bowl_50.md#1"]
    )
    after_new_note = learned_version(digested.store)
    digested.store.conn.execute("UPDATE notes SET stale = 1 WHERE kind = 'library_brief'")
    assert len({before, after_new_note, learned_version(digested.store)}) == 3


def test_engines_without_llama_get_no_cache(
    tmp_path: Path, digested: Library, settings: Settings
) -> None:
    assert prefix_cache_for(FakeEngine(), tmp_path) is None
    assert prefix_cache_for(LoggedEngine(FakeEngine(), digested.store), tmp_path) is None
    answer = ask(
        digested.store,
        FakeEngine(["2,249 yards"]),
        "How many yards did Peyton Manning throw for?",
        settings,
    )
    assert "kv_cache" not in answer.extra
