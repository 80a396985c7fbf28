"""Plausible replies for the FakeEngine, so the digest pipeline can run end to end without weights.

Used by tests and by `NOCTURNE_ENGINE=fake nocturne digest` (with `NOCTURNE_FAKE_DELAY` seconds
per generated word to make a run slow enough to interrupt). A question prompt gets a question
built from the sentence's first content words; any other prompt gets a copied sentence, which the
summary steps drop as a copy, exactly as they would a real model's echo.
"""

from __future__ import annotations

import os

from nocturne.engine.base import Engine, GenerationOptions, Message
from nocturne.library.search import content_words
from nocturne.sleeptime.grammars import QUESTION_GRAMMAR

_QUESTION_PREFIX = "Write a question about this sentence: "


def fake_reply(messages: list[Message], options: GenerationOptions) -> str:
    last = messages[-1]["content"] if messages else ""
    if options.grammar == QUESTION_GRAMMAR:
        sentence = last.removeprefix(_QUESTION_PREFIX)
        words = content_words(sentence)[:4]
        return f"What about {' '.join(words)}?" if words else "What?"
    text = last.split(": ", 1)[-1]
    return text.split(". ")[0].rstrip(".") + "."


def adapt_fake_engine(engine: Engine) -> Engine:
    """Give a FakeEngine digest-shaped replies and the delay from NOCTURNE_FAKE_DELAY."""
    from nocturne.engine.fake import FakeEngine

    if isinstance(engine, FakeEngine):
        if engine.responder is None:
            engine.responder = fake_reply
        delay = os.environ.get("NOCTURNE_FAKE_DELAY")
        if delay:
            engine.delay_s = float(delay)
    return engine
