"""Plausible replies for the FakeEngine, so the digest pipeline can run end to end without weights.

`fakes.engine.fake_engine("digest")` answers with `digest_reply`. A question prompt gets a question
built from the sentence's first content words; any other prompt gets a copied sentence, which the
summary steps drop as a copy, exactly as they would a real model's echo.
"""

from __future__ import annotations

from nocturne.engine.base import GenerationOptions, Message
from nocturne.library.search import content_words
from nocturne.sleeptime.grammars import QUESTION_GRAMMAR

_QUESTION_PREFIX = "Write a question about this sentence: "


def digest_reply(messages: list[Message], options: GenerationOptions) -> str:
    last = messages[-1]["content"] if messages else ""
    if options.grammar == QUESTION_GRAMMAR:
        sentence = last.removeprefix(_QUESTION_PREFIX)
        words = content_words(sentence)[:4]
        return f"What about {' '.join(words)}?" if words else "What?"
    text = last.split(": ", 1)[-1]
    return text.split(". ")[0].rstrip(".") + "."
