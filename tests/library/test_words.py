"""One way of splitting words for the whole app: what stays whole and what is split."""

from __future__ import annotations

import pytest

from nocturne.library.search import fts_query
from nocturne.library.words import content_stems, words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What does Ctrl+L do?", ["what", "does", "ctrl+l", "do"]),
        ("Shift+Tab or Ctrl+Alt+Del", ["shift+tab", "or", "ctrl+alt+del"]),
        ("the coding-style section", ["the", "coding", "style", "section"]),
        ("Node.js in LGPL 2.1", ["node", "js", "in", "lgpl", "2.1"]),
        ("the controller's state", ["the", "controller", "state"]),
    ],
)
def test_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_a_key_combination_is_matched_whole() -> None:
    assert content_stems("Ctrl+L | Clear screen") == ["ctrl+l", "clear", "screen"]
    # the full-text index splits it, so its query is the phrase of its parts
    assert '"ctrl+l"' in fts_query("What does Ctrl+L do?")


def test_an_underscore_is_a_word_and_a_single_letter_is_not() -> None:
    assert content_stems("what does the `_` pattern do in a match statement") == [
        "_",
        "pattern",
        "match",
        "statement",
    ]


def test_irregular_plurals_meet_their_singular() -> None:
    from nocturne.library.words import stem

    for plural, singular in [("children", "child"), ("people", "person"), ("women", "woman")]:
        assert stem(plural) == stem(singular)
    assert stem("children") != stem("chill")


def test_a_unit_written_short_after_a_number_is_read_as_its_word() -> None:
    from nocturne.library.words import content_stems, stem

    assert stem("watts") in content_stems("Motor base (1200 W)")
    assert stem("kilograms") in content_stems("A 5 kg bag of flour")
    assert stem("litres") in content_stems("The 1.8 l jar")
    # only after a number: a capital W or a lone l elsewhere is no unit
    assert stem("watts") not in content_stems("W. H. Auden wrote it")
    assert stem("litres") not in content_stems("l is a letter")
