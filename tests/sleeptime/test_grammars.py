"""The grammars the model writes under, and the parsers of what comes back."""

from __future__ import annotations

import pytest

from nocturne.sleeptime.grammars import (
    QUESTION_GRAMMAR,
    QUESTION_WORDS,
    SENTENCE_GRAMMAR,
    parse_question,
    parse_sentence,
)


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
        ("Why did  oil\nprices rise?", "Why did oil prices rise?"),  # one line, single spaces
        ("Is the timeout thirty seconds?", None),  # not a question word
        ("Whatever happened to the embargo?", None),  # a question word only as a prefix
        ("How many stations had no fuel? And why?", None),  # two questions
        ("What " + "x" * 91 + "?", None),  # longer than the grammar allows
        ("What was the text of the treaty?", None),  # about the prompt, not the document
    ],
)
def test_parse_question(text: str, expected: str | None) -> None:
    assert parse_question(text) == expected


@pytest.mark.parametrize("word", QUESTION_WORDS)
def test_each_question_word_the_grammar_allows_starts_a_question(word: str) -> None:
    assert f'"{word}"' in QUESTION_GRAMMAR
    assert parse_question(f"{word} did the embargo end?") == f"{word} did the embargo end?"


def test_parse_sentence() -> None:
    assert parse_sentence("The embargo raised oil prices fourfold.") == (
        "The embargo raised oil prices fourfold."
    )
    assert parse_sentence("no capital and no stop") is None
    assert parse_sentence("Oil oil oil oil oil oil oil oil.") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prices rose sharply in 1973!", "Prices rose sharply in 1973!"),
        (
            "  The embargo\n raised   oil prices fourfold. ",
            "The embargo raised oil prices fourfold.",
        ),
        ("Prices rose in 1973.", None),  # four words: too short to be a summary line
        ("Did prices rise in the year 1973?", None),  # a question, not a sentence
        ("The embargo raised oil prices fourfold", None),  # no full stop
        ("The embargo lasted " + "many months " * 30 + "in all.", None),  # over 300 characters
    ],
)
def test_parse_sentence_shapes(text: str, expected: str | None) -> None:
    assert parse_sentence(text) == expected


def test_grammars_compile_in_llama_cpp() -> None:
    llama_cpp = pytest.importorskip("llama_cpp")
    for grammar in (QUESTION_GRAMMAR, SENTENCE_GRAMMAR):
        assert llama_cpp.LlamaGrammar.from_string(grammar, verbose=False) is not None
