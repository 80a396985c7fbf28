"""The platform idle sources: a real X server (Xvfb + xdotool), a real D-Bus session bus with a
fake idle service on it, and the parsers of the Windows and macOS answers."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from schedule_fakes import FakeIdleService

from nocturne.schedule.idle_sources import (
    DBusIdleProbe,
    MacIdleProbe,
    WindowsIdleProbe,
    X11IdleProbe,
    freedesktop_screensaver_probe,
    gnome_mutter_probe,
    parse_hid_idle_time,
    session_bus_address,
    ticks_between,
)

MUTTER = "org.gnome.Mutter.IdleMonitor"


@pytest.fixture
def mutter(session_bus: str) -> Iterator[FakeIdleService]:
    service = FakeIdleService(session_bus, MUTTER, "GetIdletime", 42_500)
    yield service
    service.close()


def _wait_until_idle_reaches(probe: X11IdleProbe, seconds: float, deadline_s: float) -> float:
    """Wait (bounded) for the X server's own idle counter; this measures real time on purpose."""
    stop = time.monotonic() + deadline_s
    pause = threading.Event()
    while True:
        value = probe.idle_seconds()
        assert value is not None
        if value >= seconds or time.monotonic() > stop:
            return value
        pause.wait(0.05)


def test_x11_idle_drops_after_real_input(xvfb_display: str) -> None:
    probe = X11IdleProbe(xvfb_display)
    try:
        before = _wait_until_idle_reaches(probe, 0.6, deadline_s=10)
        assert before >= 0.6
        env = {"DISPLAY": xvfb_display, "PATH": "/usr/bin:/bin:/usr/local/bin"}
        subprocess.run(["xdotool", "mousemove", "17", "23"], env=env, check=True, timeout=10)
        subprocess.run(["xdotool", "mousemove", "300", "200"], env=env, check=True, timeout=10)
        after = probe.idle_seconds()
        assert after is not None
        assert after < before
        assert after < 0.5
    finally:
        probe.close()


def test_x11_probe_without_display_does_not_answer() -> None:
    assert X11IdleProbe("").idle_seconds() is None
    assert X11IdleProbe(":9876").idle_seconds() is None  # no such server


def test_gnome_mutter_probe_reads_idle_over_dbus(session_bus: str, mutter: FakeIdleService) -> None:
    probe = gnome_mutter_probe(session_bus)
    try:
        assert probe.idle_seconds() == pytest.approx(42.5)
        mutter.milliseconds = 1_000
        assert probe.idle_seconds() == pytest.approx(1.0)
        assert mutter.calls == 2
    finally:
        probe.close()


def test_freedesktop_probe_gives_none_when_service_absent(
    session_bus: str, mutter: FakeIdleService
) -> None:
    probe = freedesktop_screensaver_probe(session_bus)
    try:
        assert probe.idle_seconds() is None
    finally:
        probe.close()


def test_freedesktop_probe_reads_session_idle_time(session_bus: str) -> None:
    service = FakeIdleService(
        session_bus, "org.freedesktop.ScreenSaver", "GetSessionIdleTime", 7_000
    )
    probe = freedesktop_screensaver_probe(session_bus)
    try:
        assert probe.idle_seconds() == pytest.approx(7.0)
    finally:
        probe.close()
        service.close()


def test_macos_ioreg_output_is_parsed() -> None:
    output = '    | |   "HIDIdleTimeDelta" = 1\n    | |   "HIDIdleTime" = 12500000000\n'
    assert parse_hid_idle_time(output) == pytest.approx(12.5)
    assert parse_hid_idle_time("nothing here") is None
    probe = MacIdleProbe(run=lambda argv: output)
    assert probe.idle_seconds() == pytest.approx(12.5)


def test_windows_tick_difference_survives_wraparound() -> None:
    assert ticks_between(5_000, 2_000) == 3_000
    assert ticks_between(1_000, 0xFFFFFFFF - 999) == 2_000
    assert WindowsIdleProbe().idle_seconds() is None  # not Windows here


def test_x11_probe_opens_the_display_again_after_close(xvfb_display: str) -> None:
    probe = X11IdleProbe(xvfb_display)
    try:
        assert probe.idle_seconds() is not None
        probe.close()
        probe.close()  # twice is harmless
        assert probe.idle_seconds() is not None
    finally:
        probe.close()


def test_x11_probe_reads_the_display_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DISPLAY", ":9876")
    assert X11IdleProbe().display_name == ":9876"
    assert X11IdleProbe("").display_name == ""  # given, even empty, wins


def test_a_dbus_probe_answers_once_the_service_comes_up(session_bus: str) -> None:
    probe = gnome_mutter_probe(session_bus)
    try:
        assert probe.idle_seconds() is None  # the desktop has not started its service yet
        service = FakeIdleService(session_bus, MUTTER, "GetIdletime", 3_000)
        try:
            assert probe.idle_seconds() == pytest.approx(3.0)
        finally:
            service.close()
    finally:
        probe.close()


def test_a_dbus_answer_that_is_not_a_number_is_no_answer(session_bus: str) -> None:
    service = FakeIdleService(session_bus, MUTTER, "GetIdletime", "soon")
    probe = gnome_mutter_probe(session_bus)
    try:
        assert probe.idle_seconds() is None
        assert service.calls == 1
    finally:
        probe.close()
        service.close()


def test_an_unreachable_bus_is_no_answer(tmp_path: Path) -> None:
    probe = gnome_mutter_probe(f"unix:path={tmp_path / 'no-such-bus'}")
    assert probe.idle_seconds() is None
    probe.close()


def test_without_any_session_bus_the_probe_does_not_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    probe = DBusIdleProbe("test", MUTTER, "/org/x", MUTTER, "GetIdletime")
    assert probe.idle_seconds() is None
    probe.close()


def test_the_session_bus_is_found_also_without_its_variable(tmp_path: Path) -> None:
    assert session_bus_address({"DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/x"}) == (
        "unix:path=/run/x"
    )
    assert session_bus_address({"XDG_RUNTIME_DIR": str(tmp_path)}) is None  # no bus socket
    (tmp_path / "bus").touch()
    assert session_bus_address({"XDG_RUNTIME_DIR": str(tmp_path)}) == (
        f"unix:path={tmp_path / 'bus'}"
    )
    assert session_bus_address(
        {"DBUS_SESSION_BUS_ADDRESS": "", "XDG_RUNTIME_DIR": str(tmp_path)}
    ) == (f"unix:path={tmp_path / 'bus'}")
    assert session_bus_address({}) is None


def test_the_probes_call_their_desktops_methods() -> None:
    mutter = gnome_mutter_probe("unix:path=/x")
    assert (mutter.name, mutter.bus_name, mutter.method) == (
        "gnome-mutter",
        "org.gnome.Mutter.IdleMonitor",
        "GetIdletime",
    )
    kde = freedesktop_screensaver_probe()
    assert (kde.name, kde.object_path, kde.method, kde.bus_address) == (
        "freedesktop-screensaver",
        "/org/freedesktop/ScreenSaver",
        "GetSessionIdleTime",
        None,
    )


def test_ioreg_is_asked_for_the_hid_system_and_its_failure_is_no_answer() -> None:
    asked: list[Sequence[str]] = []

    def ioreg(argv: Sequence[str]) -> str:
        asked.append(list(argv))
        return '"HIDIdleTime" = 2000000000'

    assert MacIdleProbe(run=ioreg).idle_seconds() == pytest.approx(2.0)
    assert asked == [["ioreg", "-c", "IOHIDSystem", "-d", "4"]]

    def failing(argv: Sequence[str]) -> str:
        raise subprocess.CalledProcessError(1, list(argv))

    assert MacIdleProbe(run=failing).idle_seconds() is None

    def missing(argv: Sequence[str]) -> str:
        raise FileNotFoundError("ioreg")

    assert MacIdleProbe(run=missing).idle_seconds() is None


def test_only_the_delta_is_not_the_idle_time() -> None:
    assert parse_hid_idle_time('"HIDIdleTimeDelta" = 5000000000') is None
    assert parse_hid_idle_time('"HIDIdleTime"=0') == 0.0


@pytest.mark.skipif(sys.platform == "darwin", reason="runs the real ioreg on macOS")
def test_the_real_ioreg_is_not_run_off_macos() -> None:
    assert MacIdleProbe().idle_seconds() is None


def test_tick_differences_at_the_edges() -> None:
    assert ticks_between(7, 7) == 0
    assert ticks_between(0, 0xFFFFFFFF) == 1  # one tick across the wrap
    assert ticks_between(0xFFFFFFFF, 0) == 0xFFFFFFFF
