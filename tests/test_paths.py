"""Where Nocturne keeps things: NOCTURNE_HOME, else the data_dir setting, else the platform's."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from nocturne import paths
from nocturne.paths import display_path


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_nocturne_home_holds_everything_in_private_folders(home: Path) -> None:
    assert paths.data_dir() == home
    assert paths.config_dir() == home / "config"
    assert paths.db_path() == home / "library.sqlite3"
    assert paths.log_dir() == home / "logs"
    assert paths.cache_dir() == home / "cache"
    assert paths.settings_path() == home / "config" / "settings.json"
    for folder in (home, home / "config", home / "logs", home / "cache"):
        assert folder.is_dir() and _mode(folder) == 0o700, folder


def test_an_existing_folder_is_made_private(home: Path) -> None:
    home.mkdir(mode=0o755)
    os.chmod(home, 0o755)
    paths.data_dir()
    assert _mode(home) == 0o700


def test_nocturne_home_expands_the_home_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NOCTURNE_HOME", "~/noct")
    assert paths.home_override() == tmp_path / "noct"
    monkeypatch.setenv("NOCTURNE_HOME", "")
    assert paths.home_override() is None


@pytest.fixture
def platform_dirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No NOCTURNE_HOME: the platform's folders, moved into tmp_path."""
    monkeypatch.delenv("NOCTURNE_HOME")
    monkeypatch.setattr(paths.platformdirs, "user_config_dir", lambda *a, **k: str(tmp_path / "c"))
    monkeypatch.setattr(paths.platformdirs, "user_data_dir", lambda *a, **k: str(tmp_path / "d"))
    return tmp_path


def _settings_file(folder: Path, text: str) -> None:
    (folder / "c").mkdir(exist_ok=True)
    (folder / "c" / "settings.json").write_text(text, encoding="utf-8")


def test_the_data_dir_setting_is_read_straight_from_the_settings_file(
    platform_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(platform_dirs))
    _settings_file(platform_dirs, json.dumps({"data_dir": "~/Documents/nocturne"}))
    assert paths.data_dir() == platform_dirs / "Documents" / "nocturne"
    assert paths.config_dir() == platform_dirs / "c"  # the setting never moves the settings


@pytest.mark.parametrize(
    "text",
    [
        "",  # no settings yet
        "{not json",
        json.dumps(["data_dir", "/elsewhere"]),
        json.dumps({"data_dir": ""}),
        json.dumps({"data_dir": 42}),
    ],
)
def test_without_a_usable_setting_the_platform_folder_is_used(
    platform_dirs: Path, text: str
) -> None:
    if text:
        _settings_file(platform_dirs, text)
    assert paths.data_dir() == platform_dirs / "d"


def test_display_path_shows_undecodable_bytes_as_replacement_marks() -> None:
    assert display_path(Path("/docs/notes.txt")) == "/docs/notes.txt"
    assert display_path("café.txt") == "café.txt"
    assert display_path(os.fsdecode(b"/docs/caf\xe9.txt")) == "/docs/caf\ufffd.txt"
    assert display_path("a\ud800b") == "a?b"  # a lone surrogate no file system gave


def test_a_folder_that_cannot_be_made_is_the_plain_sentence(home: Path) -> None:
    from nocturne.errors import StoreError

    home.mkdir()
    (home / "logs").write_text("a file where the log folder should be")
    with pytest.raises(StoreError) as raised:
        paths.log_dir()
    assert raised.value.condition == "cannot-open"
    assert str(raised.value) == (
        f"the library's file {home / 'logs'} cannot be written (File exists); check that its "
        "folder exists and can be written"
    )
