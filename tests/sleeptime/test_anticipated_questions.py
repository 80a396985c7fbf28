"""Anticipated questions: the definition pattern without a model, and the model's phrasing."""

from __future__ import annotations

import pytest

from nocturne.sleeptime.anticipated_questions import (
    QUESTION_OPTIONS,
    model_question,
    template_question,
)
from nocturne.sleeptime.grammars import QUESTION_GRAMMAR

from fakes.engine import FakeEngine


def test_template_question_for_definitions() -> None:
    assert template_question("Chloroplasts are organelles that conduct photosynthesis.") == (
        "What are Chloroplasts?"
    )
    assert template_question("The Amazon rainforest is a moist broadleaf forest.") == (
        "What is the Amazon rainforest?"
    )
    assert template_question("It is a forest.") is None
    assert template_question("Prices rose in 1973.") is None


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Ada Lovelace was an English mathematician and writer.", "Who was Ada Lovelace?"),
        ("Nixon and Simon were the main figures.", "Who were Nixon and Simon?"),
        # a name in the present tense, or an article first: a thing, not a person
        ("Ada Lovelace is a famous name.", "What is Ada Lovelace?"),
        ("The Treaty of Paris was a peace treaty.", "What was the Treaty of Paris?"),
        ("An enzyme is a protein that speeds up reactions.", "What is an enzyme?"),
        ("Mitochondria are organelles of the cell.", "What are Mitochondria?"),
        ("These are the main findings of the report.", None),  # a pronoun: about what?
        ("There is a gate at the end of the road.", None),
        ("The deposit is 900 pounds.", None),  # not a definition
    ],
)
def test_template_question_wording(sentence: str, expected: str | None) -> None:
    assert template_question(sentence) == expected


def test_the_model_phrases_one_question_under_the_question_grammar() -> None:
    engine = FakeEngine(["  What did OPEC proclaim in 1973?\n"])
    phrased = model_question(engine, "OPEC proclaimed an embargo in 1973.", "digest:questions")
    assert phrased.text == "What did OPEC proclaim in 1973?"
    assert phrased.model_written is True
    assert phrased.usage.completion_tokens == 7  # what the engine reported
    (call,) = engine.calls
    assert call.purpose == "digest:questions"
    assert call.options == QUESTION_OPTIONS and call.options.grammar == QUESTION_GRAMMAR
    assert call.messages[-1]["content"].endswith("OPEC proclaimed an embargo in 1973.")


def test_a_malformed_model_question_is_an_empty_text_with_its_cost() -> None:
    engine = FakeEngine(["The embargo began in 1973."])
    phrased = model_question(engine, "OPEC proclaimed an embargo in 1973.", "digest:questions")
    assert phrased.text == ""
    assert phrased.usage.total > 0  # the tokens were spent all the same
