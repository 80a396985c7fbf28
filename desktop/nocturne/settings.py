"""Settings, declared once.

Each setting is declared here with its type, default and a sentence for people; the settings
dialog, the CLI and validation are all built from this declaration. Values live in a JSON file in
`paths.config_dir()`. Secrets never go there: see `keychain.py`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

from nocturne import paths
from nocturne.errors import KnownError


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    label: str
    description: str
    group: str = "General"
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    widget: str = ""  # "file", "folder", "time" or "" for the type's default editor
    choice_labels: tuple[str, ...] = ()  # what the dialog shows for each of `choices`


SETTINGS: tuple[Setting, ...] = (
    # Model
    Setting(
        "model_path",
        str,
        "",
        "Model file (GGUF)",
        "A GGUF model for llama.cpp. Empty means the bundled SmolLM2-135M.",
        "Model",
        widget="file",
    ),
    Setting(
        "threads",
        int,
        0,
        "Threads",
        "CPU threads for the local model: at most this many, fewer while other programs keep "
        "cores busy. 0 means one per physical core.",
        "Model",
        minimum=0,
        maximum=256,
    ),
    Setting(
        "context_size",
        int,
        2048,
        "Context size (tokens)",
        "How many tokens the local model sees at once.",
        "Model",
        minimum=512,
        maximum=131072,
    ),
    Setting(
        "embedding_model_path",
        str,
        "",
        "Embedding model (GGUF)",
        "Optional embedding GGUF; when set, dense retrieval is fused with keyword search.",
        "Model",
        widget="file",
    ),
    # Library
    Setting(
        "max_file_mb",
        int,
        200,
        "Largest file (MB)",
        "Files larger than this are skipped with a message.",
        "Library",
        minimum=1,
        maximum=100000,
    ),
    Setting(
        "chunk_tokens",
        int,
        240,
        "Chunk size (tokens)",
        "Documents are split into passages of about this many tokens.",
        "Library",
        minimum=64,
        maximum=4096,
    ),
    Setting(
        "chunk_overlap_tokens",
        int,
        32,
        "Chunk overlap (tokens)",
        "Tokens shared by neighbouring passages so that no sentence is cut off from its context.",
        "Library",
        minimum=0,
        maximum=1024,
    ),
    # Answers
    Setting(
        "raw_context_tokens",
        int,
        1400,
        "Raw-mode context budget (tokens)",
        "How much raw document text the raw mode (the baseline) gives the model.",
        "Answers",
        minimum=128,
        maximum=131072,
    ),
    Setting(
        "max_answer_tokens",
        int,
        64,
        "Longest answer (tokens)",
        "Output budget for an answer.",
        "Answers",
        minimum=8,
        maximum=4096,
    ),
    Setting(
        "reference_price_per_million",
        float,
        2.5,
        "Reference price per million tokens (USD)",
        "Used to express tokens as money: what a hosted model charges per million input tokens.",
        "Answers",
        minimum=0.0,
        maximum=1000.0,
    ),
    Setting(
        "question_token_factor",
        float,
        10.0,
        "Question-time token cost factor",
        "How much dearer a question-time token (spent while you wait for an answer) is than a "
        "sleep-time token (spent by the digest while the computer is idle). 10 is a common "
        "estimate.",
        "Answers",
        minimum=1.0,
        maximum=1000.0,
    ),
    # Digest
    Setting(
        "digest_budget",
        str,
        "medium",
        "Digest budget",
        "low: key facts and questions; medium: plus summaries; high: plus cross-document notes.",
        "Digest",
        choices=("low", "medium", "high"),
    ),
    Setting(
        "new_documents",
        str,
        "background",
        "New documents",
        "background: a new document gets its first, quick digest right away, while the computer "
        "is otherwise quiet (lowest priority; it pauses for your questions). away: it waits, "
        "like the deeper digest, until you are away or the nightly window.",
        "Digest",
        choices=("background", "away"),
        choice_labels=(
            "digest right away in the background",
            "only when I'm away or at night",
        ),
    ),
    Setting(
        "ocr",
        bool,
        True,
        "Read scanned pages (OCR)",
        "Scanned PDF pages and photos of documents are read by OCR as the first part of a "
        "digest (about 3 s a page on two cores). Off: they wait, marked 'needs OCR'.",
        "Digest",
    ),
    Setting(
        "night_start",
        str,
        "01:00",
        "Nightly window starts",
        "Local time, HH:MM.",
        "Digest",
        widget="time",
    ),
    Setting(
        "night_end",
        str,
        "06:00",
        "Nightly window ends",
        "Local time, HH:MM.",
        "Digest",
        widget="time",
    ),
    Setting(
        "idle_minutes",
        int,
        10,
        "Digest after idle (minutes)",
        "Start digesting when nobody has touched the machine for this long.",
        "Digest",
        minimum=1,
        maximum=1440,
    ),
    Setting(
        "allow_on_battery",
        bool,
        False,
        "Digest on battery",
        "Also digest when the computer runs on battery.",
        "Digest",
    ),
    # Remote engine
    Setting(
        "remote_url",
        str,
        "",
        "Remote server URL",
        "An OpenAI-compatible server, e.g. http://gpu-box:8080/v1. The API key is kept in the "
        "system keyring.",
        "Remote",
    ),
    Setting(
        "remote_model", str, "", "Remote model name", "The model name the server knows.", "Remote"
    ),
    Setting(
        "digest_engine",
        str,
        "local",
        "Engine for the digest",
        "Which engine does sleep-time work.",
        "Remote",
        choices=("local", "remote"),
    ),
    Setting(
        "answer_engine",
        str,
        "local",
        "Engine for questions",
        "Which engine answers questions.",
        "Remote",
        choices=("local", "remote"),
    ),
    Setting(
        "remote_concurrency",
        int,
        1,
        "Concurrent digest requests",
        "Requests in flight at once when the remote server can batch.",
        "Remote",
        minimum=1,
        maximum=64,
    ),
    Setting(
        "remote_timeout_s",
        float,
        60.0,
        "Remote timeout (seconds)",
        "How long to wait for the server before giving up.",
        "Remote",
        minimum=1.0,
        maximum=3600.0,
    ),
    Setting(
        "data_dir",
        str,
        "",
        "Data folder",
        "Where the library lives. Empty means the default; NOCTURNE_HOME overrides it.",
        "General",
        widget="folder",
    ),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def coerce(setting: Setting, value: Any) -> Any:
    """Turn `value` into the setting's type, or raise KnownError saying what is wrong."""
    try:
        if setting.type is bool:
            if isinstance(value, str):
                lowered = value.strip().lower()
                if lowered not in {"true", "false", "1", "0", "yes", "no", "on", "off"}:
                    raise ValueError(value)
                result: Any = lowered in {"true", "1", "yes", "on"}
            else:
                result = bool(value)
        elif setting.type is int:
            if isinstance(value, bool):
                raise ValueError(value)
            result = int(value)
        elif setting.type is float:
            result = float(value)
        else:
            result = str(value)
    except (TypeError, ValueError) as exc:
        kind = {int: "a whole number", float: "a number", bool: "true or false"}.get(
            setting.type, "text"
        )
        raise KnownError(f"setting {setting.name!r} must be {kind}, not {value!r}") from exc
    if setting.choices and result not in setting.choices:
        raise KnownError(f"setting {setting.name!r} must be one of {', '.join(setting.choices)}")
    if setting.minimum is not None and result < setting.minimum:
        raise KnownError(f"setting {setting.name!r} must be at least {setting.minimum}")
    if setting.maximum is not None and result > setting.maximum:
        raise KnownError(f"setting {setting.name!r} must be at most {setting.maximum}")
    if setting.widget == "time":
        _check_time(setting.name, result)
    return result


def _check_time(name: str, value: str) -> None:
    try:
        hours, minutes = value.split(":")
        if not (0 <= int(hours) < 24 and 0 <= int(minutes) < 60):
            raise ValueError(value)
    except ValueError as exc:
        raise KnownError(f"setting {name!r} must be a time like 01:30, not {value!r}") from exc


_T = TypeVar("_T")


class _Value(Generic[_T]):
    """A setting read as a typed attribute (`settings.threads` is an int to mypy too)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type) -> _Value[_T]: ...

    @overload
    def __get__(self, obj: Settings, owner: type) -> _T: ...

    def __get__(self, obj: Settings | None, owner: type) -> _T | _Value[_T]:
        if obj is None:
            return self
        value: _T = obj._values[self.name]
        return value


class Settings:
    """The current values, loaded from and saved to a JSON file; each setting is also a typed
    attribute (a test checks they match `SETTINGS`)."""

    model_path = _Value[str]()
    threads = _Value[int]()
    context_size = _Value[int]()
    embedding_model_path = _Value[str]()
    max_file_mb = _Value[int]()
    chunk_tokens = _Value[int]()
    chunk_overlap_tokens = _Value[int]()
    raw_context_tokens = _Value[int]()
    max_answer_tokens = _Value[int]()
    reference_price_per_million = _Value[float]()
    question_token_factor = _Value[float]()
    digest_budget = _Value[str]()
    new_documents = _Value[str]()
    ocr = _Value[bool]()
    night_start = _Value[str]()
    night_end = _Value[str]()
    idle_minutes = _Value[int]()
    allow_on_battery = _Value[bool]()
    remote_url = _Value[str]()
    remote_model = _Value[str]()
    digest_engine = _Value[str]()
    answer_engine = _Value[str]()
    remote_concurrency = _Value[int]()
    remote_timeout_s = _Value[float]()
    data_dir = _Value[str]()

    def __init__(self, values: dict[str, Any] | None = None, path: Path | None = None) -> None:
        self._values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
        self.path = path
        for name, value in (values or {}).items():
            if name in BY_NAME:
                self._values[name] = coerce(BY_NAME[name], value)

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        path = path or paths.settings_path()
        raw: dict[str, Any] = {}
        if path.exists():
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise KnownError(f"cannot read settings: {exc}", path=str(path)) from exc
            if not isinstance(raw, dict):
                raise KnownError("settings file is not a JSON object", path=str(path))
        return cls(raw, path)

    def save(self) -> None:
        path = self.path or paths.settings_path()
        changed = {k: v for k, v in self._values.items() if v != BY_NAME[k].default}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(changed, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)

    def get(self, name: str) -> Any:
        return self._values[name]

    def set(self, name: str, value: Any) -> None:
        if name not in BY_NAME:
            raise KnownError(f"there is no setting called {name!r}")
        self._values[name] = coerce(BY_NAME[name], value)

    def items(self) -> Iterator[tuple[str, Any]]:
        yield from self._values.items()

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)
