"""Idle probes: a real X server (Xvfb + xdotool), a real D-Bus bus, and the parsers."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator

import pytest

from nocturne.schedule import idle
from nocturne.schedule.idle import (
    IdleMonitor,
    IdleReading,
    NoIdleProbe,
    X11IdleProbe,
    choose_idle_source,
    freedesktop_screensaver_probe,
    gnome_mutter_probe,
    parse_hid_idle_time,
    ticks_between,
)


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


def test_chooser_picks_x11_when_display_answers(xvfb_display: str) -> None:
    chosen = choose_idle_source(idle.candidate_probes("linux", {"DISPLAY": xvfb_display}))
    try:
        assert chosen.name == "x11-xscreensaver"
    finally:
        chosen.close()


def test_x11_probe_without_display_does_not_answer() -> None:
    assert X11IdleProbe("").idle_seconds() is None
    assert X11IdleProbe(":9876").idle_seconds() is None  # no such server


class _FakeIdleService:
    """A D-Bus service answering one idle method, served from a thread on a private bus."""

    def __init__(self, address: str, bus_name: str, method: str, milliseconds: int) -> None:
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        self.method = method
        self.milliseconds = milliseconds
        self.calls = 0
        self._stop = threading.Event()
        self._conn = open_dbus_connection(bus=address)
        reply = self._conn.send_and_get_reply(message_bus.RequestName(bus_name), timeout=5)
        assert reply.body[0] == 1  # primary owner
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        from jeepney import MessageType, new_error, new_method_return

        while not self._stop.is_set():
            try:
                msg = self._conn.receive(timeout=0.05)
            except TimeoutError:
                continue
            if msg.header.message_type != MessageType.method_call:
                continue
            if msg.header.fields.get(3) == self.method:  # 3 = MEMBER
                self.calls += 1
                signature = "t" if self.method == "GetIdletime" else "u"
                self._conn.send(new_method_return(msg, signature, (self.milliseconds,)))
            else:
                self._conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._conn.close()


@pytest.fixture
def mutter(session_bus: str) -> Iterator[_FakeIdleService]:
    service = _FakeIdleService(session_bus, "org.gnome.Mutter.IdleMonitor", "GetIdletime", 42_500)
    yield service
    service.close()


def test_gnome_mutter_probe_reads_idle_over_dbus(
    session_bus: str, mutter: _FakeIdleService
) -> None:
    probe = gnome_mutter_probe(session_bus)
    try:
        assert probe.idle_seconds() == pytest.approx(42.5)
        mutter.milliseconds = 1_000
        assert probe.idle_seconds() == pytest.approx(1.0)
        assert mutter.calls == 2
    finally:
        probe.close()


def test_freedesktop_probe_gives_none_when_service_absent(
    session_bus: str, mutter: _FakeIdleService
) -> None:
    probe = freedesktop_screensaver_probe(session_bus)
    try:
        assert probe.idle_seconds() is None
    finally:
        probe.close()


def test_freedesktop_probe_reads_session_idle_time(session_bus: str) -> None:
    service = _FakeIdleService(
        session_bus, "org.freedesktop.ScreenSaver", "GetSessionIdleTime", 7_000
    )
    probe = freedesktop_screensaver_probe(session_bus)
    try:
        assert probe.idle_seconds() == pytest.approx(7.0)
    finally:
        probe.close()
        service.close()


def test_chooser_skips_silent_sources_for_dbus(session_bus: str, mutter: _FakeIdleService) -> None:
    silent_x11 = X11IdleProbe(":9876")
    chosen = choose_idle_source(
        [silent_x11, freedesktop_screensaver_probe(session_bus), gnome_mutter_probe(session_bus)]
    )
    try:
        assert chosen.name == "gnome-mutter"
        assert chosen.idle_seconds() == pytest.approx(42.5)
    finally:
        chosen.close()


def test_wayland_prefers_dbus_over_x11() -> None:
    names = [
        p.name
        for p in idle.candidate_probes("linux", {"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"})
    ]
    assert names == ["gnome-mutter", "freedesktop-screensaver", "x11-xscreensaver"]
    names = [p.name for p in idle.candidate_probes("linux", {"DISPLAY": ":0"})]
    assert names[0] == "x11-xscreensaver"
    assert [p.name for p in idle.candidate_probes("win32", {})] == ["windows"]
    assert [p.name for p in idle.candidate_probes("darwin", {})] == ["macos-ioreg"]


def test_no_source_means_present_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    chosen = choose_idle_source([X11IdleProbe(""), NoIdleProbe()])
    assert chosen.name == "none"
    assert chosen.idle_seconds() is None
    assert "treated as present" in caplog.text
    reading = IdleReading("none", None)
    assert "treating the person as present" in reading.describe()


class _ScriptedProbe:
    def __init__(self, name: str, values: list[float | None]) -> None:
        self.name = name
        self.values = values
        self.closed = False

    def idle_seconds(self) -> float | None:
        return self.values.pop(0) if self.values else None

    def close(self) -> None:
        self.closed = True


def test_monitor_rechooses_after_a_source_goes_quiet() -> None:
    first = _ScriptedProbe("first", [5.0, None, None])
    second = _ScriptedProbe("second", [9.0, 10.0])
    choices = iter([first, second])
    monitor = IdleMonitor(chooser=lambda: next(choices), rechoose_every=2)
    assert monitor.read() == IdleReading("first", 5.0)
    assert monitor.read() == IdleReading("first", None)
    assert monitor.read() == IdleReading("second", 9.0)
    assert first.closed


def test_macos_ioreg_output_is_parsed() -> None:
    output = '    | |   "HIDIdleTimeDelta" = 1\n    | |   "HIDIdleTime" = 12500000000\n'
    assert parse_hid_idle_time(output) == pytest.approx(12.5)
    assert parse_hid_idle_time("nothing here") is None
    probe = idle.MacIdleProbe(run=lambda argv: output)
    assert probe.idle_seconds() == pytest.approx(12.5)


def test_windows_tick_difference_survives_wraparound() -> None:
    assert ticks_between(5_000, 2_000) == 3_000
    assert ticks_between(1_000, 0xFFFFFFFF - 999) == 2_000
    assert idle.WindowsIdleProbe().idle_seconds() is None  # not Windows here
