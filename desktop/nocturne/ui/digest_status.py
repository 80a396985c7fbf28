"""The digest's progress in the status bar, with "Digest now" and "Pause"."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QProgressBar, QToolButton, QWidget

from nocturne.ui.background import DigestSnapshot, format_eta, pause_label


def describe(snapshot: DigestSnapshot) -> str:
    done, total = snapshot.done_steps, snapshot.total_steps
    steps = f"{done}/{total} steps" if total else ""
    if snapshot.phase == "digesting":
        parts = ["Digesting", snapshot.detail, steps, format_eta(snapshot.eta_s)]
        return " · ".join(p for p in parts if p)
    if snapshot.phase == "paused":
        reason = pause_label(snapshot.paused_until) or "paused"
        return f"Digest {reason}" + (f" · {steps}" if steps else "")
    if snapshot.phase == "error":
        return f"Digest failed: {snapshot.detail}"
    if snapshot.phase == "done":
        return "Everything is digested"
    if snapshot.phase == "unavailable":
        return f"Digest unavailable: {snapshot.detail}"
    if total and done < total:
        why = snapshot.detail or "an idle moment or the night"
        return f"Digest waiting: {why} · {steps}"
    return f"Digest idle: {snapshot.detail}" if snapshot.detail else "Digest idle"


class DigestStatus(QWidget):
    digest_now_clicked = Signal()
    pause_hour_clicked = Signal()
    pause_tomorrow_clicked = Signal()
    resume_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        self.label = QLabel("Digest idle")
        self.label.setAccessibleName("Digest status")
        self.progress = QProgressBar()
        self.progress.setFixedWidth(140)
        self.progress.setFixedHeight(12)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName("Digest progress")
        self.progress.hide()
        self.digest_button = QToolButton()
        self.digest_button.setText("Digest now")
        self.digest_button.setAccessibleName("Digest now")
        self.digest_button.setToolTip(
            "Digest the library now instead of waiting for an idle moment or the night"
        )
        self.digest_button.clicked.connect(self.digest_now_clicked)
        self.pause_button = QToolButton()
        self.pause_button.setText("Pause")
        self.pause_button.setAccessibleName("Pause digest")
        self.pause_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.pause_button)
        menu.addAction("Pause 1 hour", self.pause_hour_clicked.emit)
        menu.addAction("Pause until tomorrow", self.pause_tomorrow_clicked.emit)
        self.pause_button.setMenu(menu)
        self.resume_button = QToolButton()
        self.resume_button.setText("Resume")
        self.resume_button.setAccessibleName("Resume digest")
        self.resume_button.clicked.connect(self.resume_clicked)
        self.resume_button.hide()
        layout.addWidget(self.label, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.digest_button)
        layout.addWidget(self.pause_button)
        layout.addWidget(self.resume_button)

    def show_snapshot(self, snapshot: DigestSnapshot) -> None:
        self.label.setText(describe(snapshot))
        fraction = snapshot.fraction
        self.progress.setVisible(snapshot.phase in ("digesting", "paused") and fraction is not None)
        if fraction is not None:
            self.progress.setValue(int(fraction * 100))
        paused = snapshot.phase == "paused"
        self.pause_button.setVisible(not paused)
        self.resume_button.setVisible(paused)
        self.digest_button.setEnabled(snapshot.phase not in ("digesting", "unavailable"))
