"""Which engine to use, from settings and the environment: decided here, once.

`NOCTURNE_ENGINE=package.module:callable` plugs in an engine of one's own for both roles
(`engine/plugin.py`; the tests plug in theirs this way); otherwise the setting
`digest_engine` / `answer_engine` chooses local or remote.
`engine_choice` says which without loading a model or opening a connection (a plug-in's factory
is called, for its model id), for `status`, the settings dialog and the digest plan (which model's
work counts as done); `make_engine` builds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from nocturne.engine.base import Engine
from nocturne.engine.model_file import check_model_file, resolve_model_path
from nocturne.engine.plugin import load_engine_plugin, plugin_spec
from nocturne.errors import KnownError
from nocturne.settings import Settings

ROLES = ("digest", "answer")


@dataclass(frozen=True)
class EngineChoice:
    role: str  # "digest" or "answer"
    kind: str  # "local", "remote" or "plugin"
    model: str  # file name, the server's or the plug-in's model name ("" = the server's default)
    where: str  # model path, server URL or the plug-in's NOCTURNE_ENGINE value
    usable: bool = True  # False: a model or plug-in that cannot be used (`model` says why)

    def line(self) -> str:
        if self.kind == "remote":
            model = self.model or "the server's model"
            return f"{self.role}: remote, {model} at {self.where}"
        if self.kind == "plugin":
            return f"{self.role}: plugin {self.where}, {self.model}"
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
    spec = plugin_spec()
    if spec is not None:
        try:
            plugged = load_engine_plugin(spec, role)
        except KnownError as exc:
            return EngineChoice(role, "plugin", f"no engine ({exc.message})", spec, usable=False)
        return EngineChoice(role, "plugin", plugged.model_id, spec)
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
    spec = plugin_spec()
    if spec is not None:
        return load_engine_plugin(spec, role)
    if engine_choice(settings, role).kind == "remote":
        from nocturne.engine.remote import RemoteEngine

        return RemoteEngine.from_settings(settings)
    from nocturne.engine.local import LocalEngine

    return LocalEngine(
        model_path(settings), context_size=settings.context_size, threads=settings.threads
    )


def make_tokenizer(settings: Settings) -> TokenCounter:
    """Counts tokens the way the answering model will, without loading its weights."""
    spec = plugin_spec()
    if spec is not None:
        return load_engine_plugin(spec, "answer")
    from nocturne.engine.local import LocalTokenizer

    return LocalTokenizer(model_path(settings))
