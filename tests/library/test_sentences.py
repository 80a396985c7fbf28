"""Splitting text into sentences (`library/sentences.py`): at . ! ? before a capital, digit or
opening quote, never after a common abbreviation or an initial, always at a paragraph break."""

from __future__ import annotations

import pytest

from nocturne.library.sentences import split_paragraphs, split_sentences


def test_sentences_split_on_punctuation_but_not_abbreviations() -> None:
    text = "Dr. Smith arrived at 9 a.m. on Monday. He left. Was it late? Yes!\n\nNew paragraph"
    assert split_sentences(text) == [
        "Dr. Smith arrived at 9 a.m. on Monday.",
        "He left.",
        "Was it late?",
        "Yes!",
        "New paragraph",
    ]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("J. Doe wrote it. Yes.", ["J. Doe wrote it.", "Yes."]),  # an initial
        ("It costs 5 vs. 6 units. Fine.", ["It costs 5 vs. 6 units.", "Fine."]),
        ("See Fig. 3 for details. Done.", ["See Fig. 3 for details.", "Done."]),
        ("Born in the U.S. Then moved.", ["Born in the U.S. Then moved."]),
        ("Version 2. Next one.", ["Version 2.", "Next one."]),  # a number is no initial
        ("It was in 1856. 1857 came next.", ["It was in 1856.", "1857 came next."]),
    ],
)
def test_abbreviations_and_initials_do_not_end_a_sentence(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


def test_a_closing_quote_or_bracket_stays_with_its_sentence() -> None:
    assert split_sentences('He said "Go." Then he left.') == ['He said "Go."', "Then he left."]
    assert split_sentences("One? (Two.) Three!") == ["One?", "(Two.)", "Three!"]
    assert split_sentences("Stop!”  “Why?” she asked.") == ["Stop!”", "“Why?” she asked."]


def test_a_lowercase_word_after_a_full_stop_does_not_start_a_sentence() -> None:
    assert split_sentences("The value is 3.5 m. and more. lower case") == [
        "The value is 3.5 m. and more. lower case"
    ]


def test_line_breaks_inside_a_paragraph_are_spaces_and_blank_lines_end_sentences() -> None:
    text = "A line\nbroken   here. Next\n\n  \n\nno full stop before this paragraph"
    assert split_sentences(text) == [
        "A line broken here.",
        "Next",
        "no full stop before this paragraph",
    ]


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n", " \n \t\n "])
def test_blank_text_has_no_sentences_or_paragraphs(text: str) -> None:
    assert split_sentences(text) == []
    assert split_paragraphs(text) == []


def test_paragraphs_are_stripped_and_kept_in_order() -> None:
    assert split_paragraphs("  first\nstill first \n\n\n second\n \nthird  ") == [
        "first\nstill first",
        "second",
        "third",
    ]
