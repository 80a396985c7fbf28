"""The platform idle sources behind `idle.py`: each answers seconds idle, or None.

Kept apart from the choosing logic because each talks to one OS facility (Xlib through ctypes,
the D-Bus session bus through jeepney, user32, ioreg) and reads best on its own.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

log = logging.getLogger("nocturne.schedule.idle")

DBUS_TIMEOUT_S = 1.0

# -- X11: XScreenSaver extension ------------------------------------------------------------


class _XScreenSaverInfo(ctypes.Structure):
    _fields_ = [
        ("window", ctypes.c_ulong),
        ("state", ctypes.c_int),
        ("kind", ctypes.c_int),
        ("til_or_since", ctypes.c_ulong),
        ("idle", ctypes.c_ulong),
        ("event_mask", ctypes.c_ulong),
    ]


class X11IdleProbe:
    """XScreenSaverQueryInfo on the root window; the display stays open between readings."""

    name = "x11-xscreensaver"

    def __init__(self, display: str | None = None) -> None:
        self.display_name = display if display is not None else os.environ.get("DISPLAY", "")
        self._lock = threading.Lock()
        self._xlib: Any = None
        self._xss: Any = None
        self._display: int | None = None
        self._info: Any = None
        self._failed = False

    def _open(self) -> bool:
        if self._display is not None:
            return True
        if self._failed or not self.display_name:
            return False
        xlib_name = ctypes.util.find_library("X11")
        xss_name = ctypes.util.find_library("Xss")
        if not xlib_name or not xss_name:
            log.debug("libX11 or libXss not found")
            self._failed = True
            return False
        try:
            xlib = ctypes.CDLL(xlib_name)
            xss = ctypes.CDLL(xss_name)
        except OSError as exc:
            log.debug("cannot load Xlib/Xss: %s", exc)
            self._failed = True
            return False
        xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
        xlib.XOpenDisplay.restype = ctypes.c_void_p
        xlib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        xlib.XDefaultRootWindow.restype = ctypes.c_ulong
        xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
        xlib.XFree.argtypes = [ctypes.c_void_p]
        xss.XScreenSaverQueryExtension.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_int),
            ctypes.POINTER(ctypes.c_int),
        ]
        xss.XScreenSaverAllocInfo.restype = ctypes.POINTER(_XScreenSaverInfo)
        xss.XScreenSaverQueryInfo.argtypes = [
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.POINTER(_XScreenSaverInfo),
        ]
        display = xlib.XOpenDisplay(self.display_name.encode())
        if not display:
            log.debug("cannot open X display %r", self.display_name)
            return False
        event_base, error_base = ctypes.c_int(), ctypes.c_int()
        if not xss.XScreenSaverQueryExtension(
            display, ctypes.byref(event_base), ctypes.byref(error_base)
        ):
            log.debug("X display %r lacks the MIT-SCREEN-SAVER extension", self.display_name)
            xlib.XCloseDisplay(display)
            self._failed = True
            return False
        self._xlib, self._xss, self._display = xlib, xss, display
        self._info = xss.XScreenSaverAllocInfo()
        return True

    def idle_seconds(self) -> float | None:
        with self._lock:
            if not self._open():
                return None
            root = self._xlib.XDefaultRootWindow(self._display)
            if not self._xss.XScreenSaverQueryInfo(self._display, root, self._info):
                return None
            return float(self._info.contents.idle) / 1000.0

    def close(self) -> None:
        with self._lock:
            if self._display is not None:
                if self._info:
                    self._xlib.XFree(self._info)
                self._xlib.XCloseDisplay(self._display)
            self._display = None
            self._info = None


# -- D-Bus: GNOME Mutter and freedesktop ScreenSaver ----------------------------------------


class DBusIdleProbe:
    """One method call on the session bus that answers with milliseconds of idle time.

    The connection is opened lazily and reopened after a failure, since the session bus may
    come up after the daemon (user services start early).
    """

    def __init__(
        self,
        name: str,
        bus_name: str,
        object_path: str,
        interface: str,
        method: str,
        bus_address: str | None = None,
    ) -> None:
        self.name = name
        self.bus_name = bus_name
        self.object_path = object_path
        self.interface = interface
        self.method = method
        self.bus_address = bus_address
        self._lock = threading.Lock()
        self._connection: Any = None

    def _connect(self, bus: str) -> Any:
        if self._connection is None:
            from jeepney.io.blocking import open_dbus_connection

            self._connection = open_dbus_connection(bus=bus)
        return self._connection

    def idle_seconds(self) -> float | None:
        from jeepney import DBusAddress, new_method_call
        from jeepney.wrappers import unwrap_msg

        with self._lock:
            bus = self.bus_address or session_bus_address()
            if bus is None:
                return None
            try:
                connection = self._connect(bus)
                address = DBusAddress(self.object_path, self.bus_name, self.interface)
                reply = connection.send_and_get_reply(
                    new_method_call(address, self.method), timeout=DBUS_TIMEOUT_S
                )
                body = unwrap_msg(reply)
            except Exception as exc:  # jeepney raises many kinds; any means "no answer"
                log.debug("%s: no answer over D-Bus: %s", self.name, exc)
                self._drop_connection()
                return None
            if not body or not isinstance(body[0], int):
                return None
            return float(body[0]) / 1000.0

    def _drop_connection(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):  # already broken; nothing to clean up
                self._connection.close()
        self._connection = None

    def close(self) -> None:
        with self._lock:
            self._drop_connection()


def session_bus_address(env: Mapping[str, str] | None = None) -> str | None:
    """The session bus, also for user services started without DBUS_SESSION_BUS_ADDRESS."""
    env = os.environ if env is None else env
    if env.get("DBUS_SESSION_BUS_ADDRESS"):
        return env["DBUS_SESSION_BUS_ADDRESS"]
    runtime_dir = env.get("XDG_RUNTIME_DIR")
    if runtime_dir and os.path.exists(os.path.join(runtime_dir, "bus")):
        return f"unix:path={os.path.join(runtime_dir, 'bus')}"
    return None


def gnome_mutter_probe(bus_address: str | None = None) -> DBusIdleProbe:
    return DBusIdleProbe(
        "gnome-mutter",
        "org.gnome.Mutter.IdleMonitor",
        "/org/gnome/Mutter/IdleMonitor/Core",
        "org.gnome.Mutter.IdleMonitor",
        "GetIdletime",
        bus_address,
    )


def freedesktop_screensaver_probe(bus_address: str | None = None) -> DBusIdleProbe:
    """KDE and others. KDE answers in milliseconds, which is what we assume here."""
    return DBusIdleProbe(
        "freedesktop-screensaver",
        "org.freedesktop.ScreenSaver",
        "/org/freedesktop/ScreenSaver",
        "org.freedesktop.ScreenSaver",
        "GetSessionIdleTime",
        bus_address,
    )


# -- Windows ---------------------------------------------------------------------------------


def ticks_between(now_ms: int, last_input_ms: int) -> int:
    """Milliseconds from the last input to now on 32-bit tick counters that wrap every 49 days."""
    return (now_ms - last_input_ms) & 0xFFFFFFFF


class WindowsIdleProbe:
    """GetLastInputInfo: the tick count of the last input event in this session."""

    name = "windows"

    def idle_seconds(self) -> float | None:
        if sys.platform != "win32":
            return None

        class LastInputInfo(ctypes.Structure):
            _fields_ = [("cbSize", ctypes.c_uint), ("dwTime", ctypes.c_uint)]

        windll: Any = getattr(ctypes, "windll", None)
        if windll is None:
            return None
        info = LastInputInfo()
        info.cbSize = ctypes.sizeof(LastInputInfo)
        if not windll.user32.GetLastInputInfo(ctypes.byref(info)):
            return None
        now = int(windll.kernel32.GetTickCount()) & 0xFFFFFFFF
        return ticks_between(now, int(info.dwTime)) / 1000.0

    def close(self) -> None:
        pass


# -- macOS -----------------------------------------------------------------------------------

_HID_IDLE = re.compile(r'"HIDIdleTime"\s*=\s*(\d+)')


def parse_hid_idle_time(ioreg_output: str) -> float | None:
    """HIDIdleTime (nanoseconds) from `ioreg -c IOHIDSystem` output, in seconds."""
    match = _HID_IDLE.search(ioreg_output)
    return int(match.group(1)) / 1e9 if match else None


class MacIdleProbe:
    name = "macos-ioreg"

    def __init__(self, run: Callable[[Sequence[str]], str] | None = None) -> None:
        self._run = run or _run_ioreg

    def idle_seconds(self) -> float | None:
        if sys.platform != "darwin" and self._run is _run_ioreg:
            return None
        try:
            return parse_hid_idle_time(self._run(["ioreg", "-c", "IOHIDSystem", "-d", "4"]))
        except (OSError, subprocess.SubprocessError) as exc:
            log.debug("ioreg failed: %s", exc)
            return None

    def close(self) -> None:
        pass


def _run_ioreg(argv: Sequence[str]) -> str:
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=5, check=True).stdout
