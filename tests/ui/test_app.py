"""Starting the app: the installer's smoke test, one instance, geometry, icons, resources."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from nocturne.settings import Settings
from nocturne.ui import resources
from nocturne.ui.core_calls import Backend
from nocturne.ui.icons import app_icon, state_icon
from nocturne.ui.main_window import MainWindow
from nocturne.ui.single_instance import SingleInstance, server_name
from nocturne.ui.tray import Tray

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


def test_a_second_launch_raises_the_first(qtbot: Any, tmp_path: Path) -> None:
    name = f"nocturne-test-{os.getpid()}-{tmp_path.name}"
    first = SingleInstance(name)
    assert first.listen()
    second = SingleInstance(name)
    with qtbot.waitSignal(first.raise_requested, timeout=5000):
        assert second.notify_running()
    first.close()
    assert not SingleInstance(name).notify_running()


def test_the_instance_name_depends_on_the_data_folder(monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.setenv("NOCTURNE_HOME", str(tmp_path / "a"))
    a = server_name()
    monkeypatch.setenv("NOCTURNE_HOME", str(tmp_path / "b"))
    assert server_name() != a


def test_window_geometry_is_remembered(
    qtbot: Any, backend: Backend, background: Any, settings: Settings
) -> None:
    window = MainWindow(backend, background, settings, Tray())
    window.quit_hook = lambda: None
    qtbot.addWidget(window)
    window.resize(960, 660)  # at least the window's minimum size (960×640)
    window.shutdown()
    again = MainWindow(Backend(settings), background, settings, Tray())
    again.quit_hook = lambda: None
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (960, 660)
    again.shutdown()


def test_icons_exist_for_every_tray_state(qapp: QApplication) -> None:
    assert not app_icon().isNull()
    for state in ("idle", "digesting", "paused", "error"):
        icon = state_icon(state)
        assert not icon.isNull() and not icon.pixmap(16, 16).isNull()


def test_resources_are_found_in_a_pyinstaller_bundle(monkeypatch: Any, tmp_path: Path) -> None:
    (tmp_path / "resources" / "samples").mkdir(parents=True)
    (tmp_path / "resources" / "samples" / "note.txt").write_text("hi", encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.samples_dir() == tmp_path / "resources" / "samples"


def test_the_samples_are_found_in_the_checkout() -> None:
    folder = resources.samples_dir()
    assert folder is not None and any(folder.glob("*.pdf"))


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
