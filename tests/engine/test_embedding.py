"""Dense vectors through llama.cpp's embedding mode: pooling, the in-memory cache, threads.

The logic runs on a fake llama object; one `integration` test embeds with the bundled model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nocturne.engine import embedding
from nocturne.engine.embedding import EmbeddingModel, cosine
from nocturne.engine.threads import ThreadPlan


def test_cosine() -> None:
    assert cosine([1.0, 0.0], [1.0, 0.0]) == pytest.approx(1.0)
    assert cosine([1.0, 0.0], [0.0, 2.0]) == pytest.approx(0.0)
    assert cosine([0.0, 0.0], [1.0, 1.0]) == 0.0


@pytest.mark.integration
def test_embedding_model_ranks_related_text_higher(model_path: Path) -> None:
    model = EmbeddingModel.load(model_path, threads=1)
    scores = model.similarities(
        "football game score",
        [
            "The Broncos beat the Panthers 24 to 10.",
            "Chloroplasts capture light for photosynthesis.",
        ],
    )
    assert len(scores) == 2 and all(-1.0 <= s <= 1.0 for s in scores)
    assert scores[0] > scores[1]
    assert model.embed("same text") is model.embed("same text")  # cached


def test_cosine_ignores_length_and_sees_opposites() -> None:
    assert cosine([3.0, 4.0], [6.0, 8.0]) == pytest.approx(1.0)
    assert cosine([1.0, 2.0], [-1.0, -2.0]) == pytest.approx(-1.0)
    assert cosine([], []) == 0.0


class VectorLlama:
    """Embeds a text as given by `vectors` (a list of rows: one per token, unpooled)."""

    def __init__(self, vectors: dict[str, Any]) -> None:
        self.vectors = vectors
        self.embedded: list[str] = []

    def embed(self, text: str, truncate: bool = False) -> Any:
        assert truncate  # a long note must not fail the whole ranking
        self.embedded.append(text)
        return self.vectors[text]


def test_per_token_vectors_are_mean_pooled_and_pooled_ones_kept() -> None:
    llama = VectorLlama({"two tokens": [[1.0, 0.0], [3.0, 2.0]], "pooled": [1, 2]})
    model = EmbeddingModel(llama, "e.gguf")
    assert model.embed("two tokens") == [2.0, 1.0]
    assert model.embed("pooled") == [1.0, 2.0]
    assert all(isinstance(x, float) for x in model.embed("pooled"))


def test_a_text_seen_before_is_not_embedded_again() -> None:
    llama = VectorLlama({"question": [1.0, 0.0], "note": [0.0, 1.0], "other": [1.0, 1.0]})
    model = EmbeddingModel(llama, "e.gguf")
    first = model.similarities("question", ["note", "other"])
    second = model.similarities("question", ["other", "note"])
    assert first == pytest.approx([0.0, 0.7071067811865475])
    assert second == list(reversed(first))
    assert llama.embedded == ["question", "note", "other"]


def test_a_full_cache_starts_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedding, "CACHE_LIMIT", 2)
    llama = VectorLlama({"a": [1.0], "b": [2.0], "c": [3.0]})
    model = EmbeddingModel(llama, "e.gguf")
    for text in ("a", "b", "c", "a"):
        model.embed(text)
    assert llama.embedded == ["a", "b", "c", "a"]  # "a" was forgotten when "c" came


def test_each_embedding_call_fits_its_threads_and_only_changes_reach_llama(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    applied: list[int] = []
    monkeypatch.setattr(embedding, "set_llama_threads", lambda _llama, n: applied.append(n))
    readings = iter([0.0, 1.5, 1.8, 0.0])
    plan = ThreadPlan(2, 2, lambda: next(readings))
    model = EmbeddingModel(VectorLlama({t: [1.0] for t in "abcd"}), "e.gguf", plan)
    for text in "abcd":
        model.embed(text)
    assert applied == [1, 2]  # loaded with 2: 2, 1, 1, 2


def test_without_a_thread_plan_the_threads_stay_as_loaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        embedding, "set_llama_threads", lambda *_a: pytest.fail("threads were changed")
    )
    model = EmbeddingModel(VectorLlama({"a": [1.0]}), "e.gguf")
    assert model.embed("a") == [1.0]


def test_loading_names_the_model_by_its_file_and_refuses_a_missing_one(tmp_path: Path) -> None:
    from nocturne.errors import ModelError

    with pytest.raises(ModelError, match="model file not found"):
        EmbeddingModel.load(tmp_path / "absent.gguf")


@pytest.mark.integration
def test_the_bundled_model_loads_with_a_fixed_thread_limit(model_path: Path) -> None:
    model = EmbeddingModel.load(model_path, threads=1, context_size=256)
    assert model.model_id == model_path.name
    assert model.thread_plan is not None and model.thread_plan.limit == 1
    assert len(model.embed("a short note")) > 0
