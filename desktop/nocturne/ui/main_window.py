"""The main window: library, conversations, chat and savings side by side, digest in the status bar.

The window never touches the disk or a model itself: every request becomes a task on one of two
worker pools (disk, model) and comes back as a signal. Refreshes are polled from the library
every couple of seconds, so documents added by the CLI or digested by the daemon show up too.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QWidget,
)

from nocturne import __version__, paths
from nocturne.library.backups import Recovery
from nocturne.library.ingest import IngestResult
from nocturne.library.loaders import SUPPORTED_SUFFIXES
from nocturne.settings import Settings
from nocturne.ui.background_digest import Background, DigestSnapshot, digest_plan
from nocturne.ui.chat_actions import ChatActions
from nocturne.ui.chat_view import ChatPane
from nocturne.ui.conversation_list import ConversationList
from nocturne.ui.core_calls import Backend
from nocturne.ui.digest_actions import DigestActions
from nocturne.ui.digest_status_bar import DigestStatus
from nocturne.ui.icons import app_icon
from nocturne.ui.library_view import LibraryPane, page_problem_lines
from nocturne.ui.repair import REPAIR_ARGS, AddAgain, DamageNotice
from nocturne.ui.resources import samples_dir
from nocturne.ui.savings_view import SavingsPane
from nocturne.ui.settings_dialog import SettingsDialog
from nocturne.ui.tray import Tray
from nocturne.ui.workers import TaskRunner

log = logging.getLogger(__name__)

REFRESH_MS = 2000
DIGEST_POLL_MS = 1000
MINIMUM_SIZE = (960, 640)
"""The smallest window whose panes, cards, tiles and charts all still fit (enforced)."""


class StatusNotice(QLabel):
    """The status bar's passing message ("Added 3 documents", "Restored the backup of …"),
    shown left of the digest's line. QStatusBar draws its message only in the room its
    permanent widgets leave, and the digest's line takes it all, so every message was set and
    never seen. At most `room` pixels wide, cut at its end, the whole in its tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusNotice")  # set apart from the digest's line (style.py)
        self.setAccessibleName("Status message")
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        self.full_text = ""
        self.room = 480
        self.hide()

    def say(self, text: str) -> None:
        self.full_text = text
        self._fit()
        self.setVisible(bool(text))

    def set_room(self, room: int) -> None:
        self.room = max(120, room)
        self._fit()

    def _fit(self) -> None:
        shown = self.fontMetrics().elidedText(
            self.full_text,
            Qt.TextElideMode.ElideRight,
            self.room - 16,  # its padding
        )
        self.setText(shown)
        self.setToolTip(self.full_text if shown != self.full_text else "")
        self.setAccessibleDescription(self.full_text)


def documents_filter() -> str:
    """The file dialog's filter: every suffix the loaders read (PDF, Word, EPUB, text, code…)."""
    patterns = " ".join(f"*{suffix}" for suffix in sorted(SUPPORTED_SUFFIXES))
    return f"Documents ({patterns});;All files (*)"


def citation_url(citation: dict[str, Any]) -> QUrl:
    """The original file, at the cited page for PDFs (viewers honour `#page=N`)."""
    url = QUrl.fromLocalFile(citation.get("path") or "")
    if citation.get("page") and str(citation.get("path", "")).lower().endswith(".pdf"):
        url.setFragment(f"page={citation['page']}")
    return url


class MainWindow(ChatActions, DigestActions, QMainWindow):
    documents_changed = Signal()
    answer_finished = Signal(dict)
    snapshot_changed = Signal(object)

    def __init__(
        self,
        backend: Backend,
        background: Background,
        settings: Settings,
        tray: Tray | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.backend = backend
        self.background = background
        self.settings = settings
        self.tray = tray
        self.disk = TaskRunner(3, self)
        self.model = TaskRunner(1, self)
        # What to start again once this window has quit (`run_gui` does it): the repair.
        self.restart_args: list[str] | None = None
        self.damage = DamageNotice(self, self.restart_to_repair)
        self.disk.library_damaged.connect(self.damage.show)
        self.model.library_damaged.connect(self.damage.show)
        self.open_url: Callable[[QUrl], Any] = QDesktopServices.openUrl
        self.quit_hook: Callable[[], Any] = QApplication.quit
        self.conversation_id: int | None = None
        self.snapshot = DigestSnapshot("idle")
        self.quitting = False
        self._refreshing = False
        self._polling = False
        self._told_about_tray = False
        self.setWindowTitle("Nocturne")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self._build()
        self.setMinimumSize(*MINIMUM_SIZE)
        self._menus()
        self._timers()
        self._restore_geometry()
        self.refresh()
        self.refresh_conversations()
        self.refresh_savings()

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.library = LibraryPane()
        self.conversations = ConversationList()
        self.chat = ChatPane()
        self.savings = SavingsPane()
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.library)
        left.addWidget(self.conversations)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 2)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.chat)
        self.splitter.addWidget(self.savings)
        # All three panes share a resize in proportion, so a narrow window keeps the chat readable.
        for pane in range(3):
            self.splitter.setStretchFactor(pane, 1)
        self.splitter.setSizes([330, 640, 310])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self.library.welcome.set_plan(digest_plan(self.settings))
        self.savings.set_prices(
            self.settings.reference_price_per_million, self.settings.question_token_factor
        )
        self.notice = StatusNotice()
        self.statusBar().addPermanentWidget(self.notice)
        self.statusBar().messageChanged.connect(self.notice.say)
        self.digest_status = DigestStatus()
        self.statusBar().addPermanentWidget(self.digest_status, 1)
        self.statusBar().setSizeGripEnabled(True)

        self.library.add_paths_requested.connect(self.add_paths)
        self.library.add_files_clicked.connect(self.choose_files)
        self.library.add_folder_clicked.connect(self.choose_folder)
        self.library.samples_clicked.connect(self.add_samples)
        self.library.remove_requested.connect(self.remove_document)
        self.library.open_requested.connect(self.open_document)
        self.library.reveal_requested.connect(self.show_in_folder)
        self.library.retry_requested.connect(lambda p: self.add_paths([p]))
        self.library.details_requested.connect(self.show_document_error)
        self.library.digest_document_requested.connect(self.digest_document_now)
        self.conversations.selected.connect(self.open_conversation)
        self.conversations.new_requested.connect(self.new_conversation)
        self.conversations.delete_requested.connect(self.delete_conversation)
        self.chat.ask_requested.connect(self.ask)
        self.chat.stop_requested.connect(self.stop_answer)
        self.chat.digest_requested.connect(self.digest_now)  # a card's "Digest now"
        self.chat.citation_clicked.connect(self.open_citation)
        self.digest_status.digest_now_clicked.connect(self.digest_now)
        self.digest_status.pause_hour_clicked.connect(self.pause_hour)
        self.digest_status.pause_tomorrow_clicked.connect(self.pause_tomorrow)
        self.digest_status.resume_clicked.connect(self.resume_digest)
        if self.tray is not None:
            self.tray.open_requested.connect(self.bring_to_front)
            self.tray.digest_now_requested.connect(self.digest_now)
            self.tray.pause_hour_requested.connect(self.pause_hour)
            self.tray.pause_tomorrow_requested.connect(self.pause_tomorrow)
            self.tray.resume_requested.connect(self.resume_digest)
            self.tray.quit_requested.connect(self.quit_app)

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.add_action = self._add(
            file_menu, "&Add documents…", self.choose_files, QKeySequence.StandardKey.Open
        )
        self._add(file_menu, "Add a &folder…", self.choose_folder, "Ctrl+Shift+O")
        self._add(file_menu, "Add the &sample documents", self.add_samples)
        file_menu.addSeparator()
        self._add(file_menu, "&New chat", self.new_conversation, QKeySequence.StandardKey.New)
        file_menu.addSeparator()
        self.settings_action = self._add(file_menu, "&Settings…", self.open_settings, "Ctrl+,")
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        file_menu.addSeparator()
        self.quit_action = self._add(file_menu, "&Quit", self.quit_app, "Ctrl+Q")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        digest_menu = self.menuBar().addMenu("&Digest")
        self._add(digest_menu, "Digest &now", self.digest_now)
        self._add(digest_menu, "Pause 1 &hour", self.pause_hour)
        self._add(digest_menu, "Pause until &tomorrow", self.pause_tomorrow)
        self._add(digest_menu, "&Resume", self.resume_digest)
        help_menu = self.menuBar().addMenu("&Help")
        self._add(help_menu, "&About Nocturne", self.about)

    def _add(self, menu: Any, text: str, slot: Callable[[], Any], shortcut: Any = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _timers(self) -> None:
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(REFRESH_MS)
        self.refresh_timer.timeout.connect(self.refresh)
        self.refresh_timer.start()
        self.digest_timer = QTimer(self)
        self.digest_timer.setInterval(DIGEST_POLL_MS)
        self.digest_timer.timeout.connect(self.poll_digest)
        self.digest_timer.start()

    # -- geometry ----------------------------------------------------------------------------

    @staticmethod
    def window_state() -> QSettings:
        return QSettings(str(paths.config_dir() / "window.ini"), QSettings.Format.IniFormat)

    def _first_size(self) -> QSize:
        """1280×800, or the screen's available area where that is smaller (a 1000×700
        screen would otherwise hide the question box and the status bar)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return QSize(1280, 800)
        area = screen.availableGeometry()
        return QSize(min(1280, area.width()), min(800, area.height())).expandedTo(
            self.minimumSize()
        )

    def _restore_geometry(self) -> None:
        state = self.window_state()
        geometry = state.value("geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(self._first_size())
        splitter = state.value("splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)

    def save_geometry(self) -> None:
        state = self.window_state()
        state.setValue("geometry", self.saveGeometry())
        state.setValue("splitter", self.splitter.saveState())
        state.sync()

    # -- library -----------------------------------------------------------------------------

    def refresh(self) -> None:
        if self._refreshing:
            return
        self._refreshing = True

        def done(rows: Any) -> None:
            self._refreshing = False
            self.library.set_rows(rows)
            self.documents_shown()
            self.documents_changed.emit()

        def failed(message: str) -> None:
            self._refreshing = False
            self.statusBar().showMessage(message, 8000)

        self.disk.submit(lambda _r: self.backend.documents(), done, failed)

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self,
            "Add documents",
            str(Path.home()),
            documents_filter(),
        )
        if files:
            self.add_paths(files)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder", str(Path.home()))
        if folder:
            self.add_paths([folder])

    def add_samples(self) -> None:
        folder = samples_dir()
        if folder is None:
            self.show_error("The sample documents are not part of this installation.")
            return
        self.add_paths([str(folder)])

    def add_paths(self, paths_to_add: list[str]) -> None:
        self.statusBar().showMessage(f"Adding {len(paths_to_add)} item(s)…")

        def progress(result: IngestResult) -> None:
            self.statusBar().showMessage(result.line())
            self.refresh()

        def work(report: Callable[[Any], None]) -> tuple[list[IngestResult], list[IngestResult]]:
            results = self.backend.add(paths_to_add, report)
            return results, self.backend.errors_without_rows(results)

        def done(outcome: tuple[list[IngestResult], list[IngestResult]]) -> None:
            results, unlisted = outcome
            errors = [r for r in results if r.failed]
            ok = sum(1 for r in results if r.status in ("added", "updated"))
            text = f"Added {ok} document{'s' if ok != 1 else ''}"
            if errors:
                text += f"; {len(errors)} could not be added"
            self.statusBar().showMessage(text, 10000)
            if unlisted:
                self.show_problems(unlisted)
            self._refreshing = False
            self.refresh()

        self.disk.submit(work, done, self.show_error, progress)

    def add_again(self, recovery: Recovery) -> AddAgain:
        """A rebuilt library's documents and folders, added again with progress (a damaged
        library, `ui/repair.py`)."""
        self.adding_again = AddAgain(
            self,
            self.backend,
            self.disk,
            self.refresh,
            self.show_error,
            self.refresh_conversations,
            add_files=lambda: self.choose_files(),
            add_folder=lambda: self.choose_folder(),
        )
        self.adding_again.start(recovery)
        return self.adding_again

    def show_problems(self, problems: list[IngestResult]) -> None:
        """Files that have no row to turn red (unsupported type, missing): say so in a box."""
        self.last_problems = problems
        lines = [f"{Path(p.path).name}: {p.reason}" for p in problems[:12]]
        if len(problems) > 12:
            lines.append(f"… and {len(problems) - 12} more")
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Nocturne",
            f"{len(problems)} item{'s' if len(problems) != 1 else ''} could not be added.",
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setInformativeText("\n".join(lines))
        box.setModal(False)
        box.show()

    def open_citation(self, citation: dict[str, Any]) -> QMessageBox | None:
        """The cited file at its page; when nothing can show it, a message that says so and
        offers its folder (before, only a log line)."""
        if self.open_url(citation_url(citation)) is not False:
            return None
        return self._cannot_open(str(citation.get("path") or ""), citation.get("document"))

    def open_document(self, path: str) -> QMessageBox | None:
        if self.open_url(QUrl.fromLocalFile(path)) is not False:
            return None
        return self._cannot_open(path)

    def _cannot_open(self, path: str, name: Any = None) -> QMessageBox:
        shown = str(name or Path(path).name or "The document")
        if path and not Path(path).exists():
            text = f"{shown} is no longer where it was added from."
        else:
            text = f"No program on this computer opened {shown}."
        box = QMessageBox(
            QMessageBox.Icon.Information, "Nocturne", text, QMessageBox.StandardButton.Close, self
        )
        box.setInformativeText(path)
        if path:
            reveal = box.addButton("Show in folder", QMessageBox.ButtonRole.ActionRole)
            reveal.clicked.connect(lambda: self.show_in_folder(path))
        box.setModal(False)
        box.show()
        self.statusBar().showMessage(text, 8000)
        self.last_cannot_open = box
        return box

    def show_in_folder(self, path: str) -> None:
        """The folder that holds `path` in the file manager (or say where it is)."""
        folder = str(Path(path).parent)
        if self.open_url(QUrl.fromLocalFile(folder)) is False:
            self.show_error(f"Cannot open the file manager. The file is in {folder}")

    def show_document_error(self, row: Any) -> QMessageBox:
        """A broken document's whole error, with Try again and Show in folder; or the scanned
        pages OCR could not read, page by page."""
        whole = bool(row.error) or not row.page_problems
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Nocturne",
            f"{row.name} could not be read."
            if whole
            else f"Some pages of {row.name} could not be read; the others are in the library.",
            QMessageBox.StandardButton.Close,
            self,
        )
        reasons = [row.error] if row.error else []
        reasons += page_problem_lines(row)
        reason = "\n".join(reasons) or "No reason was recorded."
        box.setInformativeText(f"{reason}\n\n{row.path}")
        if whole:
            retry = box.addButton("Try again", QMessageBox.ButtonRole.AcceptRole)
            retry.clicked.connect(lambda: self.add_paths([row.path]))
        reveal = box.addButton("Show in folder", QMessageBox.ButtonRole.ActionRole)
        reveal.clicked.connect(lambda: self.show_in_folder(row.path))
        box.setModal(False)
        box.show()
        self.last_details = box
        return box

    def remove_document(self, document_id: int) -> None:
        def done(_result: Any) -> None:
            self.statusBar().showMessage("Removed from the library (the file itself is kept)", 6000)
            self._refreshing = False
            self.refresh()

        self.disk.submit(lambda _r: self.backend.remove(document_id), done, self.show_error)

    # -- settings, errors, about ----------------------------------------------------------------

    def open_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.settings, self.disk, self)
        data_dir = self.settings.data_dir
        dialog.applied.connect(lambda: self._settings_applied(data_dir))
        dialog.setModal(True)
        dialog.show()
        return dialog

    def _settings_applied(self, previous_data_dir: str) -> None:
        """New model settings apply to the next question; a new data folder needs a restart."""
        self.backend.reset_engine()
        self.library.welcome.set_plan(digest_plan(self.settings))
        self.savings.set_prices(
            self.settings.reference_price_per_million, self.settings.question_token_factor
        )
        self.refresh_savings()
        if self.settings.data_dir != previous_data_dir:
            self.statusBar().showMessage(
                "Settings saved. Restart Nocturne to use the new data folder.", 30000
            )
        else:
            self.statusBar().showMessage("Settings saved", 4000)

    def show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Nocturne", message, QMessageBox.StandardButton.Ok, self
        )
        box.setModal(False)
        box.show()
        self.last_error = message

    def about(self) -> None:
        QMessageBox.about(
            self,
            "About Nocturne",
            f"<b>Nocturne {__version__}</b><p>Personal document Q&amp;A that does its thinking "
            "while you sleep.</p><p>Library: " + str(paths.data_dir()) + "</p>",
        )

    # -- window life -------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.notice.set_room(self.width() // 2)  # the digest's line keeps the other half

    def bring_to_front(self) -> None:
        log.info("window brought to the front")
        self.show()
        self.setWindowState(
            (self.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive
        )
        self.raise_()
        self.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_geometry()
        if not self.quitting and self.tray is not None and self.tray.available:
            event.ignore()
            self.hide()
            if not self._told_about_tray:
                self._told_about_tray = True
                self.tray.notify(
                    "Nocturne keeps running",
                    "It digests in the background. Quit from the tray menu.",
                )
            return
        event.accept()
        self.quit_app()

    def restart_to_repair(self) -> None:
        """Quit, and have `run_gui` start Nocturne again on the repair dialog."""
        self.restart_args = list(REPAIR_ARGS)
        self.quit_app()

    def quit_app(self) -> None:
        """Quit Nocturne (not just close the window): stop work, then leave the event loop."""
        if self.quitting:
            return
        self.shutdown()
        self.quit_hook()

    def shutdown(self) -> None:
        """Stop timers, wait for running tasks, stop the background digest, close the library."""
        self.quitting = True
        self.save_geometry()
        self.refresh_timer.stop()
        self.digest_timer.stop()
        self.close()
        self.model.close()
        self.disk.close()
        with contextlib.suppress(Exception):
            self.background.shutdown()
        if self.tray is not None:
            self.tray.hide()
        self.backend.close()

    # -- drops anywhere on the window ------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.library.dragEnterEvent(event)

    def dragLeaveEvent(self, event: Any) -> None:
        self.library.set_drop_highlight(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self.library.dropEvent(event)
