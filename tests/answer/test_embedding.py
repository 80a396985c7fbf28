"""The optional dense retriever through llama.cpp's embedding mode (with the bundled model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne.answer.ask import answer_question
from nocturne.engine.embedding import EmbeddingModel, cosine
from nocturne.settings import Settings

from .conftest import Library
from fakes.engine import FakeEngine


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
    assert model.embed("same text") is model.embed("same text")  # cached


@pytest.mark.integration
def test_configured_embedding_model_is_used_for_answers(
    digested: Library, settings: Settings, model_path: Path
) -> None:
    settings.set("embedding_model_path", str(model_path))
    answer = answer_question(
        digested.store,
        FakeEngine(["2,249 yards"]),
        "How many yards did Peyton Manning throw for?",
        settings,
        "learned",
    )
    assert "2,249" in answer.answer
