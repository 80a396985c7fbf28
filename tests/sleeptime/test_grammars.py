"""The grammars the model writes under, and the parsers of what comes back."""

from __future__ import annotations

import pytest

from nocturne.sleeptime.grammars import (
    QUESTION_GRAMMAR,
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
