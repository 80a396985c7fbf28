"""One Nocturne per person: the local socket a second launch uses to raise the first."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtNetwork import QLocalSocket

from nocturne.ui.single_instance import SingleInstance, server_name


@pytest.fixture
def name(tmp_path: Path) -> str:
    """A socket name of this test's own, never a person's running Nocturne."""
    return f"nocturne-test-{os.getpid()}-{tmp_path.name}"


def test_a_second_launch_raises_the_first(qtbot: Any, name: str) -> None:
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
    b = server_name()
    assert a != b
    assert a.startswith("nocturne-") and len(a) == len("nocturne-") + 16
    monkeypatch.setenv("NOCTURNE_HOME", str(tmp_path / "a"))
    assert server_name() == a  # the same folder, the same name, launch after launch


def test_without_a_name_the_data_folders_name_is_used(qapp: Any) -> None:
    assert SingleInstance().name == server_name()


def test_with_nobody_listening_the_launch_goes_on(qapp: Any, name: str) -> None:
    instance = SingleInstance(name)
    assert instance.notify_running() is False
    assert instance.server is None  # asking did not start listening


def test_a_connection_that_does_not_ask_to_raise_raises_nothing(qtbot: Any, name: str) -> None:
    first = SingleInstance(name)
    assert first.listen()
    raised: list[bool] = []
    first.raise_requested.connect(lambda: raised.append(True))
    socket = QLocalSocket()
    socket.connectToServer(name)
    assert socket.waitForConnected(2000)
    socket.write(b"hello\n")
    socket.flush()
    qtbot.waitUntil(lambda: socket.state() == QLocalSocket.LocalSocketState.UnconnectedState)
    assert raised == []  # the server read it and hung up without raising the window
    with qtbot.waitSignal(first.raise_requested, timeout=5000):
        assert SingleInstance(name).notify_running()
    first.close()


def test_close_stops_listening_and_can_be_called_twice(qapp: Any, name: str) -> None:
    first = SingleInstance(name)
    assert first.listen()
    assert first.server is not None and first.server.isListening()
    first.close()
    assert first.server is None
    first.close()
    assert not SingleInstance(name).notify_running()
    again = SingleInstance(name)
    assert again.listen()  # the name is free for the next launch
    again.close()
