"""Which engine to use, from settings and the environment.

`NOCTURNE_ENGINE=fake` gives the FakeEngine (for command-line tests in a subprocess);
otherwise the setting `digest_engine` / `answer_engine` chooses local or remote.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from nocturne.engine.base import Engine
from nocturne.engine.model_file import check_model_file, resolve_model_path
from nocturne.settings import Settings


class TokenCounter(Protocol):
    def count_tokens(self, text: str) -> int: ...


def model_path(settings: Settings) -> Path:
    return check_model_file(resolve_model_path(settings.model_path))


def make_engine(settings: Settings, role: str = "answer") -> Engine:
    """The engine for `role` ("answer" or "digest")."""
    if os.environ.get("NOCTURNE_ENGINE") == "fake":
        from nocturne.engine.fake import FakeEngine

        return FakeEngine()
    choice = settings.get(f"{role}_engine") if role in ("answer", "digest") else "local"
    if choice == "remote":
        from nocturne.engine.remote import RemoteEngine

        return RemoteEngine.from_settings(settings)
    from nocturne.engine.local import LocalEngine

    return LocalEngine(
        model_path(settings), context_size=settings.context_size, threads=settings.threads
    )


def make_tokenizer(settings: Settings) -> TokenCounter:
    """Counts tokens the way the answering model will, without loading its weights."""
    if os.environ.get("NOCTURNE_ENGINE") == "fake":
        from nocturne.engine.fake import FakeEngine

        return FakeEngine()
    from nocturne.engine.local import LocalTokenizer

    return LocalTokenizer(model_path(settings))
