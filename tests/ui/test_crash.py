"""A bug in the window is logged with its traceback and shown with "Copy details"."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from nocturne.ui.crash import CrashReporter, install_excepthook


@pytest.fixture
def reporter(qtbot: QtBot, tmp_path: Path) -> Iterator[CrashReporter]:
    hooks = sys.excepthook, threading.excepthook
    installed = install_excepthook(tmp_path / "logs" / "gui.log")
    yield installed
    sys.excepthook, threading.excepthook = hooks
    if installed.dialog is not None:
        installed.dialog.close()


def _divide_by_zero() -> None:
    1 / 0  # noqa: B018 - the bug


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_is_logged_and_shown_with_copy_details(
    qtbot: QtBot, reporter: CrashReporter, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="nocturne.ui.crash")
    QTimer.singleShot(0, _divide_by_zero)
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    dialog = reporter.dialog
    assert dialog is not None
    assert dialog.windowTitle() == "Nocturne hit a problem"
    assert dialog.message.text().startswith(
        "Something went wrong inside Nocturne: ZeroDivisionError: division by zero\n\n"
        "This is a bug in Nocturne, not something you did."
    )
    assert dialog.message.text().endswith(f"The details are also in {tmp_path}/logs/gui.log.")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Traceback (most recent call last)" in logged
    assert "in _divide_by_zero" in logged

    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert copied == dialog.details
    assert copied.startswith("Nocturne ") and "ZeroDivisionError: division by zero" in copied
    assert dialog.copy_button.text() == "Copied"

    QTimer.singleShot(0, _divide_by_zero)  # the same bug again: logged, no second window
    qtbot.wait(50)
    assert reporter.dialog is dialog
    assert logged.count("uncaught exception") == 1
    assert sum("uncaught exception" in r.getMessage() for r in caplog.records) == 2


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_another_thread_is_shown_by_the_gui_thread(
    qtbot: QtBot, reporter: CrashReporter
) -> None:
    thread = threading.Thread(target=_divide_by_zero)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert reporter.dialog is not None
    assert "ZeroDivisionError" in reporter.dialog.message.text()
