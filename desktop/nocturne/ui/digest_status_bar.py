"""The digest's progress in the status bar, with "Digest now" and "Pause"."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from nocturne.ui.background_digest import DigestSnapshot, format_eta, pause_label

SENTENCE_REASONS = ("the digest", "new documents", "summaries")
"""Reasons from the schedule that are whole sentences: shown as they are, capitalised."""


def plural(count: int, word: str, many: str | None = None) -> str:
    """ "1 document", "2 documents" (and "1 passage", never "1 passages")."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def _finished(documents: int | None, errors: int, ready: int | None = None) -> str:
    """What a finished digest says; never "everything" when nothing or not everything is.
    `ready`: the documents shown ready (as `nocturne status` counts them); when not given, all
    but those in error."""
    if documents is None:
        return "Digest finished"
    readable = max(0, documents - errors)
    ready = readable if ready is None else min(ready, readable)
    unread = f" · {errors:,} could not be read (see the library)" if errors else ""
    if errors and not readable:
        return (
            f"{plural(errors, 'document')} could not be read; nothing to digest (see the library)"
        )
    if ready < readable:
        return f"{ready:,} of {plural(readable, 'document')} digested{unread}"
    if errors:
        return f"{plural(ready, 'document')} digested{unread}"
    return "The document is digested" if ready == 1 else f"All {ready:,} documents are digested"


def describe(
    snapshot: DigestSnapshot,
    documents: int | None = None,
    errors: int = 0,
    ready: int | None = None,
) -> str:
    """The status bar's sentence. `documents`/`errors`: the library's counts, when known. While
    the digest waits or is paused, the whole library's horizon follows the steps ("about 6 hours
    of digest left: about 2 nights at this pace"), as `nocturne status` says it."""
    done, total = snapshot.done_steps, snapshot.total_steps
    steps = f"{done}/{plural(total, 'step')}" if total else ""
    if snapshot.phase == "digesting":
        eta = format_eta(snapshot.eta_s) or (
            "taking longer than estimated" if snapshot.overdue else ""
        )
        parts = ["Digesting", snapshot.detail, steps, eta]
        return " · ".join(p for p in parts if p)
    horizon = f" · {snapshot.horizon}" if snapshot.horizon else ""
    if snapshot.phase == "paused":
        reason = pause_label(snapshot.paused_until) or "paused"
        return f"Digest {reason}" + (f" · {steps}" if steps else "") + horizon
    if snapshot.phase == "error":
        return f"Digest failed: {snapshot.detail}"
    if snapshot.phase == "unavailable":
        return f"Digest unavailable: {snapshot.detail}"
    if documents == 0:
        return "No documents yet: add some and Nocturne starts reading them by itself"
    if snapshot.phase == "done":
        return _finished(documents, errors, ready)
    if total and done < total:
        why = snapshot.detail or "an idle moment or the night"
        if why.startswith(SENTENCE_REASONS):
            return f"{why[0].upper()}{why[1:]} · {steps}{horizon}"
        return f"Digest waiting: {why} · {steps}{horizon}"
    if total and done >= total:
        return _finished(documents, errors, ready)
    return f"Digest idle: {snapshot.detail}" if snapshot.detail else "Digest idle"


class ElidedLabel(QLabel):
    """One line that never widens the window: cut at the end with "…", the whole in a tooltip."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(80)
        self.setText(text)

    def full_text(self) -> str:
        return self._full

    def setText(self, text: str) -> None:
        self._full = text
        self._elide()

    def _elide(self) -> None:
        width = max(10, self.contentsRect().width())
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width)
        super().setText(shown)
        self.setToolTip(self._full if shown != self._full else "")
        self.setAccessibleDescription(self._full)

    def minimumSizeHint(self) -> QSize:
        return QSize(self.minimumWidth(), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()


class DigestStatus(QWidget):
    digest_now_clicked = Signal()
    pause_hour_clicked = Signal()
    pause_tomorrow_clicked = Signal()
    resume_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        self.label = ElidedLabel("Digest idle")
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
            "Digest the whole library now (summaries too) instead of waiting for "
            "an idle moment or the night"
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

    def show_snapshot(
        self,
        snapshot: DigestSnapshot,
        documents: int | None = None,
        errors: int = 0,
        ready: int | None = None,
    ) -> None:
        self.label.setText(describe(snapshot, documents, errors, ready))
        fraction = snapshot.fraction
        self.progress.setVisible(snapshot.phase in ("digesting", "paused") and fraction is not None)
        if fraction is not None:
            self.progress.setValue(int(fraction * 100))
        paused = snapshot.phase == "paused"
        self.pause_button.setVisible(not paused)
        self.resume_button.setVisible(paused)
        self.digest_button.setEnabled(snapshot.phase not in ("digesting", "unavailable"))
