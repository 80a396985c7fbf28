"""Choosing the idle source (a real X server, a real D-Bus bus) and the monitor that re-chooses
it; the sources themselves are tested in test_idle_sources.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from schedule_fakes import FakeIdleService

from nocturne.schedule import idle
from nocturne.schedule.idle import (
    IdleMonitor,
    IdleReading,
    NoIdleProbe,
    X11IdleProbe,
    choose_idle_source,
    freedesktop_screensaver_probe,
    gnome_mutter_probe,
)


def test_chooser_picks_x11_when_display_answers(xvfb_display: str) -> None:
    chosen = choose_idle_source(idle.candidate_probes("linux", {"DISPLAY": xvfb_display}))
    try:
        assert chosen.name == "x11-xscreensaver"
    finally:
        chosen.close()


@pytest.fixture
def mutter(session_bus: str) -> Iterator[FakeIdleService]:
    service = FakeIdleService(session_bus, "org.gnome.Mutter.IdleMonitor", "GetIdletime", 42_500)
    yield service
    service.close()


def test_chooser_skips_silent_sources_for_dbus(session_bus: str, mutter: FakeIdleService) -> None:
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
