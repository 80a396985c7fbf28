"""The digest's progress in the status bar, with "Digest now" and "Pause".

Its sentence has shorter forms for a narrow window (`describe_forms`): the horizon in a few
words, then the reason without its asides, then its first clause, then without the reason; the
label shows the longest that fits, and the whole sentence is in its tooltip. Nothing is cut in
the middle of a word: what still does not fit ends with "…" after a whole one.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QResizeEvent
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


def without_asides(text: str) -> str:
    """The text without its parenthesised asides: "wait until you are away for 10 min (idle 31
    s)" → "wait until you are away for 10 min"."""
    return re.sub(r"\s*\([^()]*\)", "", text).strip()


def first_clause(text: str) -> str:
    """Up to the first ";": "on battery; the digest waits for mains power" → "on battery"."""
    return text.split(";", 1)[0].strip()


def _unique(forms: list[str]) -> list[str]:
    return [form for number, form in enumerate(forms) if form and form not in forms[:number]]


def _waiting(why: str, steps: str) -> str:
    if not why:
        return f"Digest waiting · {steps}"
    if why.startswith(SENTENCE_REASONS):
        return f"{why[0].upper()}{why[1:]} · {steps}"
    return f"Digest waiting: {why} · {steps}"


def describe_forms(
    snapshot: DigestSnapshot,
    documents: int | None = None,
    errors: int = 0,
    ready: int | None = None,
) -> list[str]:
    """The status bar's sentence (`describe`) first, then shorter forms of it, shortest last:
    the least needed parts go first (the horizon's detail, the reason's asides, the rest of
    the reason after its first clause, the reason; a running digest's document name)."""
    done, total = snapshot.done_steps, snapshot.total_steps
    steps = f"{done}/{plural(total, 'step')}" if total else ""
    # The horizon's forms: its sentence, its few words, none.
    horizons = [*_unique([snapshot.horizon, snapshot.horizon_brief]), ""]

    def with_horizon(text: str, horizon: str) -> str:
        return f"{text} · {horizon}" if horizon else text

    if snapshot.phase == "digesting":
        eta = format_eta(snapshot.eta_s) or (
            "taking longer than estimated" if snapshot.overdue else ""
        )
        forms = [
            " · ".join(p for p in ("Digesting", detail, steps, eta) if p)
            for detail in (snapshot.detail, "")
        ]
        return _unique(forms)
    if snapshot.phase == "paused":
        reason = pause_label(snapshot.paused_until) or "paused"
        paused = f"Digest {reason}" + (f" · {steps}" if steps else "")
        return _unique([with_horizon(paused, horizon) for horizon in horizons])
    if snapshot.phase == "error":
        return _unique([f"Digest failed: {snapshot.detail}"])
    if snapshot.phase == "unavailable":
        return _unique([f"Digest unavailable: {snapshot.detail}"])
    if documents == 0:
        return ["No documents yet: add some and Nocturne starts reading them by itself"]
    if snapshot.phase == "done" or (total and done >= total):
        finished = _finished(documents, errors, ready)
        return _unique([finished, without_asides(finished)])
    if total and done < total:
        why = snapshot.detail or "an idle moment or the night"
        reasons = _unique([why, without_asides(why), first_clause(without_asides(why))])
        brief = horizons[1] if len(horizons) > 1 else ""
        forms = [with_horizon(_waiting(why, steps), horizons[0])]
        forms += [with_horizon(_waiting(reason, steps), brief) for reason in [*reasons, ""]]
        return _unique([*forms, _waiting("", steps)])
    return [f"Digest idle: {snapshot.detail}" if snapshot.detail else "Digest idle"]


def describe(
    snapshot: DigestSnapshot,
    documents: int | None = None,
    errors: int = 0,
    ready: int | None = None,
) -> str:
    """The status bar's sentence. `documents`/`errors`: the library's counts, when known. While
    the digest waits or is paused, the whole library's horizon follows the steps ("about 6 hours
    of digest left: about 2 nights at this pace"), as `nocturne status` says it."""
    return describe_forms(snapshot, documents, errors, ready)[0]


def elide_at_a_word(text: str, metrics: QFontMetrics, width: int) -> str:
    """`text` within `width` pixels, cut after a whole word with "…" when it must be cut (and
    the separators before the cut left out); mid-word only when not even one word fits."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    words = text.split(" ")
    for count in range(len(words) - 1, 0, -1):
        shown = " ".join(words[:count]).rstrip(" ·:;,—-") + "…"
        if shown != "…" and metrics.horizontalAdvance(shown) <= width:
            return shown
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)


class ElidedLabel(QLabel):
    """One line that never widens the window: the longest of its forms that fits (`set_forms`),
    else cut after a whole word with "…"; the whole in a tooltip."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._forms = [""]
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(80)
        self.setText(text)

    @property
    def _full(self) -> str:
        return self._forms[0]

    def full_text(self) -> str:
        return self._full

    def setText(self, text: str) -> None:
        self.set_forms([text])

    def set_forms(self, forms: list[str]) -> None:
        """The whole text first, then shorter forms of it, shortest last."""
        self._forms = list(forms) or [""]
        self._elide()

    def _elide(self) -> None:
        width = max(10, self.contentsRect().width())
        metrics = self.fontMetrics()
        shown = next(
            (form for form in self._forms if metrics.horizontalAdvance(form) <= width),
            elide_at_a_word(self._forms[-1], metrics, width),
        )
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
        self.label.set_forms(describe_forms(snapshot, documents, errors, ready))
        fraction = snapshot.fraction
        self.progress.setVisible(snapshot.phase in ("digesting", "paused") and fraction is not None)
        if fraction is not None:
            self.progress.setValue(int(fraction * 100))
        paused = snapshot.phase == "paused"
        self.pause_button.setVisible(not paused)
        self.resume_button.setVisible(paused)
        self.digest_button.setEnabled(snapshot.phase not in ("digesting", "unavailable"))
