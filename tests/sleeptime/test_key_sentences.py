"""Which sentences of a passage carry its facts: scoring, headings run into sentences, choice."""

from __future__ import annotations

from nocturne.sleeptime.key_sentences import (
    key_sentences,
    salience,
    sentences_of,
    strip_glued_title,
    strip_heading,
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
