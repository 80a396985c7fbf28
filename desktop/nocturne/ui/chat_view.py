"""The chat pane: a transcript of questions and answer cards, and the question box.

An answer card shows the streamed text (muted: a draft that the final answer replaces whole), a
badge for its mode (instant / learned / raw, or "not in your documents" for an abstention), its
confidence ("high confidence", "medium confidence", or "best guess — check the source"), what
Think harder did when it was asked that way (the record's "note", on a line of its own), its
sources as links with their section ("a.pdf, p. 2 › 4.4 Error handling"; the main window opens
them at the page), the savings line, and, once the answer is complete, its actions: copy, "Think
harder", which asks the same question again with more care (`answer/harder.py`), and "Digest
now" on a summary that waits for the digest. A card whose answer failed offers "Try again" (the
same question in the same mode) instead: Think harder would promise a better answer of one that
never ran. The words are `nocturne.answer.plain`'s, the same as the CLI's.
"""

from __future__ import annotations

import contextlib
import html
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QCursor,
    QFontMetrics,
    QGuiApplication,
    QKeySequence,
    QPalette,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from nocturne.answer.follow_up import read_with
from nocturne.answer.plain import (
    PENDING_ROUTE,
    badge,
    confidence_text,
    is_abstention,
    streamed_display,
)
from nocturne.ui.style import MODE_COLOURS

HARDER = "harder"  # what Think harder asks with (answer/harder.py)
AUTO = "auto"  # the mode of a card whose asking mode is not known (a failed answer reopened)
COPIED_MS = 1500  # how long Copy reads "Copied"
CHAT_MIN_WIDTH = 340
BUBBLE_MAX = 420  # a question's line before it wraps, where the transcript is wide enough
MODE_CHOICES = (("Auto", "auto"), ("Instant", "instant"), ("Learned", "learned"), ("Raw", "raw"))


def _where(citation: dict[str, Any]) -> tuple[str, str]:
    """The document's name and the page suffix (", p. 22", ", p. 1 (OCR)" or "")."""
    page = f", p. {citation['page']}" if citation.get("page") else ""
    if citation.get("ocr"):
        page += " (OCR)"  # the text was read from a scan or photo: worth checking by eye
    return str(citation.get("document") or "?"), page


SECTION_MARK = " › "


def citation_label(citation: dict[str, Any]) -> str:
    """`Citation.label()` for a stored record: "manual.pdf, p. 22 › 4.4 Error handling"."""
    document, page = _where(citation)
    section = str(citation.get("section") or "")
    return f"{document}{page}{SECTION_MARK}{section}" if section else document + page


def elided_label(citation: dict[str, Any], metrics: QFontMetrics, width: int) -> str:
    """The label within `width` pixels. The page is never cut; the file name is shortened in
    the middle (its start and extension stay) to at most half the width when the section needs
    the room, and the section at its end."""
    full = citation_label(citation)
    if width <= 0 or metrics.horizontalAdvance(full) <= width:
        return full
    document, page = _where(citation)
    section = str(citation.get("section") or "")
    middle = Qt.TextElideMode.ElideMiddle
    if not section:
        room = width - metrics.horizontalAdvance(page)
        return metrics.elidedText(document, middle, max(room, 0)) + page
    mark = metrics.horizontalAdvance(SECTION_MARK)
    where_room = max(width // 2, width - mark - metrics.horizontalAdvance(section))
    document_room = where_room - metrics.horizontalAdvance(page)
    if metrics.horizontalAdvance(document) > document_room:
        document = metrics.elidedText(document, middle, max(document_room, 0))
    section_room = width - mark - metrics.horizontalAdvance(document + page)
    section = metrics.elidedText(section, Qt.TextElideMode.ElideRight, max(section_room, 0))
    return f"{document}{page}{SECTION_MARK}{section}"


SOURCES_PREFIX = "Sources: "


def citation_links(
    citations: list[dict[str, Any]], metrics: QFontMetrics | None = None, width: int = 0
) -> str:
    """One link a line after "Sources:", each elided to `width` pixels when metrics are given."""
    colour = QGuiApplication.palette().color(QPalette.ColorRole.Link).name()
    room = width - metrics.horizontalAdvance(SOURCES_PREFIX) - 4 if metrics and width else 0
    links = []
    for number, citation in enumerate(citations):
        label = elided_label(citation, metrics, room) if metrics else citation_label(citation)
        links.append(f'<a href="cite:{number}" style="color: {colour};">{html.escape(label)}</a>')
    if not links:
        return ""
    return (
        '<table cellspacing="0" cellpadding="0"><tr>'
        f"<td>{html.escape(SOURCES_PREFIX).replace(' ', '&nbsp;')}</td>"
        f"<td>{'<br>'.join(links)}</td></tr></table>"
    )


ABSTAIN_COLOUR = "#978365"  # an abstention is not an error (red) nor an answer (a mode's colour)


class ModeBadge(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # a pill

    def set_mode(self, mode: str, route: str = "", abstained: bool = False) -> None:
        """The mode, or for an abstention what it means: "not in your documents"."""
        kind = badge(mode, route, abstained)
        abstention = kind != mode
        colour = QColor(ABSTAIN_COLOUR if abstention else MODE_COLOURS.get(mode, "#8b8d98"))
        self.setText(kind.upper())
        self.setAccessibleName(f"No answer: {kind}" if abstention else f"Answered in {mode} mode")
        self.setStyleSheet(
            f"QLabel {{ color: {colour.name()}; background: rgba({colour.red()},"
            f"{colour.green()},{colour.blue()},38); border-radius: 8px; padding: 1px 8px; "
            "font-size: 8pt; font-weight: 700; letter-spacing: 1px; }"
        )


CONFIDENCE_TIPS = {
    "high": "Strong evidence: an answer the digest prepared, or an exact match.",
    "medium": "Good evidence; the source is below if it matters.",
    "low": "The evidence for this answer is weak. Open the source below to check it, "
    "or use Think harder.",
}
CONFIDENCE_COLOURS = {"high": (48, 164, 108), "medium": (139, 141, 152), "low": (217, 119, 6)}


class ConfidenceBadge(QLabel):
    """Every answer's confidence; a low one reads as a plain warning to check the source."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confidenceBadge")
        # A pill as tall as its text: a tall neighbour in its row never stretches it into a box.
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.level = ""
        self.set_level("low")

    def set_level(self, level: str) -> None:
        self.level = level
        text = confidence_text(level)
        self.setText(text)
        self.setAccessibleName(
            "Low confidence: best guess, check the source" if level == "low" else text
        )
        self.setToolTip(CONFIDENCE_TIPS.get(level, ""))
        red, green, blue = CONFIDENCE_COLOURS.get(level, CONFIDENCE_COLOURS["medium"])
        weight = 600 if level == "low" else 500
        self.setStyleSheet(
            f"QLabel {{ color: rgb({red},{green},{blue}); background: rgba({red},{green},{blue},"
            f"34); border-radius: 8px; padding: 1px 8px; font-size: 8pt; font-weight: {weight}; }}"
        )


class SourcesLabel(QLabel):
    """The sources of an answer, one link a line, each elided to the card's width.

    Its width comes from the card (horizontal policy Ignored), so a long section title never
    widens the transcript; the full labels are in the tooltip.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Sources")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.citations: list[dict[str, Any]] = []
        self._rendered_width = -1
        self.linkHovered.connect(self._hovered)

    def full_labels(self) -> list[str]:
        return [citation_label(c) for c in self.citations]

    def set_citations(self, citations: list[dict[str, Any]]) -> None:
        self.citations = list(citations)
        self.setToolTip("\n".join(self.full_labels()))
        self.relayout_links()

    def relayout_links(self) -> None:
        width = self.contentsRect().width()
        self._rendered_width = width
        self.setText(citation_links(self.citations, self.fontMetrics(), width))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.citations and self.contentsRect().width() != self._rendered_width:
            self.relayout_links()

    def changeEvent(self, event: QEvent) -> None:
        """Rich-text links take the link colour when laid out: redo them when the scheme flips."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange) and self.citations:
            self.relayout_links()

    def _hovered(self, link: str) -> None:
        if link.startswith("cite:"):
            number = int(link.split(":", 1)[1])
            if 0 <= number < len(self.citations):
                QToolTip.showText(QCursor.pos(), citation_label(self.citations[number]), self)


class ElidedTitle(QLabel):
    """A one-line title that elides at its end instead of widening its pane (a long question
    as a conversation's title squeezed the library and conversation panes); the whole title is
    in the tooltip."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.full_text = ""
        self.setText(text)

    def setText(self, text: str) -> None:
        self.full_text = text
        self.setToolTip(text)
        self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width()
        metrics = self.fontMetrics()
        shown = (
            metrics.elidedText(self.full_text, Qt.TextElideMode.ElideRight, width)
            if width > 0
            else self.full_text
        )
        super().setText(shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._elide()


class QuestionBubble(QFrame):
    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("questionBubble")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setAccessibleName("Question")
        # Word-wrapped labels ask for a narrow width; short questions should stay on one line,
        # as far as the transcript is wide (`fit`): a fixed minimum clipped every card at 1000 px.
        self.one_line = min(label.fontMetrics().horizontalAdvance(text) + 4, BUBBLE_MAX)
        label.setMinimumWidth(self.one_line)
        layout.addWidget(label)
        self.label = label

    def fit(self, room: int) -> None:
        """Room: the transcript's width for this bubble's text (margins taken off)."""
        self.label.setMinimumWidth(max(40, min(self.one_line, room)))


class AnswerCard(QFrame):
    """One answer; `append` streams text in, `finish` adds mode, sources and savings."""

    citation_clicked = Signal(dict)
    think_harder = Signal(str)
    try_again = Signal(str, str)  # question, the mode it was asked in
    digest_requested = Signal()

    def __init__(self, question: str, mode: str = AUTO, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("answerCard")
        self.question = question
        self.mode = mode  # what it was asked with (a mode, or HARDER), for Try again
        self.record: dict[str, Any] | None = None
        self._text = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(6)
        top = QHBoxLayout()
        self.badge = ModeBadge()
        self.badge.hide()
        self.thinking = QLabel("Thinking…")
        self.thinking.setObjectName("muted")
        self.confidence = ConfidenceBadge()
        self.confidence.hide()
        top.addWidget(self.badge)
        top.addWidget(self.confidence)
        top.addWidget(self.thinking)
        top.addStretch(1)
        layout.addLayout(top)
        # What Think harder did ("Thought harder: searched 12 passages…"): a line of its own under
        # the badges, the card's whole width, stored with the answer and redrawn with it.
        self.note = QLabel("")
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        self.note.setAccessibleName("How this answer was found")
        self.note.hide()
        layout.addWidget(self.note)
        self.follows = QLabel("")  # a follow-up: the question it was read with
        self.follows.setObjectName("muted")
        self.follows.setWordWrap(True)
        self.follows.hide()
        layout.addWidget(self.follows)
        self.body = QLabel("")
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.setAccessibleName("Answer")
        self.body.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        layout.addWidget(self.body)
        self.sources = SourcesLabel()
        self.sources.linkActivated.connect(self._open_citation)
        self.sources.hide()
        layout.addWidget(self.sources)
        self.savings = QLabel("")
        self.savings.setObjectName("savingsLine")
        self.savings.setWordWrap(True)
        self.savings.setAccessibleName("Savings")
        self.savings.hide()
        layout.addWidget(self.savings)
        actions = QHBoxLayout()
        self.digest_button = QPushButton("Digest now")
        self.digest_button.setAccessibleName("Digest now")
        self.digest_button.setToolTip(
            "Read the documents now and write their summaries; then ask again"
        )
        self.digest_button.clicked.connect(self._digest_clicked)
        self.digest_button.hide()
        actions.addWidget(self.digest_button)
        actions.addStretch(1)
        self.copy_button = QToolButton()
        self.copy_button.setText("Copy")
        self.copy_button.setObjectName("linkButton")
        self.copy_button.setAccessibleName("Copy answer")
        self.copy_button.clicked.connect(self.copy)
        self.harder_button = QToolButton()
        self.harder_button.setText("Think harder")
        self.harder_button.setObjectName("linkButton")
        self.harder_button.setToolTip(
            "Ask again with more care: the model reads more passages one by one and "
            "chooses (slower, uses more tokens)"
        )
        self.harder_button.setAccessibleName("Think harder")
        self.harder_button.clicked.connect(lambda: self.think_harder.emit(self.question))
        self.retry_button = QToolButton()
        self.retry_button.setText("Try again")
        self.retry_button.setObjectName("linkButton")
        self.retry_button.setToolTip("Ask the same question again, the same way")
        self.retry_button.setAccessibleName("Try again")
        self.retry_button.clicked.connect(lambda: self.try_again.emit(self.question, self.mode))
        for button in (self.copy_button, self.harder_button, self.retry_button):
            button.setEnabled(False)
            button.hide()  # shown when the answer is complete (or stopped, or failed)
            actions.addWidget(button)
        layout.addLayout(actions)

    @property
    def text(self) -> str:
        return self._text

    def append(self, delta: str) -> None:
        """Streamed text, shown muted: a draft until `finish` puts the final answer in its place."""
        if not self._text:
            self.thinking.setText("Answering…")
            self.body.setStyleSheet("QLabel { color: palette(placeholder-text); }")
        self._text += delta
        self.body.setText(streamed_display(self._text))

    def finish(self, record: dict[str, Any]) -> None:
        """The final answer replaces whatever streamed, whole, in one step."""
        self.record = record
        self._text = record["answer"]
        self.body.setStyleSheet("")
        self.body.setText(self._text)
        self.thinking.hide()
        follows = str(record.get("follows") or "")
        self.follows.setText(read_with(follows) if follows else "")
        self.follows.setVisible(bool(follows))
        note = str(record.get("note") or "")
        self.note.setText(note)
        self.note.setVisible(bool(note))
        mode = record.get("mode", "raw")
        route = str(record.get("route", ""))
        abstained = is_abstention(mode, route, bool(record.get("abstained", False)))
        self.badge.set_mode(mode, route, abstained)
        self.badge.show()
        self.confidence.set_level(str(record.get("confidence") or "medium"))
        self.confidence.setVisible(self.badge.text().lower() == mode)  # an answer, not a "no"
        self.digest_button.setVisible(route == PENDING_ROUTE)
        self.digest_button.setEnabled(True)
        citations = record.get("citations", [])
        self.sources.set_citations(citations)
        self.sources.setVisible(bool(citations))
        self.savings.setText(record.get("savings_line", ""))
        self.savings.setVisible(bool(record.get("savings_line")))
        self.copy_button.setEnabled(True)
        self.copy_button.show()
        self.harder_button.setEnabled(mode != "raw")
        self.harder_button.setVisible(mode != "raw")

    def stopped(self) -> None:
        """Stopped by the person: keep what was written so far, say it is incomplete."""
        self.thinking.setText("Stopped")
        self.thinking.show()
        self.harder_button.setEnabled(True)
        self.harder_button.show()
        self.copy_button.setEnabled(bool(self._text))
        self.copy_button.setVisible(bool(self._text))

    def fail(self, message: str) -> None:
        """An answer that did not run: the message, and Try again (never Think harder, which
        promises a better answer of one there is not)."""
        self.thinking.hide()
        self.body.setText(message)
        self.body.setStyleSheet("color: #e5484d;")
        self.harder_button.setEnabled(False)
        self.harder_button.hide()
        self.retry_button.setEnabled(True)
        self.retry_button.show()

    def _digest_clicked(self) -> None:
        self.digest_button.setEnabled(False)
        self.digest_button.setText("Digest started")
        self.digest_requested.emit()

    def copy(self) -> None:
        shown = self._text if self.record is not None else streamed_display(self._text)
        QGuiApplication.clipboard().setText(shown)
        self.copy_button.setText("Copied")  # for a moment, so the click is seen to have worked
        self.copy_button.setAccessibleName("Answer copied")
        QTimer.singleShot(COPIED_MS, self._copy_label_back)

    def _copy_label_back(self) -> None:
        with contextlib.suppress(RuntimeError):  # the card may be gone (a new conversation)
            self.copy_button.setText("Copy")
            self.copy_button.setAccessibleName("Copy answer")

    def _open_citation(self, link: str) -> None:
        if self.record is None or not link.startswith("cite:"):
            return
        citations = self.record.get("citations", [])
        number = int(link.split(":", 1)[1])
        if 0 <= number < len(citations):
            self.citation_clicked.emit(citations[number])


class ChatPane(QWidget):
    ask_requested = Signal(str, str)  # question, mode
    citation_clicked = Signal(dict)
    stop_requested = Signal()
    digest_requested = Signal()  # a card's "Digest now"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Chat")
        # Below this the cards' badge and action rows no longer fit and would be clipped; the
        # splitter and the window's minimum size keep the pane at least this wide.
        self.setMinimumWidth(CHAT_MIN_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.title = ElidedTitle("New conversation")
        self.title.setObjectName("paneTitle")
        layout.addWidget(self.title)

        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("transcript")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        body.setObjectName("transcriptBody")
        self.transcript = QVBoxLayout(body)
        self.transcript.setContentsMargins(4, 4, 12, 4)
        self.transcript.setSpacing(10)
        self.empty_hint = QLabel(
            "Ask anything about your documents.\n"
            "Answers come with their sources and what they saved."
        )
        self.empty_hint.setObjectName("muted")
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.transcript.addStretch(1)
        self.transcript.addWidget(self.empty_hint)
        self.transcript.addStretch(1)
        self.scroll_area.setWidget(body)
        self.scroll_area.verticalScrollBar().rangeChanged.connect(self._stick_to_bottom)
        layout.addWidget(self.scroll_area, 1)

        composer = QFrame()
        composer.setObjectName("composer")
        row = QHBoxLayout(composer)
        row.setContentsMargins(10, 6, 6, 6)
        self.edit = QPlainTextEdit()
        self.edit.setObjectName("questionEdit")
        self.edit.setPlaceholderText("Ask about your documents…  (Ctrl+Enter to send)")
        self.edit.setAccessibleName("Question")
        self.edit.setFixedHeight(58)
        self.mode = QComboBox()
        self.mode.setAccessibleName("Answer mode")
        self.mode.setToolTip("Auto picks instant, learned or raw for each question")
        for label, value in MODE_CHOICES:
            self.mode.addItem(label, value)
        self.send = QPushButton("Ask")
        self.send.setObjectName("primary")
        self.send.setAccessibleName("Ask")
        self.send.setDefault(True)
        self.send.clicked.connect(self._send_clicked)
        side = QVBoxLayout()
        side.addWidget(self.mode)
        side.addWidget(self.send)
        row.addWidget(self.edit, 1)
        row.addLayout(side)
        layout.addWidget(composer)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self.edit)
            shortcut.activated.connect(self.submit)
        self.cards: list[AnswerCard] = []
        self.busy = False

    def _stick_to_bottom(self, _minimum: int, maximum: int) -> None:
        self.scroll_area.verticalScrollBar().setValue(maximum)

    def submit(self) -> None:
        question = self.edit.toPlainText().strip()
        if not question or self.busy:
            return
        self.edit.clear()
        self.ask_requested.emit(question, self.mode.currentData())

    def _send_clicked(self) -> None:
        if self.busy:
            self.stop_requested.emit()
        else:
            self.submit()

    def _think_harder(self, question: str) -> None:
        """Ask again with Think harder ("harder": the window's name for it, not an answer mode;
        raw reading only with a large model, see `answer/harder.py`)."""
        if not self.busy:  # one answer at a time, like the Ask button
            self.ask_requested.emit(question, HARDER)

    def _try_again(self, question: str, mode: str) -> None:
        """A failed answer's Try again: the same question in the same mode."""
        if not self.busy:
            self.ask_requested.emit(question, mode)

    def set_busy(self, busy: bool) -> None:
        """While an answer streams, the Ask button becomes Stop."""
        self.busy = busy
        self.send.setText("Stop" if busy else "Ask")
        self.send.setAccessibleName("Stop answering" if busy else "Ask")
        self.send.setToolTip("Stop this answer" if busy else "Ask (Ctrl+Enter)")

    def clear(self, title: str = "New conversation") -> None:
        while self.transcript.count() > 3:
            item = self.transcript.takeAt(1)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.cards = []
        self.empty_hint.show()
        self.title.setText(title or "New conversation")

    def _insert(self, widget: QWidget, align_right: bool = False) -> None:
        self.empty_hint.hide()
        holder = QHBoxLayout()
        if align_right:
            holder.addStretch(1)
            widget.setMaximumWidth(560)
        holder.addWidget(widget, 0 if align_right else 1)
        wrapper = QWidget()
        wrapper.setLayout(holder)
        holder.setContentsMargins(0, 0, 0, 0)
        self.transcript.insertWidget(self.transcript.count() - 2, wrapper)

    def add_question(self, text: str) -> QuestionBubble:
        bubble = QuestionBubble(text)
        bubble.fit(self._bubble_room())
        self._insert(bubble, align_right=True)
        return bubble

    def _bubble_room(self) -> int:
        """How wide a question's text may be: the transcript less margins and a left gap."""
        margins = self.transcript.contentsMargins()
        width = self.scroll_area.viewport().width() - margins.left() - margins.right()
        return width - 24 - 48  # the bubble's own padding, and room to see it is on the right

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        room = self._bubble_room()
        for bubble in self.findChildren(QuestionBubble):
            bubble.fit(room)

    def add_answer(self, question: str, mode: str = AUTO) -> AnswerCard:
        card = AnswerCard(question, mode)
        card.citation_clicked.connect(self.citation_clicked)
        card.think_harder.connect(self._think_harder)
        card.try_again.connect(self._try_again)
        card.digest_requested.connect(self.digest_requested)
        self._insert(card)
        self.cards.append(card)
        QTimer.singleShot(
            0, lambda: self._stick_to_bottom(0, self.scroll_area.verticalScrollBar().maximum())
        )
        return card
