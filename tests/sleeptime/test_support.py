"""The support check: notes kept only when their sources say them, answers that fit questions."""

from __future__ import annotations

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
