"""A question that names a section by its title ("the coding-style section") is answered from
that section, and the words that only name it stop favouring the sentences that repeat them."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne.answer.named_sections import named_sections
from nocturne.answer.query import analyse
from nocturne.answer.retrieval import retrieve
from nocturne.library.store import Store
from nocturne.settings import Settings

from .test_structure_answers import ask, ingest

GUIDE = """# Widget guide

## 1 Getting started

Widgets are small programs. Every widget has a style of its own and a code name.
A widget's code style and naming style are chosen when it is made.

## 2 Running widgets

Widgets run from the command line. A widget stops when its input ends.

## 3 Intermezzo: Coding Style

Now is a good time to talk about coding style, since widgets get longer.
Wrap lines so that they don't exceed 79 characters.
Use 4-space indentation, and no tabs.

© Copyright 2001-2026, the Widget Guide Foundation: coding style for widget lines.

## 4 for Loops

A for loop repeats a widget over each item of a list.
"""


@pytest.fixture
def guide(store: Store, settings: Settings, tmp_path: Path) -> int:
    return ingest(store, settings, tmp_path / "docs", {"widget-guide.md": GUIDE})["widget-guide.md"]


@pytest.mark.parametrize(
    ("question", "title"),
    [
        (
            "What maximum line length does the widget guide's coding-style section recommend?",
            "Coding Style",
        ),
        (
            "How does the coding style intermezzo of the widget guide say I should indent?",
            "Coding Style",
        ),
        ("In the for-loop part of the widget guide, what does a for loop repeat?", "for Loops"),
    ],
)
def test_a_title_next_to_a_part_word_names_the_section(
    store: Store, guide: int, question: str, title: str
) -> None:
    [named] = named_sections(store, analyse(store, question))[:1]
    assert named.section.title.endswith(title)
    assert named.section.document_id == guide


@pytest.mark.parametrize(
    "question",
    [
        "What code style does a widget have?",  # title words, but no word naming a part
        "Which section of the widget guide covers coding style?",  # asks for the section
        "What does section 2 of the widget guide say about input?",  # a number, not a title
    ],
)
def test_no_section_is_named_without_a_title_beside_a_part_word(
    store: Store, guide: int, question: str
) -> None:
    assert named_sections(store, analyse(store, question)) == []


def test_the_named_sections_sentences_win_over_ones_repeating_its_title(
    store: Store, guide: int
) -> None:
    question = "What maximum line length does the widget guide's coding-style section recommend?"
    evidence = retrieve(store, question, query=analyse(store, question)).evidence
    assert evidence[0].text == "Wrap lines so that they don't exceed 79 characters."


def test_the_answer_quotes_the_named_section(store: Store, settings: Settings, guide: int) -> None:
    answer = ask(store, settings, "How does the coding style intermezzo say I should indent?")
    assert not answer.abstained
    assert "Use 4-space indentation, and no tabs." in answer.answer
