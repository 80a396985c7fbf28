"""The library pane: documents with their state, drag and drop, and the first-run welcome.

Rows are painted by a delegate (name, detail line, a coloured state pill, a thin progress bar
while digesting) so that a long library stays quick to scroll. Everything the pane wants done is
a signal; the main window runs it in a worker.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
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
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nocturne.paths import display_path
from nocturne.ui.backend import DocumentRow
from nocturne.ui.background import format_eta
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
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[DocumentRow] = []
        self.etas: dict[int, float] = {}

    def set_rows(self, rows: list[DocumentRow]) -> None:
        if rows == self.rows:
            return
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def set_etas(self, etas: dict[int, float]) -> None:
        """Per document id, seconds until the running digest is done with it (from the
        digest's snapshot, which arrives more often than the rows do)."""
        if etas == self.etas:
            return
        self.etas = dict(etas)
        if self.rows:
            self.dataChanged.emit(self.index(0), self.index(len(self.rows) - 1))

    def eta(self, row: DocumentRow) -> float | None:
        return self.etas.get(row.id)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
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
    """What an empty library shows: what Nocturne does, and two ways to start."""

    add_clicked = Signal()
    samples_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 24, 18, 24)
        layout.addStretch(1)
        mark = QLabel()
        mark.setPixmap(app_icon().pixmap(72, 72))
        mark.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(mark)
        title = QLabel("Welcome to Nocturne")
        title.setObjectName("welcomeTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(
            "Drop documents here — PDFs, Word, EPUB books, text, Markdown, web pages. Nocturne "
            "reads them and learns what they say, so your questions are answered at once, "
            "with sources, for a fraction of the tokens."
        )
        text.setWordWrap(True)
        text.setObjectName("muted")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
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
        for widget in (title, text, self.plan):
            layout.addWidget(widget)
        layout.addSpacing(12)
        for button in (self.add_button, self.samples_button):
            button.setMinimumHeight(32)
            layout.addWidget(button)
        hint = QLabel("or drag files and folders onto this window")
        hint.setObjectName("muted")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(hint)
        layout.addStretch(2)

    def set_plan(self, text: str) -> None:
        """When documents added now will be digested (from the settings)."""
        self.plan.setText(text)
        self.plan.setVisible(bool(text))


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
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.view)
        layout.addWidget(self.stack, 1)

        self.remove_action = QAction("Remove from library", self)
        self.remove_action.setShortcut(Qt.Key.Key_Delete)
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.remove_action.triggered.connect(self._remove_selected)
        self.view.addAction(self.remove_action)

    # -- rows ------------------------------------------------------------------------------

    def set_rows(self, rows: list[DocumentRow]) -> None:
        self.model.set_rows(rows)
        self.stack.setCurrentWidget(self.view if rows else self.welcome)
        errors = sum(1 for r in rows if r.state == "error")
        text = f"{len(rows)} document{'s' if len(rows) != 1 else ''}" if rows else ""
        if errors:
            text += f", {errors} with errors"
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
