"""Which sentences of a passage carry its facts: scoring, headings run into sentences, choice."""

from __future__ import annotations

from collections import Counter

from nocturne.sleeptime.key_sentences import (
    MAX_WORDS,
    MIN_WORDS,
    central_sentences,
    centrality,
    key_sentences,
    rank_sentences,
    salience,
    sentences_of,
    strip_glued_title,
    strip_heading,
    word_weights,
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


def test_rhetorical_questions_and_quotations_are_poor_facts() -> None:
    assert salience("The default stayed 5 seconds.") == 3.0  # a number and a default
    assert salience("Why did the default stay 5 seconds?") == 2.0
    assert salience('The chair said "no" to the plan.') == -1.0  # a quotation
    assert salience("The chair said no to the plan.") == 0.0


def test_sentences_of_keeps_neither_fragments_nor_walls_of_text() -> None:
    six = "This sentence has exactly six words."
    wall = "Wall " + " ".join(["word"] * MAX_WORDS) + "."  # one word too many
    assert len(six.split()) == MIN_WORDS
    assert sentences_of(f"Too short here. {six} {wall}") == [six]


def test_a_heading_alone_leaves_nothing_and_a_long_run_is_kept() -> None:
    assert strip_heading("Short title") == ""
    long_run = " ".join(["alpha"] * 13)  # no sentence start within the heading's length
    assert strip_heading(long_run) == long_run


def test_words_seen_once_carry_no_weight() -> None:
    weights = word_weights(["oil prices rose", "oil embargo prices", "forest"])
    assert weights == Counter({"oil": 1, "prices": 1})


def test_centrality_is_the_share_of_the_top_weight_covered() -> None:
    weights = Counter({"oil": 3, "prices": 1, "embargo": 1})
    assert centrality("Oil prices.", weights) == 2.0  # its two words are the top two
    assert centrality("Embargo prices.", weights) == 1.0  # 2 of the top two's 4
    assert centrality("Forest rain.", weights) == 0.0
    assert centrality("Oil prices.", Counter()) == 0.0
    assert centrality("", weights) == 0.0


def test_rank_sentences_orders_by_score_then_position() -> None:
    sentences = [
        "Tea is nice.",
        "The embargo raised oil prices in 1973.",
        "Forest grows.",
        "Oil prices fell after the embargo ended.",
    ]
    ranked = rank_sentences(sentences)
    assert [s.position for s in ranked] == [1, 3, 0, 2]  # ties keep the passage's order
    assert ranked[0].score == 4.5  # number 1.5, year 1.0, centrality 2.0


def test_key_sentences_are_in_passage_order_and_above_the_minimum_score() -> None:
    text = (
        "Things went on as they do today. Some people like a cup of tea. "
        "The default timeout is 30 seconds."
    )
    assert key_sentences(text, 3) == ["The default timeout is 30 seconds."]
    assert key_sentences(text, 3, minimum_score=-1.0) == [
        "Things went on as they do today.",
        "Some people like a cup of tea.",
        "The default timeout is 30 seconds.",
    ]
    assert key_sentences(text, 0) == []


def test_central_sentences_keep_the_lead_and_the_most_central_in_order() -> None:
    sentences = [
        "Tea is nice.",
        "Forest grows.",
        "The embargo raised oil prices in 1973.",
        "Oil prices fell after the embargo ended.",
    ]
    assert central_sentences(sentences, 1) == ["Tea is nice."]
    assert central_sentences(sentences, 2) == [
        "Tea is nice.",
        "The embargo raised oil prices in 1973.",
    ]
    assert central_sentences(sentences, 3) == ["Tea is nice.", *sentences[2:]]
    assert central_sentences([], 3) == []
    assert central_sentences(sentences, 0) == ["Tea is nice."]  # the lead at least
