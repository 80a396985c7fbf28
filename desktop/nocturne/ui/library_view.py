"""The library pane: documents with their state, drag and drop, and the first-run welcome.

Rows are painted by a delegate (name, detail line, a coloured state pill, a thin progress bar
while digesting) so that a long library stays quick to scroll. A filter bar above the list keeps
the rows whose name holds the text typed, in a state (ready, waiting, needs OCR, error) and of a
type (PDF, Markdown, ...); the model filters its rows in one pass (`matching_rows`), quick with
ten thousand documents. Everything the pane wants done is a signal; the main window runs it in a
worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QFontMetrics,
    QPainter,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nocturne.paths import display_path
from nocturne.ui.background_digest import format_eta
from nocturne.ui.core_calls import DocumentRow
from nocturne.ui.icons import app_icon
from nocturne.ui.style import STATE_COLOURS

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
ETA_ROLE = Qt.ItemDataRole.UserRole + 2  # seconds until the running digest is done with it
AnyIndex = QModelIndex | QPersistentModelIndex
KIND_COLOURS = {
    "PDF": "#e5484d",
    "DOCX": "#3e63dd",
    "DOC": "#3e63dd",
    "WEB": "#f76b15",
    "MD": "#12a594",
    "TXT": "#8b8d98",
}
STATE_LABELS = {
    "queued": "Queued",
    "digesting": "Digesting",
    "ready": "Ready",
    "stale": "Stale",
    "error": "Error",
    "needs_ocr": "Needs OCR",  # scanned pages wait for the digest to read them
}
# The filter's states: what a person tells apart ("waiting" is every state short of ready).
STATE_FILTERS = {
    "ready": ("Ready", frozenset({"ready"})),
    "waiting": ("Waiting", frozenset({"queued", "digesting", "stale"})),
    "needs_ocr": ("Needs OCR", frozenset({"needs_ocr"})),
    "error": ("Error", frozenset({"error"})),
}
# The filter's types, in the order the menu lists them (those in the library only).
TYPE_LABELS = {
    "pdf": "PDF",
    "md": "Markdown",
    "txt": "Text",
    "html": "Web page",
    "docx": "Word",
    "epub": "EPUB",
    "image": "Image",
    "code": "Code",
    "other": "Other",
}
MARKDOWN_SUFFIXES = frozenset({"md", "markdown", "mdown", "mkd"})


def document_type(row: DocumentRow) -> str:
    """The row's type for the filter: its loader's kind, text told apart as Markdown or not."""
    if row.kind == "text":
        suffix = row.name.rsplit(".", 1)[-1].lower() if "." in row.name else ""
        return "md" if suffix in MARKDOWN_SUFFIXES else "txt"
    return row.kind if row.kind in TYPE_LABELS else "other"


@dataclass(frozen=True)
class DocumentFilter:
    """What the filter bar asks for; empty parts match everything."""

    text: str = ""  # a part of the name, any case
    state: str = ""  # a key of STATE_FILTERS
    kind: str = ""  # a key of TYPE_LABELS

    @property
    def active(self) -> bool:
        return bool(self.text.strip() or self.state or self.kind)


def matching_rows(rows: Sequence[DocumentRow], wanted: DocumentFilter) -> list[DocumentRow]:
    """The rows `wanted` keeps, in their order: one pass over the list."""
    if not wanted.active:
        return list(rows)
    text = wanted.text.strip().casefold()
    states = STATE_FILTERS[wanted.state][1] if wanted.state in STATE_FILTERS else None
    return [
        row
        for row in rows
        if (states is None or row.state in states)
        and (not text or text in row.name.casefold())
        and (not wanted.kind or document_type(row) == wanted.kind)
    ]


def eta_words(state: str, seconds: float | None) -> str:
    """A document's remaining time in the running digest: "about 40 s left" for the one being
    read, "digested in about 3 min" for one queued behind it; "" without an estimate."""
    left = format_eta(seconds)
    if not left or state == "digesting":
        return left
    return "digested in " + left.removesuffix(" left")


def detail_line(row: DocumentRow, eta_s: float | None = None) -> str:
    """The row's second line. While a digest runs, its progress and time left come first: the
    line is cut at the end to the pane's width, and they are what changes."""
    if row.state == "error":
        return row.error or "could not be added"
    progress = row.state == "digesting" and row.progress is not None
    digest = [f"{row.progress:.0%} digested"] if progress and row.progress is not None else []
    if row.state != "ready":
        digest.append(eta_words(row.state, eta_s))
    parts = [p for p in digest if p]
    if row.page_problems:
        parts.append(unread_pages(row))
    if row.pages:
        parts.append(plural(row.pages, "page"))
    parts.append(plural(row.chunk_count, "passage"))
    parts.append(plural(row.token_count, "token"))
    if row.error and not progress:
        parts.append(f"last update failed: {row.error}")
    return " · ".join(parts)


def unread_pages(row: DocumentRow) -> str:
    """Which scanned pages OCR could not read, short: "OCR could not read p. 2"."""
    pages = [page for page, _ in row.page_problems]
    if len(pages) > 3:
        return f"OCR could not read {len(pages)} pages"
    return "OCR could not read p. " + ", ".join(str(page) for page in pages)


def page_problem_lines(row: DocumentRow) -> list[str]:
    """Each page OCR could not read, with why ("p. 2: OCR found no text on this page")."""
    return [f"p. {page}: {why or 'no reason was recorded'}" for page, why in row.page_problems]


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def row_tooltip(row: DocumentRow) -> str:
    """The whole name and path, and the whole error (the row cuts both to its width)."""
    tip = f"{row.name}\n{display_path(row.path)}"  # a name that is not UTF-8 shows U+FFFD
    if row.error:
        what = "Could not be read" if row.state == "error" else "The last update failed"
        tip += f"\n\n{what}: {row.error}\n(right-click for Details… or Try again)"
    if row.page_problems:
        tip += "\n\nOCR could not read:\n" + "\n".join(page_problem_lines(row))
    return tip


class DocumentModel(QAbstractListModel):
    """Every document (`rows`); the list shows those the filter keeps (`shown`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[DocumentRow] = []
        self.shown: list[DocumentRow] = []
        self.filter = DocumentFilter()
        self.etas: dict[int, float] = {}

    def set_rows(self, rows: list[DocumentRow]) -> None:
        if rows == self.rows:
            return
        self.beginResetModel()
        self.rows = list(rows)
        self.shown = matching_rows(self.rows, self.filter)
        self.endResetModel()

    def set_filter(self, wanted: DocumentFilter) -> None:
        if wanted == self.filter:
            return
        shown = matching_rows(self.rows, wanted)
        self.filter = wanted
        if shown == self.shown:
            return
        self.beginResetModel()
        self.shown = shown
        self.endResetModel()

    def set_etas(self, etas: dict[int, float]) -> None:
        """Per document id, seconds until the running digest is done with it (from the
        digest's snapshot, which arrives more often than the rows do)."""
        if etas == self.etas:
            return
        self.etas = dict(etas)
        if self.shown:
            self.dataChanged.emit(self.index(0), self.index(len(self.shown) - 1))

    def eta(self, row: DocumentRow) -> float | None:
        return self.etas.get(row.id)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.shown)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.shown[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.name
        if role == Qt.ItemDataRole.AccessibleTextRole:
            detail = detail_line(row, self.eta(row))
            return f"{row.name}, {STATE_LABELS.get(row.state, row.state)}: {detail}"
        if role == ETA_ROLE:
            return self.eta(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row_tooltip(row)
        if role == ROW_ROLE:
            return row
        return None


class DocumentDelegate(QStyledItemDelegate):
    HEIGHT = 54

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        return QSize(200, self.HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        row: DocumentRow = index.data(ROW_ROLE)
        palette: QPalette = option.palette
        rect: QRect = option.rect
        state = option.state
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = rect.adjusted(4, 2, -4, -2)
        selected = bool(state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
        elif state & QStyle.StateFlag.State_MouseOver:
            painter.setBrush(palette.color(QPalette.ColorRole.AlternateBase))
        else:
            painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(card, 8, 8)
        text_colour = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = text_colour if selected else palette.color(QPalette.ColorRole.PlaceholderText)

        colour = QColor(STATE_COLOURS.get(row.state, "#8b8d98"))
        badge = self._kind_badge(row)
        kind_colour = QColor(KIND_COLOURS.get(badge, "#6e56cf"))
        badge_rect = QRect(card.left() + 8, card.top() + 9, 32, 32)
        tint = QColor(kind_colour)
        tint.setAlpha(36)
        painter.setBrush(tint if not selected else QColor(255, 255, 255, 60))
        painter.drawRoundedRect(badge_rect, 7, 7)
        font = painter.font()
        small = painter.font()
        small.setPointSizeF(max(7.0, font.pointSizeF() * 0.78))
        bold_small = painter.font()
        bold_small.setPointSizeF(max(7.0, font.pointSizeF() * 0.72))
        bold_small.setBold(True)
        painter.setFont(bold_small)
        painter.setPen(kind_colour if not selected else text_colour)
        painter.drawText(badge_rect, Qt.AlignmentFlag.AlignCenter, badge)

        label = STATE_LABELS.get(row.state, row.state.title())
        painter.setFont(bold_small)
        pill_w = QFontMetrics(bold_small).horizontalAdvance(label) + 16
        pill = QRect(card.right() - pill_w - 8, card.top() + 8, pill_w, 18)
        painter.setPen(Qt.PenStyle.NoPen)
        pill_colour = QColor(colour)
        pill_colour.setAlpha(40 if not selected else 90)
        painter.setBrush(pill_colour)
        painter.drawRoundedRect(pill, 9, 9)
        painter.setPen(colour if not selected else text_colour)
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)

        left = badge_rect.right() + 10
        name_font = painter.font()
        name_font.setPointSizeF(font.pointSizeF())
        name_font.setBold(True)
        name_font.setWeight(name_font.Weight.DemiBold)
        painter.setFont(name_font)
        painter.setPen(text_colour)
        name_rect = QRect(left, card.top() + 6, pill.left() - left - 6, 20)
        name = QFontMetrics(name_font).elidedText(
            row.name, Qt.TextElideMode.ElideRight, name_rect.width()
        )
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignVCenter, name)

        painter.setFont(small)
        detail_rect = QRect(left, card.top() + 26, card.right() - left - 8, 18)
        painter.setPen(
            QColor(STATE_COLOURS["error"]) if row.state == "error" and not selected else muted
        )
        detail = QFontMetrics(small).elidedText(
            detail_line(row, index.data(ETA_ROLE)), Qt.TextElideMode.ElideRight, detail_rect.width()
        )
        painter.drawText(detail_rect, Qt.AlignmentFlag.AlignVCenter, detail)

        if row.state == "digesting" and row.progress is not None:
            track = QRect(left, card.bottom() - 5, card.right() - left - 8, 3)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Midlight))
            painter.drawRoundedRect(track, 1.5, 1.5)
            done = QRect(track)
            done.setWidth(int(track.width() * max(0.0, min(1.0, row.progress))))
            painter.setBrush(colour)
            painter.drawRoundedRect(done, 1.5, 1.5)
        painter.restore()

    @staticmethod
    def _kind_badge(row: DocumentRow) -> str:
        suffix = row.name.rsplit(".", 1)[-1].upper() if "." in row.name else row.kind.upper()
        return {"MARKDOWN": "MD", "HTML": "WEB", "HTM": "WEB"}.get(suffix, suffix[:4] or "DOC")


class WelcomePage(QWidget):
    """What an empty library shows: what Nocturne does, and two ways to start.

    Its words never overlap or get cut where the pane is short (a 1000×700 window): the mark
    gives way first, and what still does not fit scrolls."""

    add_clicked = Signal()
    samples_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("welcomeScroll")
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body = QWidget()
        self.body.setObjectName("welcomeBody")
        layout = QVBoxLayout(self.body)
        self.body_layout = layout
        layout.setContentsMargins(18, 16, 18, 16)
        layout.addStretch(1)
        self.mark = QLabel()
        self.mark.setPixmap(app_icon().pixmap(72, 72))
        self.mark.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.mark)
        title = QLabel("Welcome to Nocturne")
        title.setObjectName("welcomeTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = QLabel(
            "Drop documents here — PDFs, Word, EPUB books, text, Markdown, web pages. Nocturne "
            "reads them and learns what they say, so your questions are answered at once, "
            "with sources, for a fraction of the tokens."
        )
        self.text.setWordWrap(True)
        self.text.setObjectName("muted")
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.plan = QLabel("")
        self.plan.setWordWrap(True)
        self.plan.setObjectName("welcomePlan")
        self.plan.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.plan.setAccessibleName("When documents are digested")
        self.plan.hide()
        self.add_button = QPushButton("Add documents…")
        self.add_button.setObjectName("primary")
        self.add_button.setDefault(True)
        self.add_button.setAccessibleName("Add documents")
        self.samples_button = QPushButton("Try the sample documents")
        self.samples_button.setAccessibleName("Try the sample documents")
        self.add_button.clicked.connect(self.add_clicked)
        self.samples_button.clicked.connect(self.samples_clicked)
        for widget in (title, self.text, self.plan):
            layout.addWidget(widget)
        layout.addSpacing(12)
        for button in (self.add_button, self.samples_button):
            button.setMinimumHeight(32)
            layout.addWidget(button)
        hint = QLabel("or drag files and folders onto this window")
        hint.setObjectName("muted")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addStretch(2)
        self.scroll_area.setWidget(self.body)
        outer.addWidget(self.scroll_area)
        # As wide as the title on one line (as before it scrolled), a scroll bar beside it.
        scroll_bar = self.scroll_area.verticalScrollBar().sizeHint().width()
        self.setMinimumWidth(self.body.minimumSizeHint().width() + scroll_bar)

    def words_height(self, width: int) -> int:
        """The height the words and buttons need at this width, without the mark."""
        layout = self.body_layout
        margins = layout.contentsMargins()
        inner = width - margins.left() - margins.right()
        total, shown = margins.top() + margins.bottom(), 0
        for index in range(layout.count()):
            item = layout.itemAt(index)
            widget = item.widget() if item is not None else None
            if widget is None:
                total += item.sizeHint().height() if item is not None else 0  # the spacing
            elif widget is not self.mark and not widget.isHidden():
                shown += 1
                total += (
                    widget.heightForWidth(inner)
                    if widget.hasHeightForWidth()
                    else widget.sizeHint().height()
                )
        return total + layout.spacing() * max(0, shown - 1)

    def _fit(self) -> None:
        """The mark only where the words and buttons fit with it, at the page's whole width."""
        mark = self.mark.sizeHint().height() + self.body_layout.spacing()
        self.mark.setVisible(self.words_height(self.width()) + mark <= self.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()

    def set_plan(self, text: str) -> None:
        """When documents added now will be digested (from the settings)."""
        self.plan.setText(text)
        self.plan.setVisible(bool(text))
        self._fit()


class FilterBar(QWidget):
    """Name, state and type filters above the list; `changed` carries a DocumentFilter."""

    changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter by name")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Filter documents by name")
        self.state = QComboBox()
        self.state.setAccessibleName("Show documents in this state")
        self.state.addItem("All states", "")
        for key, (label, _states) in STATE_FILTERS.items():
            self.state.addItem(label, key)
        self.kind = QComboBox()
        self.kind.setAccessibleName("Show documents of this type")
        self.kind.addItem("All types", "")
        self._kinds: tuple[str, ...] = ()
        choices = QHBoxLayout()
        choices.setSpacing(4)
        for combo in (self.state, self.kind):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(6)
            choices.addWidget(combo, 1)
        layout.addWidget(self.search)
        layout.addLayout(choices)
        self.search.textChanged.connect(self._emit)
        self.state.currentIndexChanged.connect(self._emit)
        self.kind.currentIndexChanged.connect(self._emit)

    def current(self) -> DocumentFilter:
        return DocumentFilter(
            self.search.text(),
            str(self.state.currentData() or ""),
            str(self.kind.currentData() or ""),
        )

    def set_types(self, kinds: set[str]) -> None:
        """The type menu lists the types in the library (the one chosen stays while it is)."""
        ordered = tuple(k for k in TYPE_LABELS if k in kinds)
        if ordered == self._kinds:
            return
        self._kinds = ordered
        chosen = str(self.kind.currentData() or "")
        self.kind.blockSignals(True)
        self.kind.clear()
        self.kind.addItem("All types", "")
        for key in ordered:
            self.kind.addItem(TYPE_LABELS[key], key)
        self.kind.setCurrentIndex(max(0, self.kind.findData(chosen)) if chosen in ordered else 0)
        self.kind.blockSignals(False)
        if chosen and chosen not in ordered:
            self._emit()

    def _emit(self, *_args: Any) -> None:
        self.changed.emit(self.current())


class LibraryPane(QWidget):
    add_paths_requested = Signal(list)
    add_files_clicked = Signal()
    add_folder_clicked = Signal()
    samples_clicked = Signal()
    remove_requested = Signal(int)
    open_requested = Signal(str)
    reveal_requested = Signal(str)
    retry_requested = Signal(str)  # a path to add again
    details_requested = Signal(object)  # the DocumentRow whose error to show whole
    digest_document_requested = Signal(int)  # "Digest this document now"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setAccessibleName("Library")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        header = QHBoxLayout()
        title = QLabel("Library")
        title.setObjectName("paneTitle")
        self.count_label = QLabel("")
        self.count_label.setObjectName("muted")
        self.add_button = QToolButton()
        self.add_button.setText("Add")
        self.add_button.setToolTip("Add documents (Ctrl+O)")
        self.add_button.setAccessibleName("Add documents")
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        menu = QMenu(self.add_button)
        menu.addAction("Add files…", self.add_files_clicked.emit)
        menu.addAction("Add a folder…", self.add_folder_clicked.emit)
        menu.addSeparator()
        menu.addAction("Add the sample documents", self.samples_clicked.emit)
        self.add_button.setMenu(menu)
        self.add_button.clicked.connect(self.add_files_clicked)
        header.addWidget(title)
        header.addWidget(self.count_label)
        header.addStretch(1)
        header.addWidget(self.add_button)
        layout.addLayout(header)
        self.filter_bar = FilterBar()
        self.filter_bar.changed.connect(self._filter_changed)
        self.filter_bar.hide()  # until there are documents
        layout.addWidget(self.filter_bar)

        self.model = DocumentModel(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(DocumentDelegate(self.view))
        self.view.setAccessibleName("Documents")
        self.view.setMouseTracking(True)
        self.view.setUniformItemSizes(True)
        self.view.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.doubleClicked.connect(lambda index: self._activated(index.data(ROW_ROLE)))
        self.welcome = WelcomePage()
        self.welcome.add_clicked.connect(self.add_files_clicked)
        self.welcome.samples_clicked.connect(self.samples_clicked)
        self.no_match = QLabel("No documents match the filter.")
        self.no_match.setObjectName("muted")
        self.no_match.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.no_match.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.no_match)
        layout.addWidget(self.stack, 1)

        self.remove_action = QAction("Remove from library", self)
        self.remove_action.setShortcut(Qt.Key.Key_Delete)
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.remove_action.triggered.connect(self._remove_selected)
        self.view.addAction(self.remove_action)

    # -- rows ------------------------------------------------------------------------------

    def set_rows(self, rows: list[DocumentRow]) -> None:
        self.model.set_rows(rows)
        self.filter_bar.setVisible(bool(rows))
        self.filter_bar.set_types({document_type(r) for r in rows})
        self._show_counts()

    def _filter_changed(self, wanted: DocumentFilter) -> None:
        self.model.set_filter(wanted)
        self._show_counts()

    def _show_counts(self) -> None:
        rows, shown = self.model.rows, self.model.shown
        if not rows:
            self.stack.setCurrentWidget(self.welcome)
        else:
            self.stack.setCurrentWidget(self.view if shown else self.no_match)
        errors = sum(1 for r in rows if r.state == "error")
        text = f"{len(rows):,} document{'s' if len(rows) != 1 else ''}" if rows else ""
        if self.model.filter.active and rows:
            text = f"{len(shown):,} of {text}"
        elif errors:
            text += f", {errors:,} with errors"
        self.count_label.setText(text)

    @property
    def is_welcome(self) -> bool:
        return self.stack.currentWidget() is self.welcome

    def selected_row(self) -> DocumentRow | None:
        index = self.view.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def _remove_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.remove_requested.emit(row.id)

    def _open(self, row: DocumentRow | None) -> None:
        if row is not None:
            self.open_requested.emit(row.path)

    def _activated(self, row: DocumentRow | None) -> None:
        """Double-click: a broken document shows what went wrong; others open."""
        if row is not None and row.state == "error":
            self.details_requested.emit(row)
        else:
            self._open(row)

    def menu_for(self, row: DocumentRow) -> QMenu:
        menu = QMenu(self)
        if row.error or row.page_problems:
            menu.addAction("Details…", lambda: self.details_requested.emit(row))
        if row.error:
            menu.addAction("Try again", lambda: self.retry_requested.emit(row.path))
        if row.error or row.page_problems:
            menu.addSeparator()
        if row.state not in ("ready", "error"):
            menu.addAction(
                "Digest this document now", lambda: self.digest_document_requested.emit(row.id)
            )
            menu.addSeparator()
        menu.addAction("Open original", lambda: self.open_requested.emit(row.path))
        menu.addAction("Show in folder", lambda: self.reveal_requested.emit(row.path))
        menu.addSeparator()
        menu.addAction("Remove from library", lambda: self.remove_requested.emit(row.id))
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        row: DocumentRow = index.data(ROW_ROLE)
        self.menu_for(row).exec(self.view.viewport().mapToGlobal(pos))

    # -- drag and drop ---------------------------------------------------------------------

    def set_drop_highlight(self, on: bool) -> None:
        """A dashed outline while files are dragged over the window: they will land here."""
        self.stack.setStyleSheet(
            "QStackedWidget { border: 2px dashed palette(highlight); border-radius: 10px; }"
            if on
            else ""
        )

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
            self.set_drop_highlight(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        event.acceptProposedAction()

    def dragLeaveEvent(self, event: Any) -> None:
        self.set_drop_highlight(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self.set_drop_highlight(False)
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_paths_requested.emit(paths)
