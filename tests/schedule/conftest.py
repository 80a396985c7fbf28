"""Fixtures for the schedule tests: a real Xvfb display, a private D-Bus session bus, fakes."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from nocturne.library.store import Store


def _read_line_from(fd: int, timeout_s: float) -> str:
    """Read one line from a pipe, waiting for it at most `timeout_s` (select, not sleep)."""
    data = b""
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], timeout_s)
        if not ready:
            raise TimeoutError(f"nothing read within {timeout_s} s")
        chunk = os.read(fd, 256)
        if not chunk:
            break
        data += chunk
    return data.decode().strip()


@pytest.fixture
def xvfb_display() -> Iterator[str]:
    """A private Xvfb server, e.g. ':42'. Skips with the reason when the tools are missing."""
    missing = [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (apt-get install xvfb xdotool libxss1)")
    import ctypes.util

    if ctypes.util.find_library("Xss") is None:
        pytest.skip("needs libXss (apt-get install libxss1)")
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-nolisten", "tcp", "-screen", "0", "640x480x24"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        number = _read_line_from(read_fd, timeout_s=15)
        if not number:
            pytest.skip("Xvfb did not start")
        yield f":{number}"
    finally:
        os.close(read_fd)
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def session_bus() -> Iterator[str]:
    """A private D-Bus session bus address; skips when dbus-daemon is not installed."""
    if shutil.which("dbus-daemon") is None:
        pytest.skip("needs dbus-daemon (apt-get install dbus)")
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert daemon.stdout is not None
    try:
        address = _read_line_from(daemon.stdout.fileno(), timeout_s=15)
        yield address
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("NOCTURNE_HOME", str(tmp_path / "home"))
    opened = Store.open(tmp_path / "library.sqlite3")
    try:
        yield opened
    finally:
        opened.close()
