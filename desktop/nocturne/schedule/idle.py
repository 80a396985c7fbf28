"""How long has the person left the machine alone? One probe per platform, no new native deps.

Each probe answers with seconds of idle time, or None when its source does not answer (no X
display, no such D-Bus service, not this OS). `choose_idle_source()` tries the probes that make
sense on this platform and keeps the first that answers; when none does, the chosen source is
`none` and the person is treated as present: the digest never runs on a guess, and status and the
log say why.

Probes:
  x11-xscreensaver         libXss through ctypes (X11 and, less reliably, XWayland)
  gnome-mutter             org.gnome.Mutter.IdleMonitor.GetIdletime over D-Bus (GNOME, Wayland too)
  freedesktop-screensaver  org.freedesktop.ScreenSaver.GetSessionIdleTime over D-Bus (KDE, others)
  windows                  user32.GetLastInputInfo through ctypes
  macos-ioreg              `ioreg -c IOHIDSystem` HIDIdleTime
(the probes themselves are in `idle_sources.py`)
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

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

log = logging.getLogger(__name__)

__all__ = [
    "AssumedIdleProbe",
    "DBusIdleProbe",
    "IdleMonitor",
    "IdleProbe",
    "IdleReading",
    "MacIdleProbe",
    "NoIdleProbe",
    "WindowsIdleProbe",
    "X11IdleProbe",
    "candidate_probes",
    "choose_idle_source",
    "freedesktop_screensaver_probe",
    "gnome_mutter_probe",
    "parse_hid_idle_time",
    "session_bus_address",
    "ticks_between",
]

NO_SOURCE = "none"


class IdleProbe(Protocol):
    """A source of idle time. `name` is what status shows."""

    name: str

    def idle_seconds(self) -> float | None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class IdleReading:
    """One measurement: which source answered and what it said (None: treat as present)."""

    source: str
    seconds: float | None

    @property
    def known(self) -> bool:
        return self.seconds is not None

    def describe(self) -> str:
        if self.seconds is None:
            if self.source == NO_SOURCE:
                return "no idle source answers; treating the person as present"
            return f"{self.source} did not answer; treating the person as present"
        return f"idle {self.seconds:.0f} s ({self.source})"


# -- choosing a source -----------------------------------------------------------------------


class NoIdleProbe:
    """What we fall back to: never an answer, so the person is always treated as present."""

    name = NO_SOURCE

    def idle_seconds(self) -> float | None:
        return None

    def close(self) -> None:
        pass


def candidate_probes(
    platform: str | None = None,
    env: Mapping[str, str] | None = None,
) -> list[IdleProbe]:
    """The probes worth trying here, most trustworthy first.

    Under Wayland the X11 extension only sees XWayland clients, so the compositor's D-Bus
    services come first there; on a plain X11 session libXss is exact and cheapest.
    """
    platform = platform or sys.platform
    env = os.environ if env is None else env
    if platform == "win32":
        return [WindowsIdleProbe()]
    if platform == "darwin":
        return [MacIdleProbe()]
    x11: list[IdleProbe] = [X11IdleProbe(env.get("DISPLAY", ""))] if env.get("DISPLAY") else []
    dbus: list[IdleProbe] = [gnome_mutter_probe(), freedesktop_screensaver_probe()]
    if env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland":
        return dbus + x11
    return x11 + dbus


def choose_idle_source(
    candidates: Sequence[IdleProbe] | None = None, *, quiet: bool = False
) -> IdleProbe:
    """The first candidate that answers now; `NoIdleProbe` when none does (and say so)."""
    probes = list(candidate_probes() if candidates is None else candidates)
    for probe in probes:
        if probe.idle_seconds() is not None:
            for other in probes:
                if other is not probe:
                    other.close()
            log.log(logging.DEBUG if quiet else logging.INFO, "idle source: %s", probe.name)
            return probe
    for probe in probes:
        probe.close()
    log.log(
        logging.DEBUG if quiet else logging.WARNING,
        "no idle source answers (tried: %s); the person is treated as present and "
        "the digest will not start on idle",
        ", ".join(p.name for p in probes) or "none",
    )
    return NoIdleProbe()


class IdleMonitor:
    """Reads the chosen probe; if it stops answering, looks again for one that does.

    A session bus or display can appear after the daemon starts (user services start early),
    so a source of `none` is re-chosen at most every `rechoose_every` readings.
    """

    def __init__(
        self,
        chooser: Callable[[], IdleProbe] = choose_idle_source,
        rechoose_every: int = 60,
    ) -> None:
        self._chooser = chooser
        self._rechoose_every = rechoose_every
        self._probe: IdleProbe | None = None
        self._misses = 0

    @property
    def source(self) -> str:
        return self._probe.name if self._probe is not None else NO_SOURCE

    def read(self) -> IdleReading:
        if self._probe is None:
            self._probe = self._chooser()
        seconds = self._probe.idle_seconds()
        if seconds is None:
            self._misses += 1
            if self._misses >= self._rechoose_every:
                self._misses = 0
                self._probe.close()
                self._probe = self._chooser()
                seconds = self._probe.idle_seconds()
        else:
            self._misses = 0
        return IdleReading(self._probe.name, seconds)

    def close(self) -> None:
        if self._probe is not None:
            self._probe.close()
            self._probe = None


class AssumedIdleProbe:
    """For headless servers, chosen explicitly by the person (`daemon --assume-idle`).

    Reports a very long idle time so only the power and pause rules apply. Never chosen
    automatically: without a person's say-so we do not guess that nobody is there.
    """

    name = "assumed-idle"

    def idle_seconds(self) -> float | None:
        return float(10**9)

    def close(self) -> None:
        pass
