"""Which engine to use, from settings and the environment: decided here, once.

`NOCTURNE_ENGINE=fake` gives the FakeEngine (for command-line tests in a subprocess);
otherwise the setting `digest_engine` / `answer_engine` chooses local or remote.
`engine_choice` says which without loading a model or opening a connection, for `status`, the
settings dialog and the digest plan (which model's work counts as done); `make_engine` builds it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from nocturne.engine.base import Engine
from nocturne.engine.model_file import check_model_file, resolve_model_path
from nocturne.errors import KnownError
from nocturne.settings import Settings

ROLES = ("digest", "answer")


@dataclass(frozen=True)
class EngineChoice:
    role: str  # "digest" or "answer"
    kind: str  # "local", "remote" or "fake"
    model: str  # file name or the server's model name ("" = the server's default)
    where: str  # model path or server URL
    usable: bool = True  # False: a local model that cannot be found (`model` says why)

    def line(self) -> str:
        if self.kind == "remote":
            model = self.model or "the server's model"
            return f"{self.role}: remote, {model} at {self.where}"
        return f"{self.role}: {self.kind}, {self.model}"

    @property
    def model_id(self) -> str | None:
        """The id the engine's work is recorded under, when known without asking it (None: the
        server's default model, or no usable model)."""
        if not self.usable:
            return None
        return self.model or None


def engine_choice(settings: Settings, role: str) -> EngineChoice:
    """The engine `role` ("digest" or "answer") would use, from settings and the environment
    alone."""
    if os.environ.get("NOCTURNE_ENGINE") == "fake":
        from nocturne.engine.fake import FakeEngine

        return EngineChoice(role, "fake", FakeEngine().model_id, "")
    if role in ROLES and settings.get(f"{role}_engine") == "remote":
        return EngineChoice(role, "remote", str(settings.remote_model), str(settings.remote_url))
    try:
        path = resolve_model_path(str(settings.model_path))
    except KnownError as exc:
        return EngineChoice(role, "local", f"no model ({exc.message})", "", usable=False)
    return EngineChoice(role, "local", path.name, str(path))


class TokenCounter(Protocol):
    def count_tokens(self, text: str) -> int: ...


def model_path(settings: Settings) -> Path:
    return check_model_file(resolve_model_path(settings.model_path))


def make_engine(settings: Settings, role: str = "answer") -> Engine:
    """The engine for `role` ("answer" or "digest"), as `engine_choice` decides."""
    choice = engine_choice(settings, role).kind
    if choice == "fake":
        from nocturne.engine.fake import FakeEngine

        return FakeEngine()
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
