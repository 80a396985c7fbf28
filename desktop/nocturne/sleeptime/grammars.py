"""GBNF grammars for what the model may write, and parsers for what comes back.

A tiny model asked freely loops or returns nothing usable; under a grammar it can only produce
the shape we need: one short question starting with a question word, or one sentence. Outputs
are also capped in tokens, so a loop costs at most a few dozen tokens.
"""

from __future__ import annotations

import re

QUESTION_WORDS = ("What", "Who", "When", "Where", "Which", "How", "Why")

# One question: a question word, 3..90 characters without newline or "?", then "?".
QUESTION_GRAMMAR = (
    "root ::= (" + " | ".join(f'"{w}"' for w in QUESTION_WORDS) + ') " " [^\\n?]{3,90} "?"\n'
)

# One plain sentence of 20..240 characters ending in a full stop.
SENTENCE_GRAMMAR = 'root ::= [A-Z] [^\\n.?!]{20,240} "."\n'

_QUESTION = re.compile(r"^(?:" + "|".join(QUESTION_WORDS) + r")\b[^\n?]{3,90}\?$")
_SENTENCE = re.compile(r"^[A-Z][^\n]{10,300}[.!]$")
# Questions about the prompt rather than the document ("What does this sentence mean?").
_META = re.compile(
    r"\b(this|the) (sentence|text|passage|context|question|answer|statement|phrase)\b|"
    r"\bmeaning of\b|[\"“”]",
    re.IGNORECASE,
)


def parse_question(text: str) -> str | None:
    """The question in a completion, or None when it is not one well-formed question."""
    candidate = " ".join(text.strip().split())
    if not _QUESTION.match(candidate):
        return None
    words = candidate.rstrip("?").split()
    if len(words) < 3 or len(set(words)) < len(words) * 0.6:
        return None  # too short, or looping ("What is the the the ...")
    if _META.search(candidate):
        return None
    return candidate


def parse_sentence(text: str) -> str | None:
    """The single sentence in a completion, or None."""
    candidate = " ".join(text.strip().split())
    if not _SENTENCE.match(candidate):
        return None
    words = candidate.split()
    if len(words) < 5 or len(set(words)) < len(words) * 0.6:
        return None
    return candidate
