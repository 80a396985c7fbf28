"""The KV prefix cache: computed once per learned-context version, restored, invalidated.

The cache logic runs on a fake model state; `LlamaStateBackend` on a fake llama object; one
`integration` test saves and restores the bundled model's real state.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nocturne.engine.base import GenerationOptions, Message
from nocturne.engine.kv_cache import (
    FILE_SUFFIX,
    LlamaStateBackend,
    PrefixCache,
    pack_state,
    prefix_cache_for,
    unpack_state,
)
from nocturne.engine.local import LocalEngine
from nocturne.engine.logged import LoggedEngine
from nocturne.library.store import Store

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


def test_a_saved_state_packs_and_unpacks_to_the_same_header_and_bytes() -> None:
    header = {"input_ids": [1, 2], "n_tokens": 2, "llama_state_size": 3, "seed": 0}
    assert unpack_state(pack_state(header, b"abc")) == (header, b"abc")


@pytest.mark.parametrize(
    ("blob", "said"),
    [
        (b"", "not a saved prefix state"),
        ((0).to_bytes(8, "little") + b"{}", "not a saved prefix state"),
        ((99).to_bytes(8, "little") + b"{}", "not a saved prefix state"),
        (pack_state({"llama_state_size": 5}, b"abc"), "truncated prefix state"),
    ],
)
def test_a_blob_that_is_not_a_whole_saved_state_is_refused(blob: bytes, said: str) -> None:
    with pytest.raises(ValueError, match=said):
        unpack_state(blob)


def test_the_file_name_depends_on_model_version_and_tokens(tmp_path: Path) -> None:
    cache = PrefixCache(FakeModelState("Qwen 2.5/7B:Q4.gguf"), tmp_path)
    path = cache.path_for([1, 2, 3], "v1")
    assert path.parent == tmp_path and path.suffix == FILE_SUFFIX
    assert path.name.startswith("Qwen_2.5_7B_Q4.gguf-")  # no slash or colon in a file name
    others = {
        cache.path_for([1, 2, 3], "v2"),
        cache.path_for([1, 2, 4], "v1"),
        PrefixCache(FakeModelState("other.gguf"), tmp_path).path_for([1, 2, 3], "v1"),
    }
    assert path not in others and len(others) == 3
    assert cache.path_for([1, 2, 3], "v1") == path
    long_name = PrefixCache(FakeModelState("m" * 200), tmp_path).path_for([1], "v1")
    assert long_name.name.startswith("m" * 60 + "-")


def test_a_system_block_without_a_shared_prefix_is_not_cached(tmp_path: Path) -> None:
    model = FakeModelState()
    outcome = PrefixCache(model, tmp_path).prepare(system(""), "v1")
    assert (outcome.how, outcome.prefix_tokens, outcome.seconds) == ("computed", 0, 0.0)
    assert model.evaluations == 0 and list(tmp_path.iterdir()) == []


def test_saving_replaces_only_this_models_older_states_and_leaves_no_partial_file(
    tmp_path: Path,
) -> None:
    other = PrefixCache(FakeModelState("other.gguf"), tmp_path)
    other.prepare(system("their brief"), "v1")
    cache = PrefixCache(FakeModelState(), tmp_path)
    cache.prepare(system("brief"), "v1")
    cache.prepare(system("a new brief"), "v2")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 2 and all(name.endswith(FILE_SUFFIX) for name in names)
    assert [n.split("-")[0] for n in names] == ["fake.gguf", "other.gguf"]
    assert cache.clear() == 1
    assert [p.name.split("-")[0] for p in tmp_path.iterdir()] == ["other.gguf"]
    assert cache.clear() == 0


def test_a_state_the_model_refuses_is_deleted_and_computed_again(tmp_path: Path) -> None:
    PrefixCache(FakeModelState(), tmp_path).prepare(system("brief"), "v1")

    class Refuses(FakeModelState):
        def load_state(self, blob: bytes) -> None:
            raise RuntimeError("failed to set state data")  # another llama.cpp build's file

    model = Refuses()
    assert PrefixCache(model, tmp_path).prepare(system("brief"), "v1").how == "computed"
    assert model.evaluations == 1 and len(list(tmp_path.glob("*.kv"))) == 1


def test_engines_without_llama_get_no_cache(tmp_path: Path, store: Store) -> None:
    assert prefix_cache_for(FakeEngine(), tmp_path) is None
    assert prefix_cache_for(LoggedEngine(FakeEngine(), store), tmp_path) is None


# -- LlamaStateBackend on a fake llama ---------------------------------------------------------


class FakeState:
    def __init__(self, input_ids: list[int], n_tokens: int, payload: bytes) -> None:
        self.input_ids = np.array(input_ids, dtype=np.intc)
        self.n_tokens = n_tokens
        self.llama_state = payload
        self.llama_state_size = len(payload)
        self.seed = 4


class StateLlama:
    """Tokens are characters; the state is whatever was evaluated."""

    def __init__(self, context: int = 16, vocab: int = 4) -> None:
        self.input_ids = np.zeros(context, dtype=np.intc)
        self.scores = np.zeros((context, vocab), dtype=np.single)
        self.n_tokens = 0
        self.calls: list[str] = []
        self.loaded: Any = None

    def tokenize(self, data: bytes, special: bool = False) -> list[int]:
        return list(data)

    def reset(self) -> None:
        self.calls.append("reset")
        self.n_tokens = 0

    def eval(self, tokens: list[int]) -> None:
        self.calls.append("eval")
        self.input_ids[: len(tokens)] = tokens
        self.n_tokens = len(tokens)

    def save_state(self) -> FakeState:
        return FakeState(list(self.input_ids), self.n_tokens, b"kv-bytes")

    def load_state(self, state: Any) -> None:
        self.loaded = state


class StateEngine:
    """What the backend uses of LocalEngine: llama, model id, template, lock, threads."""

    def __init__(self, llama: StateLlama) -> None:
        import threading

        self.llama = llama
        self.model_id = "fake.gguf"
        self.lock = threading.RLock()

    def render(self, messages: list[Message]) -> str:
        return "".join(f"<{m['role']}>{m['content']}" for m in messages) + "<assistant>"

    def adapt_threads(self) -> None:
        self.llama.calls.append("adapt_threads")


def test_the_prefix_is_the_tokens_shared_up_to_the_users_text() -> None:
    backend = LlamaStateBackend(StateEngine(StateLlama()))
    tokens = backend.prefix_tokens(system("Brief."))
    assert bytes(tokens) == b"<system>Brief.<user>"


def test_a_prefix_longer_than_the_score_buffer_holds_is_not_cached() -> None:
    backend = LlamaStateBackend(StateEngine(StateLlama()))
    long = system("x" * (LlamaStateBackend.MAX_PREFIX))
    assert backend.prefix_tokens(long) == []


def test_the_prefix_prefill_fits_its_threads_first() -> None:
    llama = StateLlama()
    backend = LlamaStateBackend(StateEngine(llama))
    backend.evaluate([1, 2, 3])
    assert llama.calls == ["adapt_threads", "reset", "eval"]
    assert backend.current_tokens() == [1, 2, 3]


def test_the_saved_state_keeps_the_evaluated_tokens_and_loads_back_padded() -> None:
    llama = StateLlama(context=16, vocab=4)
    backend = LlamaStateBackend(StateEngine(llama))
    llama.eval([7, 8, 9])
    blob = backend.save_state()
    header, payload = unpack_state(blob)
    assert (header["input_ids"], header["n_tokens"], header["seed"], payload) == (
        [7, 8, 9],
        3,
        4,
        b"kv-bytes",
    )
    backend.load_state(blob)
    state = llama.loaded
    assert state.input_ids.shape == (16,) and list(state.input_ids[:4]) == [7, 8, 9, 0]
    assert state.scores.shape == (3, 4) and state.n_tokens == 3
    assert (state.llama_state, state.llama_state_size) == (b"kv-bytes", 8)


def test_a_saved_prefix_longer_than_this_contexts_scores_is_refused() -> None:
    small = LlamaStateBackend(StateEngine(StateLlama(context=2)))
    header = {"input_ids": [1, 2, 3], "n_tokens": 3, "llama_state_size": 1, "seed": 0}
    with pytest.raises(ValueError, match="longer than the score buffer"):
        small.load_state(pack_state(header, b"x"))


# -- with the bundled model ---------------------------------------------------------------------


@pytest.mark.integration
def test_the_real_models_prefix_is_saved_and_restored_after_another_prompt(
    real_engine: LocalEngine, tmp_path: Path
) -> None:
    cache = prefix_cache_for(real_engine, tmp_path)
    assert cache is not None
    brief = system("Answer from the library brief: two documents.")
    first = cache.prepare(brief, "v1")
    assert first.how == "computed" and first.prefix_tokens > 5
    assert cache.prepare(brief, "v1").how == "memory"
    real_engine.complete([{"role": "user", "content": "Hi"}], GenerationOptions(max_tokens=2))
    restored = cache.prepare(brief, "v1")
    assert (restored.how, restored.prefix_tokens) == ("disk", first.prefix_tokens)
    question: list[Message] = [brief, {"role": "user", "content": "How many documents?"}]
    assert real_engine.complete(question, GenerationOptions(max_tokens=3)).usage.prompt_tokens > (
        first.prefix_tokens
    )
