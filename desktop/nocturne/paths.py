"""Where Nocturne keeps things. `NOCTURNE_HOME` overrides everything (tests use it)."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import platformdirs

APP_NAME = "nocturne"


def _private_dir(path: Path) -> Path:
    """Create `path` readable only by its owner: it holds a person's documents and questions.
    A folder that cannot be created (read-only, a file in its place) is the store's
    `StoreError` sentence for it."""
    from nocturne.errors import writing_library_file  # errors.py imports this module

    with writing_library_file(path):
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(OSError):  # a filesystem without permissions (e.g. FAT)
        os.chmod(path, 0o700)
    return path


def display_path(path: str | os.PathLike[str]) -> str:
    """A path (or file name) as a person sees it: bytes that are not UTF-8, which Python keeps as
    surrogates (`os.fsdecode`), shown as U+FFFD. Printing the path itself would fail."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:  # a lone surrogate that no file system gave
            return text.encode("utf-8", "replace").decode("utf-8")
    return text


def home_override() -> Path | None:
    value = os.environ.get("NOCTURNE_HOME")
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """NOCTURNE_HOME, else the `data_dir` setting, else the platform's user data folder."""
    override = home_override()
    if override is not None:
        return _private_dir(override)
    configured = _configured_data_dir()
    if configured is not None:
        return _private_dir(configured)
    return _private_dir(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))


def _configured_data_dir() -> Path | None:
    """The `data_dir` setting, read straight from the file (settings.py imports this module)."""
    try:
        values = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    chosen = values.get("data_dir") if isinstance(values, dict) else None
    return Path(chosen).expanduser() if isinstance(chosen, str) and chosen else None


def config_dir() -> Path:
    override = home_override()
    if override is not None:
        return _private_dir(override / "config")
    return _private_dir(Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)))


def db_path() -> Path:
    return data_dir() / "library.sqlite3"


def log_dir() -> Path:
    return _private_dir(data_dir() / "logs")


def cache_dir() -> Path:
    """KV-state caches and other files that can be rebuilt at any time."""
    return _private_dir(data_dir() / "cache")


def settings_path() -> Path:
    return config_dir() / "settings.json"
