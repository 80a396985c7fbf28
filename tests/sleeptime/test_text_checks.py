"""Key-sentence choice, the support check, dedup and the grammars' parsers."""

from __future__ import annotations

import pytest

from nocturne.sleeptime.anticipated_questions import template_question
from nocturne.sleeptime.dedup import Deduplicator, similarity
from nocturne.sleeptime.grammars import (
    QUESTION_GRAMMAR,
    SENTENCE_GRAMMAR,
    parse_question,
    parse_sentence,
)
from nocturne.sleeptime.key_sentences import (
    key_sentences,
    salience,
    sentences_of,
    strip_glued_title,
    strip_heading,
)
from nocturne.sleeptime.support import (
    best_supporting_sentence,
    is_model_text_supported,
    is_supported,
    numbers_anchored,
)

PASSAGE = (
    "It was a good time. The default timeout is 30 seconds and clients must retry at most three "
    "times. Some people like tea. The protocol was defined by the IETF in March 2012 as RFC 6455. "
    "Things went on as they do."
)


def test_key_sentences_prefer_numbers_defaults_and_names() -> None:
    chosen = key_sentences(PASSAGE, 2)
    assert chosen == [
        "The default timeout is 30 seconds and clients must retry at most three times.",
        "The protocol was defined by the IETF in March 2012 as RFC 6455.",
    ]


def test_salience_penalises_sentences_that_are_not_self_contained() -> None:
    assert salience("It was released in 1999 by Sony.") < salience(
        "The console was released in 1999 by Sony."
    )


def test_headings_glued_to_sentences_are_removed() -> None:
    assert strip_heading("Amazon rainforest The Amazon is large.") == "The Amazon is large."
    assert strip_heading("Before first use Rinse the tank.") == "Rinse the tank."
    text = (
        "# Espresso Machine ## Before first use Rinse the water tank and fill it with cold "
        "water. The water tank holds 1.8 litres of water. ## Making an espresso Use 18 grams "
        "of finely ground coffee for a double shot."
    )
    assert sentences_of(text) == [
        "Rinse the water tank and fill it with cold water.",
        "The water tank holds 1.8 litres of water.",
        "Use 18 grams of finely ground coffee for a double shot.",
    ]


def test_plain_headings_run_into_sentences_are_removed() -> None:
    assert strip_glued_title("Pets and tools The garden is organic and has no pets.") == (
        "The garden is organic and has no pets."
    )
    kept = "He was born in the city of The Hague in 1950 and moved."
    assert strip_glued_title(kept) == kept


def test_support_check_keeps_what_the_source_says_and_drops_inventions() -> None:
    assert is_supported("Clients retry at most three times.", [PASSAGE])
    assert not is_supported("The timeout uses a regex engine written in Rust.", [PASSAGE])
    assert not is_supported("It is.", [PASSAGE])  # no content words at all


def test_numbers_must_sit_in_a_sentence_about_the_same_thing() -> None:
    sources = [
        "ABC launched a campaign around its logo in 2000.",
        "In 2015 the network changed its jingles.",
    ]
    assert numbers_anchored("ABC launched a logo campaign in 2000.", sources)
    assert not numbers_anchored("ABC launched a logo campaign in 2015.", sources)
    assert not is_model_text_supported("ABC launched a logo campaign in 2015.", sources)


def test_model_text_gluing_two_sources_together_is_dropped() -> None:
    sources = [
        "The 1973 oil crisis began in October 1973 when OPEC members proclaimed an oil embargo.",
        "The Amazon rainforest covers most of the Amazon basin of South America.",
    ]
    invented = (
        "The 1973 oil crisis began in October 1973 when OPEC members declared an oil "
        "embargo on the region of South America."
    )
    assert is_supported(invented, sources)  # the plain check alone would let it through
    assert not is_model_text_supported(invented, sources)
    assert is_model_text_supported(
        "OPEC members proclaimed an oil embargo in October 1973.", sources
    )


def test_answer_is_the_sentence_that_supports_the_question() -> None:
    sentences = [s + "." for s in PASSAGE.split(". ")]
    found = best_supporting_sentence("What is the default timeout?", sentences)
    assert found is not None
    assert found.sentence.startswith("The default timeout is 30 seconds")
    assert best_supporting_sentence("What is the answer to this question?", sentences) is None
    assert best_supporting_sentence("Who invented the bicycle in Paris?", sentences) is None


def test_template_question_for_definitions() -> None:
    assert template_question("Chloroplasts are organelles that conduct photosynthesis.") == (
        "What are Chloroplasts?"
    )
    assert template_question("The Amazon rainforest is a moist broadleaf forest.") == (
        "What is the Amazon rainforest?"
    )
    assert template_question("It is a forest.") is None
    assert template_question("Prices rose in 1973.") is None


def test_deduplicator_drops_near_repeats() -> None:
    seen = Deduplicator(["What is the default timeout?"])
    assert not seen.add("What's the default timeout?")
    assert seen.add("Who defined the protocol?")
    assert similarity("oil embargo prices", "forest rain basin") == 0.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What is the default timeout?", "What is the default timeout?"),
        ("  When was RFC 6455 published?\n", "When was RFC 6455 published?"),
        ("What is?", None),
        ("The timeout is 30 seconds.", None),
        ("What the the the the the the the?", None),
        ('What is the meaning of "every four years" here?', None),
        ("What does this sentence say about oil?", None),
    ],
)
def test_parse_question(text: str, expected: str | None) -> None:
    assert parse_question(text) == expected


def test_parse_sentence() -> None:
    assert parse_sentence("The embargo raised oil prices fourfold.") == (
        "The embargo raised oil prices fourfold."
    )
    assert parse_sentence("no capital and no stop") is None
    assert parse_sentence("Oil oil oil oil oil oil oil oil.") is None


def test_grammars_compile_in_llama_cpp() -> None:
    llama_cpp = pytest.importorskip("llama_cpp")
    for grammar in (QUESTION_GRAMMAR, SENTENCE_GRAMMAR):
        assert llama_cpp.LlamaGrammar.from_string(grammar, verbose=False) is not None
