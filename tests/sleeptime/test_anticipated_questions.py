"""Anticipated questions: the definition pattern without a model, and the model's phrasing."""

from __future__ import annotations

from nocturne.sleeptime.anticipated_questions import template_question


def test_template_question_for_definitions() -> None:
    assert template_question("Chloroplasts are organelles that conduct photosynthesis.") == (
        "What are Chloroplasts?"
    )
    assert template_question("The Amazon rainforest is a moist broadleaf forest.") == (
        "What is the Amazon rainforest?"
    )
    assert template_question("It is a forest.") is None
    assert template_question("Prices rose in 1973.") is None
