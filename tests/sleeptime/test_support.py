"""The support check: notes kept only when their sources say them, answers that fit questions."""

from __future__ import annotations

import pytest

from nocturne.sleeptime.support import (
    best_supporting_sentence,
    containment,
    is_model_text_supported,
    is_supported,
    numbers_anchored,
    stems,
    support_ratio,
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


@pytest.mark.parametrize(
    "words",
    [
        ("ships", "shipped", "shipping", "ship"),
        ("plans", "planned", "planning", "plan"),
        ("runs", "running"),
        ("calls", "called", "calling", "call"),
        ("passes", "passed", "passing"),
        ("adds", "added", "adding", "add"),
        ("staff", "staffed"),
    ],
)
def test_forms_of_one_word_share_a_stem(words: tuple[str, ...]) -> None:
    assert len({frozenset(stems(word)) for word in words}) == 1, [stems(w) for w in words]


def test_possessives_and_contractions_lose_their_stopword() -> None:
    assert stems("What's the ship's cargo?") == {"ship", "cargo"}
    assert stems("It is what it is.") == set()


def test_support_ratio_is_the_share_of_the_notes_words_in_all_sources_together() -> None:
    sources = ["The boiler is old.", "Check the pressure."]
    assert support_ratio("boiler pressure gauge", sources) == pytest.approx(2 / 3)
    assert support_ratio("boiler pressure gauge", []) == 0.0
    assert support_ratio("It is what it is.", sources) == 0.0  # no content words


def test_one_content_word_is_never_enough_and_the_threshold_is_a_parameter() -> None:
    assert not is_supported("Boiler.", ["The boiler is in the cellar."])
    note, sources = "boiler pressure gauge", ["The boiler has a gauge."]
    assert not is_supported(note, sources)  # 2/3 < 0.8
    assert is_supported(note, sources, threshold=0.6)


def test_containment_of_a_note_in_one_sentence() -> None:
    assert containment("boiler pressure", "The boiler is old.") == 0.5
    assert containment("Boilers serviced yearly.", "The boiler is serviced yearly.") == 1.0
    assert containment("It is.", "Anything at all.") == 1.0  # nothing to add: a copy


def test_numbers_with_separators_and_notes_without_numbers() -> None:
    assert numbers_anchored("No figures here at all.", [])
    paid = ["The deposit of 1,200.50 euros was paid in May."]
    assert numbers_anchored("The deposit of 1,200.50 euros was paid.", paid)
    assert not numbers_anchored("The deposit of 1,200 euros was paid.", paid)


def test_the_answer_must_add_to_the_question_and_cover_most_of_it() -> None:
    assert best_supporting_sentence("Boiler?", ["The boiler is serviced every May."]) is None
    # An echo of the question adds nothing.
    echo = best_supporting_sentence("When is the boiler serviced?", ["The boiler is serviced."])
    assert echo is None
    # Two of four asked words are too few (under 60% of the question).
    asked = "When is the boiler serviced by the landlord each winter?"
    assert best_supporting_sentence(asked, ["The boiler is serviced by a plumber."]) is None


def test_the_sentence_sharing_most_wins_and_ties_go_to_the_earlier() -> None:
    question = "How much is the deposit for the flat?"
    first = "The deposit for the flat is 900 euros, paid in cash."
    second = "The deposit for the flat is returned within two weeks."
    third = "A deposit is usual for rooms and garages."
    found = best_supporting_sentence(question, [third, first, second])
    assert found is not None
    assert (found.sentence, found.shared) == (first, 2)
    assert found.new == len(stems(first) - stems(question))
