"""The system tray icon: the digest's state at a glance, and the actions that matter at night.

Where no tray exists (some desktops, the offscreen test platform) `Tray.available` is False and
closing the window quits, since nothing would be left to bring it back.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from nocturne.ui.background_digest import DigestSnapshot
from nocturne.ui.icons import state_icon

TOOLTIPS = {
    "idle": "Nocturne",
    "digesting": "Nocturne — digesting",
    "paused": "Nocturne — digest paused",
    "error": "Nocturne — the digest failed",
}


class Tray(QObject):
    open_requested = Signal()
    digest_now_requested = Signal()
    pause_hour_requested = Signal()
    pause_tomorrow_requested = Signal()
    resume_requested = Signal()
    quit_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        self.state = "idle"
        self.menu = QMenu()
        self.open_action = self._action("Open Nocturne", self.open_requested)
        self.menu.addSeparator()
        self.digest_action = self._action("Digest now", self.digest_now_requested)
        self.pause_hour_action = self._action("Pause 1 hour", self.pause_hour_requested)
        self.pause_tomorrow_action = self._action(
            "Pause until tomorrow", self.pause_tomorrow_requested
        )
        self.resume_action = self._action("Resume digest", self.resume_requested)
        self.resume_action.setVisible(False)
        self.menu.addSeparator()
        self.quit_action = self._action("Quit", self.quit_requested)
        self.icon = QSystemTrayIcon(state_icon("idle"), self)
        self.icon.setToolTip(TOOLTIPS["idle"])
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        if self.available:
            self.icon.show()

    def _action(self, text: str, signal: SignalInstance) -> QAction:
        action = QAction(text, self.menu)
        action.triggered.connect(signal.emit)
        self.menu.addAction(action)
        return action

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.open_requested.emit()

    def show_snapshot(self, snapshot: DigestSnapshot) -> None:
        state = snapshot.tray_state()
        if state != self.state:
            self.state = state
            self.icon.setIcon(state_icon(state))
        tip = TOOLTIPS[state]
        if snapshot.phase == "digesting" and snapshot.fraction is not None:
            tip += f" ({snapshot.fraction:.0%})"
        self.icon.setToolTip(tip)
        paused = snapshot.phase == "paused"
        self.resume_action.setVisible(paused)
        self.digest_action.setEnabled(snapshot.phase not in ("digesting", "unavailable"))

    def notify(self, title: str, message: str, error: bool = False) -> None:
        if self.available and self.icon.supportsMessages():
            kind = (
                QSystemTrayIcon.MessageIcon.Warning
                if error
                else QSystemTrayIcon.MessageIcon.Information
            )
            self.icon.showMessage(title, message, kind, 8000)

    def hide(self) -> None:
        self.icon.hide()
