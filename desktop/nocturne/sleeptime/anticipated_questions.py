"""Anticipated questions: phrased by the model (or a pattern), answered by the document.

The model only phrases a short question about one key sentence, under a grammar; the answer is
never generated but extracted: the chunk sentence that supports the question best, which is also
what a person wants quoted with its page. Questions that no sentence supports are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nocturne.engine.base import Engine, GenerationOptions, Usage
from nocturne.sleeptime.grammars import QUESTION_GRAMMAR, parse_question
from nocturne.sleeptime.prompts import question_messages

QUESTION_OPTIONS = GenerationOptions(
    max_tokens=32, temperature=0.0, repeat_penalty=1.1, grammar=QUESTION_GRAMMAR
)

# "Chloroplasts are organelles that ..." -> "What are chloroplasts?"
_DEFINITION = re.compile(
    r"^(?P<subject>(?:The |An |A )?[A-Za-z][\w'-]*(?: [\w'-]+){0,4}?) (?P<verb>is|are|was|were) "
    r"(?:a|an|the|one of|[a-z]+s (?:that|which|who|of|in|for))\b"
)
_PRONOUNS = {"it", "this", "that", "these", "those", "they", "he", "she", "there", "here", "which"}


@dataclass(frozen=True)
class PhrasedQuestion:
    text: str
    usage: Usage
    model_written: bool


def template_question(sentence: str) -> str | None:
    """A definition question for "X is a ..." sentences, without any model."""
    match = _DEFINITION.match(sentence)
    if not match:
        return None
    subject = match.group("subject")
    if subject.split()[0].lower() in _PRONOUNS:
        return None
    verb = match.group("verb")
    head = (
        "Who"
        if subject[0].isupper()
        and subject.split()[0] not in ("The", "An", "A")
        and len(subject.split()) <= 3
        and verb in ("was", "were")
        else "What"
    )
    if subject.split()[0] in ("The", "An", "A"):
        subject = subject[0].lower() + subject[1:]
    return f"{head} {verb} {subject}?"


def model_question(engine: Engine, sentence: str, purpose: str) -> PhrasedQuestion:
    """One question the model phrases about `sentence`; empty text when the output is malformed."""
    completion = engine.complete(question_messages(sentence), QUESTION_OPTIONS, purpose=purpose)
    question = parse_question(completion.text) or ""
    return PhrasedQuestion(question, completion.usage, True)
