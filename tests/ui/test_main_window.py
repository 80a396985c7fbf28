"""The main window: its geometry, the file dialog's filter, opening what is cited, the boxes
that explain what went wrong, settings applied, closing to the tray and quitting."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QMessageBox

from nocturne.library.ingest import IngestResult
from nocturne.library.loaders import SUPPORTED_SUFFIXES
from nocturne.settings import Settings
from nocturne.ui.core_calls import Backend
from nocturne.ui.main_window import MINIMUM_SIZE, MainWindow, citation_url, documents_filter
from nocturne.ui.tray import Tray


def test_window_geometry_is_remembered(
    qtbot: Any, backend: Backend, background: Any, settings: Settings
) -> None:
    window = MainWindow(backend, background, settings, Tray())
    window.quit_hook = lambda: None
    qtbot.addWidget(window)
    window.resize(960, 660)  # at least the window's minimum size (960×640)
    window.shutdown()
    again = MainWindow(Backend(settings), background, settings, Tray())
    again.quit_hook = lambda: None
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (960, 660)
    again.shutdown()


def screen_of(width: int, height: int) -> Any:
    return lambda: SimpleNamespace(availableGeometry=lambda: QRect(0, 0, width, height))


def test_the_first_size_fits_a_small_screen_but_never_below_the_minimum(
    window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(window, "screen", screen_of(2560, 1440))
    assert window._first_size() == QSize(1280, 800)
    monkeypatch.setattr(window, "screen", screen_of(1000, 700))
    assert window._first_size() == QSize(1000, 700)
    monkeypatch.setattr(window, "screen", screen_of(800, 600))
    assert window._first_size() == QSize(*MINIMUM_SIZE)
    assert window.minimumSize() == QSize(*MINIMUM_SIZE)


def test_the_file_dialog_offers_every_suffix_the_loaders_read() -> None:
    documents, everything = documents_filter().split(";;")
    assert everything == "All files (*)"
    assert documents.startswith("Documents (") and documents.endswith(")")
    patterns = documents.removeprefix("Documents (").removesuffix(")").split(" ")
    assert patterns == [f"*{suffix}" for suffix in sorted(SUPPORTED_SUFFIXES)]


def test_citations_open_pdfs_at_their_page() -> None:
    url = citation_url({"document": "lease.pdf", "page": 3, "path": "/docs/lease.pdf"})
    assert url.isLocalFile() and url.toLocalFile() == "/docs/lease.pdf"
    assert url.fragment() == "page=3"
    assert citation_url({"page": 3, "path": "/docs/notes.txt"}).fragment() == ""
    assert citation_url({"page": 7, "path": "/docs/SCAN.PDF"}).fragment() == "page=7"
    assert citation_url({"page": None, "path": "/docs/lease.pdf"}).fragment() == ""
    assert citation_url({"document": "lost"}).isEmpty()


def test_files_without_a_row_are_listed_twelve_at_most(window: Any) -> None:
    problems = [
        IngestResult(f"/docs/file-{n:02d}.xyz", "error", "this type of file is not supported")
        for n in range(15)
    ]
    window.show_problems(problems)
    (box,) = window.findChildren(QMessageBox)
    assert box.text() == "15 items could not be added."
    lines = box.informativeText().splitlines()
    assert lines[0] == "file-00.xyz: this type of file is not supported"
    assert len(lines) == 13 and lines[-1] == "… and 3 more"
    box.close()
    window.show_problems(problems[:1])
    assert window.findChildren(QMessageBox)[-1].text() == "1 item could not be added."


def test_a_folder_the_file_manager_cannot_open_is_said_with_where_the_file_is(
    window: Any,
) -> None:
    window.open_url = lambda _url: False
    window.show_in_folder("/docs/lease.pdf")
    assert window.last_error == "Cannot open the file manager. The file is in /docs"
    assert window.statusBar().currentMessage() == window.last_error


def test_a_document_that_opens_shows_no_box(window: Any, tmp_path: Path) -> None:
    document = tmp_path / "lease.txt"
    document.write_text("rent", encoding="utf-8")
    assert window.open_document(str(document)) is None
    assert window.opened[-1].toLocalFile() == str(document)
    window.open_url = lambda _url: False
    box = window.open_document(str(document))
    assert box is not None and box.text() == "No program on this computer opened lease.txt."
    assert box.informativeText() == str(document)


def test_saved_settings_say_whether_a_restart_is_needed(
    window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    resets: list[bool] = []
    monkeypatch.setattr(window.backend, "reset_engine", lambda: resets.append(True))
    window._settings_applied(window.settings.data_dir)
    assert window.statusBar().currentMessage() == "Settings saved"
    assert resets == [True]  # the next question loads the model the settings name
    window._settings_applied("/somewhere/else")
    assert window.statusBar().currentMessage() == (
        "Settings saved. Restart Nocturne to use the new data folder."
    )


def test_new_prices_in_the_settings_reach_the_savings_tiles(window: Any) -> None:
    window.settings.set("reference_price_per_million", 10.0)
    window._settings_applied(window.settings.data_dir)
    assert window.savings.price_per_million == 10.0


def test_tray_open_and_quit(window: Any, qtbot: Any) -> None:
    window.hide()
    window.tray.open_action.trigger()
    assert window.isVisible()
    quits: list[bool] = []
    window.quit_hook = lambda: quits.append(True)
    window.tray.quit_action.trigger()
    assert quits == [True] and window.quitting
    assert "shutdown" in window.background.calls


def test_quitting_twice_quits_once(window: Any) -> None:
    quits: list[bool] = []
    window.quit_hook = lambda: quits.append(True)
    window.quit_app()
    window.quit_app()
    assert quits == [True]
    assert window.background.calls.count("shutdown") == 1
    assert not window.refresh_timer.isActive() and not window.digest_timer.isActive()


def test_close_hides_to_the_tray_only_where_one_exists(window: Any) -> None:
    window.tray.available = True
    window.close()
    assert not window.isVisible() and not window.quitting
    window.tray.available = False
    window.show()
    window.close()
    assert window.quitting


def test_the_first_close_to_the_tray_says_nocturne_keeps_running(
    window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes: list[str] = []
    monkeypatch.setattr(window.tray, "notify", lambda title, _message: notes.append(title))
    window.tray.available = True
    window.close()
    window.show()
    window.close()
    assert notes == ["Nocturne keeps running"]  # once, not at every close


def test_bring_to_front_shows_a_minimized_window(window: Any) -> None:
    window.showMinimized()
    window.hide()
    window.bring_to_front()
    assert window.isVisible()
    assert not window.windowState() & Qt.WindowState.WindowMinimized


@pytest.mark.parametrize("size", [(1400, 900), (1000, 700)])
def test_the_status_bars_messages_are_seen_beside_the_digests_line(
    window: Any, qtbot: Any, size: tuple[int, int]
) -> None:
    """QStatusBar drew its message only where its permanent widgets left room, and the digest's
    line took all of it: "Added 3 documents", "Restored the backup of …" were never seen."""
    window.resize(*size)
    bar = window.statusBar()
    notice, digest = window.notice, window.digest_status

    def laid_out(message: str) -> bool:  # it shows this message, fitted to its width
        if notice.full_text != message:  # another passing message came meanwhile: again
            bar.showMessage(message, 5000)
            return False
        shown = notice.fontMetrics().horizontalAdvance(notice.text())
        return notice.isVisible() and shown <= notice.contentsRect().width()

    long = "The list of your documents could not be read from the damaged file " * 3
    for message in ("Added 3 documents", long.strip()):
        bar.showMessage(message, 5000)
        qtbot.waitUntil(lambda message=message: laid_out(message))
        assert notice.full_text == message
        shown = notice.text()
        assert notice.toolTip() == ("" if shown == message else message)
        assert notice.geometry().right() < digest.geometry().left()  # side by side, apart
        assert digest.width() >= bar.width() // 2 - 40  # the digest's line keeps its half
        assert digest.digest_button.isVisibleTo(window)
    bar.clearMessage()
    assert not window.notice.isVisible()
