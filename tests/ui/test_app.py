"""Starting the app: the installer's smoke test, one instance, the library checked before the
window opens, Ctrl-C and SIGTERM, and the restart into repair."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from nocturne import paths
from nocturne.errors import KnownError, StoreError
from nocturne.settings import Settings
from nocturne.ui import app as gui
from nocturne.ui.core_calls import Backend
from nocturne.ui.style import ACCENT, STYLE_SHEET

from support import FAKE_ENGINE


def test_smoke_test_opens_the_window_and_returns_zero(home: Path) -> None:
    """What the installer runs; in a subprocess, since it runs and quits an event loop."""
    env = dict(
        os.environ,
        NOCTURNE_HOME=str(home),
        QT_QPA_PLATFORM="offscreen",
        NOCTURNE_ENGINE=FAKE_ENGINE,
    )
    done = subprocess.run(
        [sys.executable, "-m", "nocturne", "gui", "--smoke-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert (home / "library.sqlite3").exists()
    assert (home / "config" / "window.ini").exists()


@pytest.mark.slow
def test_a_second_nocturne_raises_the_running_one(home: Path) -> None:
    env = dict(
        os.environ,
        NOCTURNE_HOME=str(home),
        QT_QPA_PLATFORM="offscreen",
        NOCTURNE_ENGINE=FAKE_ENGINE,
    )
    first = subprocess.Popen(
        [sys.executable, "-m", "nocturne", "gui"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not (home / "logs" / "gui.log").exists() and time.monotonic() < deadline:
            assert first.poll() is None, first.communicate()
            time.sleep(0.1)  # waiting for another process to start, not for time to pass
        second = subprocess.run(
            [sys.executable, "-m", "nocturne", "gui"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 0, second.stderr
        assert "already running" in second.stdout
        log = home / "logs" / "gui.log"
        deadline = time.monotonic() + 10
        while "brought to the front" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "brought to the front" in log.read_text()
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(60)
    assert first.returncode == 0, first.stderr.read() if first.stderr else ""


@pytest.fixture
def application(qapp: QApplication) -> Iterator[QApplication]:
    """The test run's QApplication, given back as it was after `make_application` named and
    styled it."""
    name, display, sheet = qapp.applicationName(), qapp.applicationDisplayName(), qapp.styleSheet()
    style = qapp.style().name() or "fusion"
    palette, quits = qapp.palette(), qapp.quitOnLastWindowClosed()
    yield qapp
    qapp.setApplicationName(name)
    qapp.setApplicationDisplayName(display)
    qapp.setStyle(style)
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    qapp.setQuitOnLastWindowClosed(quits)


def test_make_application_names_and_styles_the_running_application(
    application: QApplication,
) -> None:
    made = gui.make_application()
    assert made is application  # one QApplication per process: the existing one is used
    assert made.applicationName() == "Nocturne"
    assert made.applicationDisplayName() == "Nocturne"
    assert made.desktopFileName() == "io.github.nocturne.Nocturne"
    assert made.palette().color(QPalette.ColorRole.Highlight).name() == ACCENT
    assert made.styleSheet() == STYLE_SHEET
    assert not made.windowIcon().isNull()


def test_a_healthy_library_has_no_damage_and_stays_open(settings: Settings) -> None:
    backend = Backend(settings)
    try:
        assert gui.damage_of_library(backend) == ""
        assert paths.db_path().exists()  # opened and migrated before the window shows it
        store = backend.store()
        assert store.documents() == []  # the same connection, still open
    finally:
        backend.close()


def test_a_damaged_header_is_reported_and_the_connections_closed(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = Backend(settings)
    made.store()
    made.close()  # a library on disk, its WAL checkpointed into the file
    data = bytearray(paths.db_path().read_bytes())
    data[0:16] = b"garbage garbage!"
    paths.db_path().write_bytes(bytes(data))
    backend = Backend(settings)
    closed: list[bool] = []
    monkeypatch.setattr(backend, "close", lambda: closed.append(True))
    assert "not a database" in gui.damage_of_library(backend)
    assert closed == [True]  # so the file can be moved aside


class FailingStore:
    def __init__(self, error: StoreError) -> None:
        self.error = error

    def documents(self) -> list[Any]:
        raise self.error


def test_damage_met_while_opening_is_reported_and_other_failures_are_raised(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = Backend(settings)
    closed: list[bool] = []
    monkeypatch.setattr(backend, "close", lambda: closed.append(True))
    damaged = StoreError("The library database is damaged (malformed).", condition="damaged")
    monkeypatch.setattr(backend, "store", lambda: FailingStore(damaged))
    assert gui.damage_of_library(backend) == "The library database is damaged (malformed)."
    assert closed == [True]
    locked = StoreError("The library database is busy.", condition="locked")
    monkeypatch.setattr(backend, "store", lambda: FailingStore(locked))
    with pytest.raises(StoreError, match="busy"):
        gui.damage_of_library(backend)  # not damage: the caller says it (cannot start)
    assert closed == [True]


def test_a_second_launch_asks_the_first_and_returns(
    application: QApplication, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setattr(gui.SingleInstance, "notify_running", lambda _self: True)
    opened: list[Any] = []
    monkeypatch.setattr(gui, "open_window", lambda *a, **k: opened.append(a))
    assert gui.run_gui(SimpleNamespace(smoke_test=False)) == 0
    assert "already running" in capsys.readouterr().out
    assert opened == []  # no second window on the same library


def test_a_library_that_cannot_be_opened_is_said_in_a_box_and_returns_one(
    application: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    def cannot_load() -> Settings:
        raise KnownError("The settings file cannot be read.")

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(gui.Settings, "load", staticmethod(cannot_load))
    monkeypatch.setattr(
        gui.QMessageBox, "critical", lambda _parent, title, text: shown.append((title, text))
    )
    assert gui.run_gui(SimpleNamespace(smoke_test=True)) == 1
    assert shown == [("Nocturne cannot start", "The settings file cannot be read.")]


def test_sigint_and_sigterm_quit_the_window_from_the_event_loop(qtbot: Any) -> None:
    quits: list[bool] = []
    window = SimpleNamespace(quit_app=lambda: quits.append(True))
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        timer = gui._quit_on_signals(window)  # type: ignore[arg-type]
        assert timer.isActive() and timer.interval() == 300
        handler = signal.getsignal(signal.SIGTERM)
        assert callable(handler) and signal.getsignal(signal.SIGINT) is handler
        handler(signal.SIGTERM, None)
        assert quits == []  # not inside the handler: on the next turn of Qt's loop
        qtbot.waitUntil(lambda: quits == [True], timeout=2000)
        timer.stop()
    finally:
        for signum, previous in before.items():
            signal.signal(signum, previous)


def test_start_again_runs_nocturne_detached_with_the_arguments(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[tuple[list[str], dict[str, Any]]] = []
    monkeypatch.setattr(
        gui.subprocess, "Popen", lambda args, **kwargs: started.append((args, kwargs))
    )
    gui.start_again(["gui", "--repair"])
    assert started == [
        ([sys.executable, "-m", "nocturne", "gui", "--repair"], {"start_new_session": True})
    ]


def test_the_restored_message_says_the_history_kept_only_when_there_is_some(
    tmp_path: Path,
) -> None:
    from datetime import UTC, datetime

    from nocturne.library.backups import Backup, Recovery
    from nocturne.library.kept_history import KeptHistory
    from nocturne.ui.app import restored_message
    from nocturne.ui.repair import backup_date

    backup = Backup(tmp_path / "b.sqlite3", datetime(2026, 3, 1, 2, 0, tzinfo=UTC), "daily")
    aside = tmp_path / "library.sqlite3.damaged-20260302"
    date = backup_date(backup)
    assert restored_message(Recovery(aside, backup), backup) == (
        f"Restored the backup of {date}; the damaged file was kept as {aside.name}"
    )
    kept = Recovery(None, backup, history=KeptHistory(conversations=2, messages=6, answers=1))
    assert restored_message(kept, backup) == (
        f"Restored the backup of {date}; kept 2 conversations and 1 answer in the savings "
        "history from the old library"
    )
