"""Answering with the optional dense retriever configured (the embedding model itself is tested in
tests/engine/test_embedding.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne.answer.ask import answer_question
from nocturne.settings import Settings

from .conftest import Library
from fakes.engine import FakeEngine


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
