"""Show Nocturne's tray icon in a real system tray, put it through its states, open its menu
with a real right-click, and report what the screen showed (JSON on stdout).

Used by test_tray_host.py in a subprocess under Xvfb with a tray host running
(`python tray_app.py OUT.png`): the test process itself runs Qt offscreen, where no tray exists.
Pixels are read back from the X server's screen, not from Qt's own pixmaps, so what is reported
is what a person would see. OUT.png is the tray with its menu open (the README's picture).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from nocturne.ui.app import make_application
from nocturne.ui.background_digest import DigestSnapshot
from nocturne.ui.tray import Tray

STATES = (
    ("idle", DigestSnapshot("done", 12, 12)),
    ("digesting", DigestSnapshot("digesting", 3, 12, 125.0, "lease.pdf")),
    ("paused", DigestSnapshot("paused", 3, 12)),
    ("error", DigestSnapshot("error", detail="the model file is missing")),
)
TIMEOUT_MS = 15000


def screen_image(rect: QRect) -> QImage:
    """What the X server shows in `rect` (the root window, so the tray host's pixels too)."""
    screen = QGuiApplication.primaryScreen()
    return screen.grabWindow(0, rect.x(), rect.y(), rect.width(), rect.height()).toImage()


def signature(image: QImage) -> list[int]:
    """The image's pixels, coarsely: enough to tell one state's icon from another's."""
    small = image.scaled(8, 8).convertToFormat(QImage.Format.Format_RGB32)
    return [small.pixel(x, y) & 0xFFFFFF for y in range(8) for x in range(8)]


def desktop() -> QWidget:
    """A plain desktop behind the panel (Xvfb's screen is black), for the picture."""
    backdrop = QWidget(None, Qt.WindowType.FramelessWindowHint | Qt.WindowType.Tool)
    backdrop.setGeometry(QGuiApplication.primaryScreen().geometry())
    backdrop.setStyleSheet(
        "background: qlineargradient(x1:0, y1:0, x2:1, y2:1, stop:0 #3b4a6b, stop:1 #7a8fb8);"
    )
    return backdrop


def xdotool(*args: str) -> None:
    subprocess.run(["xdotool", *args], check=True, timeout=10)


def main(out: Path) -> int:
    app = make_application()
    waited = 0
    while not QSystemTrayIcon.isSystemTrayAvailable() and waited < TIMEOUT_MS:
        app.processEvents()  # the tray host may still be starting
        time.sleep(0.1)
        waited += 100
    tray = Tray()
    report: dict[str, Any] = {"available": tray.available, "states": {}, "activated": 0}
    tray.open_requested.connect(lambda: report.__setitem__("activated", report["activated"] + 1))
    steps: list[Callable[[], bool]] = []  # each returns True when done, False to try again

    def wait_for_icon() -> bool:
        geometry = tray.icon.geometry()
        if not (tray.icon.isVisible() and geometry.width() > 0 and geometry.height() > 0):
            return False
        report["geometry"] = [geometry.x(), geometry.y(), geometry.width(), geometry.height()]
        return True

    def show_state(name: str, snapshot: DigestSnapshot) -> Callable[[], bool]:
        shown: list[bool] = []

        def step() -> bool:
            if not shown:  # show it, then read the screen on the next try (after a repaint)
                tray.show_snapshot(snapshot)
                shown.append(True)
                return False
            image = screen_image(tray.icon.geometry())
            report["states"][name] = {
                "state": tray.state,
                "tooltip": tray.icon.toolTip(),
                "pixels": signature(image),
                "lit": sum(1 for p in signature(image) if p != 0),
                "resume_visible": tray.resume_action.isVisible(),
                "digest_enabled": tray.digest_action.isEnabled(),
            }
            return True

        return step

    def centre() -> QPoint:
        return tray.icon.geometry().center()

    def right_click() -> bool:
        point = centre()
        xdotool("mousemove", str(point.x()), str(point.y()), "click", "3")
        return True

    def menu_open() -> bool:
        if not tray.menu.isVisible():
            return False
        report["menu"] = [a.text() for a in tray.menu.actions() if a.isVisible() and a.text()]
        menu = tray.menu.geometry()
        report["menu_geometry"] = [menu.x(), menu.y(), menu.width(), menu.height()]
        return True

    def close_menu() -> bool:
        xdotool("key", "Escape")
        return not tray.menu.isVisible()

    def menu_below_the_panel() -> bool:
        """For the picture: the same menu, opened under the panel instead of over the icon
        (where the pointer was), so the icon shows beside it."""
        icon = tray.icon.geometry()
        panel = QRect(0, 0, QGuiApplication.primaryScreen().geometry().width(), icon.bottom() + 2)
        if not tray.menu.isVisible():
            tray.menu.popup(QPoint(icon.right() - tray.menu.sizeHint().width(), panel.bottom() + 2))
            return False
        menu = tray.menu.geometry()
        area = QRect(menu.left() - 140, 0, menu.width() + 140, menu.bottom() + 24)
        area = area.intersected(QGuiApplication.primaryScreen().geometry())
        report["shot"] = screen_image(area).save(str(out))
        tray.menu.hide()
        return True

    def left_click() -> bool:
        point = centre()
        xdotool("mousemove", str(point.x()), str(point.y()), "click", "1")
        return True

    def activated() -> bool:
        return bool(report["activated"])

    steps.append(wait_for_icon)
    # The digesting state last, so the README's picture shows a digest under way.
    for name, snapshot in (*STATES[:2], *STATES[2:], STATES[1]):
        steps.append(show_state(name, snapshot))
    steps += [right_click, menu_open, close_menu, left_click, activated, menu_below_the_panel]
    tries = [0]

    def run_next() -> None:
        if not steps:
            app.quit()
            return
        tries[0] += 1
        if steps[0]():
            steps.pop(0)
            tries[0] = 0
        elif tries[0] * 100 > TIMEOUT_MS:
            report["timed_out"] = steps[0].__name__
            app.quit()
            return
        QTimer.singleShot(100, run_next)

    if shutil.which("xdotool") is None:
        report["timed_out"] = "xdotool is not installed"
    elif tray.available:
        backdrop = desktop()
        backdrop.show()
        backdrop.lower()  # no window manager: stack it under the tray host's panel by hand
        QTimer.singleShot(100, run_next)
        app.exec()
    tray.hide()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
