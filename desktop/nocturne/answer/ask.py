"""One entry point for answering, whatever the mode; the CLI and the window call this."""

from __future__ import annotations

from collections.abc import Callable

from nocturne.answer.raw import answer_raw
from nocturne.answer.result import Answer
from nocturne.engine.base import Engine
from nocturne.errors import KnownError
from nocturne.library.store import Store
from nocturne.settings import Settings

MODES = ("auto", "instant", "learned", "raw")


def ask(
    store: Store,
    engine: Engine,
    question: str,
    settings: Settings,
    mode: str = "auto",
    on_text: Callable[[str], None] | None = None,
) -> Answer:
    question = question.strip()
    if not question:
        raise KnownError("the question is empty")
    if mode not in MODES:
        raise KnownError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    return answer_raw(store, engine, question, settings, on_text)
