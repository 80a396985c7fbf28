"""A bug of ours in the window: logged with its traceback, and shown, never a silent log line.

`install_excepthook(log_file)` replaces `sys.excepthook` (which PySide6 calls for an exception
in a slot or an event handler) and `threading.excepthook`. The traceback goes to the log; a
dialog says in plain words that something broke, where the details are, and offers "Copy
details" for a bug report. One dialog at a time: a bug that repeats (every repaint) is logged
each time but does not pile up windows. `KnownError` never gets here; those are handled where
they happen (workers turn them into messages).
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nocturne import __version__
from nocturne.paths import display_path

log = logging.getLogger(__name__)

COPIED_MS = 1500  # how long "Copy details" reads "Copied"


def crash_details(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> str:
    """What a bug report needs: the version, the Python, the traceback."""
    lines = traceback.format_exception(kind, error, tb)
    return f"Nocturne {__version__}, Python {sys.version.split()[0]}\n\n" + "".join(lines)


class CrashDialog(QDialog):
    """Says that something broke inside Nocturne, and hands over the details."""

    def __init__(
        self, summary: str, details: str, log_file: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Nocturne hit a problem")
        self.details = details
        self.message = QLabel(
            f"Something went wrong inside Nocturne: {summary}\n\n"
            "This is a bug in Nocturne, not something you did. Your library and documents are "
            "safe; what you were doing may not have finished. Nocturne keeps running.\n\n"
            f"The details are also in {display_path(log_file)}."
        )
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text = QPlainTextEdit(details)
        self.text.setReadOnly(True)
        self.text.setMinimumHeight(160)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy details")
        self.copy_button.setAccessibleName("Copy details")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(620, 420)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText("Copied")  # for a moment, so the click is seen to have worked
        QTimer.singleShot(COPIED_MS, lambda: self.copy_button.setText("Copy details"))


class CrashReporter(QObject):
    """Logs every uncaught exception and shows one `CrashDialog` at a time."""

    crashed = Signal(str, str)  # summary, details; queued to the GUI thread

    def __init__(self, log_file: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_file = log_file
        self.dialog: CrashDialog | None = None
        self.crashed.connect(self.show_dialog)

    def excepthook(
        self, kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        details = crash_details(kind, error, tb)
        log.error("uncaught exception\n%s", details)
        self.crashed.emit(f"{kind.__name__}: {error}", details)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        self.excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    def show_dialog(self, summary: str, details: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            return  # the same bug again, most likely: logged, not another window
        parent = QApplication.activeWindow()
        self.dialog = CrashDialog(summary, details, self.log_file, parent)
        self.dialog.open()


def install_excepthook(log_file: Path) -> CrashReporter:
    """Route uncaught exceptions of the window (GUI thread or any other) to a `CrashReporter`."""
    reporter = CrashReporter(log_file, QApplication.instance())
    sys.excepthook = reporter.excepthook
    threading.excepthook = reporter.thread_excepthook
    return reporter
