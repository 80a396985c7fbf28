"""The library pane: welcome state, dropping files, error rows, remove."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from nocturne.library.loaders import SUPPORTED_SUFFIXES
from nocturne.ui.library_view import ROW_ROLE
from nocturne.ui.main_window import documents_filter


def drop(widget: Any, paths: list[Path]) -> QDropEvent:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    widget.dropEvent(event)
    return event


def rows(window: Any) -> list[Any]:
    model = window.library.model
    return [model.index(i).data(ROW_ROLE) for i in range(model.rowCount())]


def test_empty_library_shows_the_welcome(window: Any, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: not window._refreshing)
    assert window.library.is_welcome
    assert window.library.welcome.samples_button.isVisible()


def test_dropping_files_and_folders_adds_rows(
    window: Any, qtbot: Any, tmp_path: Path, lease_file: Path
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.md").write_text("# Garden\nTomatoes need six hours of sun.", encoding="utf-8")
    (folder / "b.txt").write_text(
        "The espresso machine descales every 200 shots.", encoding="utf-8"
    )
    event = drop(window.library, [lease_file, folder])
    assert event.isAccepted()
    qtbot.waitUntil(lambda: len(rows(window)) == 3, timeout=5000)
    assert sorted(r.name for r in rows(window)) == ["a.md", "b.txt", "lease.txt"]
    assert all(r.state == "queued" and r.chunk_count > 0 for r in rows(window))
    assert not window.library.is_welcome
    assert window.library.count_label.text() == "3 documents"


def test_a_drop_on_the_window_reaches_the_library(
    window: Any, qtbot: Any, lease_file: Path
) -> None:
    drop(window, [lease_file])
    qtbot.waitUntil(lambda: len(rows(window)) == 1, timeout=5000)


def test_bad_files_become_error_rows_with_the_reason(
    window: Any, qtbot: Any, tmp_path: Path, lease_file: Path
) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"this is not a pdf at all")
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    drop(window.library, [broken, empty, lease_file])
    qtbot.waitUntil(lambda: len(rows(window)) == 3, timeout=5000)
    by_name = {r.name: r for r in rows(window)}
    assert by_name["lease.txt"].state == "queued"
    for name in ("broken.pdf", "empty.txt"):
        assert by_name[name].state == "error"
        assert by_name[name].error
    model = window.library.model
    tip = model.index([r.name for r in rows(window)].index("empty.txt")).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert "no text" in tip
    assert "2 with errors" in window.library.count_label.text()


def test_remove_and_open_original(window: Any, qtbot: Any, lease_file: Path) -> None:
    drop(window.library, [lease_file])
    qtbot.waitUntil(lambda: len(rows(window)) == 1, timeout=5000)
    row = rows(window)[0]
    window.library.open_requested.emit(row.path)
    assert window.opened == [QUrl.fromLocalFile(str(lease_file))]
    window.library.remove_requested.emit(row.id)
    qtbot.waitUntil(lambda: not rows(window), timeout=5000)
    assert window.library.is_welcome
    assert lease_file.exists()


def test_sample_documents_are_offered_and_added(window: Any, qtbot: Any) -> None:
    qtbot.mouseClick(window.library.welcome.samples_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(rows(window)) >= 3, timeout=10000)
    names = {r.name for r in rows(window)}
    assert "lease-agreement.pdf" in names


def test_files_without_a_row_are_explained(
    window: Any, qtbot: Any, tmp_path: Path, lease_file: Path
) -> None:
    odd = tmp_path / "photo.xyz"
    odd.write_bytes(b"\x00\x01")
    drop(window.library, [odd, tmp_path / "missing.txt", lease_file])
    qtbot.waitUntil(lambda: hasattr(window, "last_problems"), timeout=5000)
    reasons = {Path(p.path).name: p.reason for p in window.last_problems}
    assert reasons == {
        "photo.xyz": "unsupported file type .xyz",
        "missing.txt": "no such file or folder",
    }
    qtbot.waitUntil(lambda: len(rows(window)) == 1, timeout=5000)


def small_epub(path: Path) -> Path:
    chapter = (
        '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
        "<head><title>x</title></head><body><h1>1. Sowing</h1>"
        "<p>Sow beans two centimetres deep in April.</p></body></html>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" '
            'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
        )
        archive.writestr(
            "content.opf",
            '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
            '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Beans</dc:title>'
            '</metadata><manifest><item id="c1" href="one.xhtml" '
            'media-type="application/xhtml+xml"/></manifest><spine><itemref idref="c1"/>'
            "</spine></package>",
        )
        archive.writestr("one.xhtml", chapter)
    return path


def test_epub_books_are_accepted_by_drop_and_the_file_dialog(
    window: Any, qtbot: Any, tmp_path: Path
) -> None:
    assert "*.epub" in documents_filter().split(";;")[0]
    assert all(f"*{suffix}" in documents_filter() for suffix in SUPPORTED_SUFFIXES)
    drop(window.library, [small_epub(tmp_path / "beans.epub")])
    qtbot.waitUntil(lambda: len(rows(window)) == 1, timeout=5000)
    (row,) = rows(window)
    assert row.name == "beans.epub" and row.error is None and row.chunk_count > 0


def test_a_path_that_is_not_utf8_shows_in_the_tooltip_with_a_replacement_character() -> None:
    import os

    from nocturne.ui.core_calls import DocumentRow
    from nocturne.ui.library_view import row_tooltip

    path = os.fsdecode(b"/docs/caf\xe9.txt")  # Latin-1 bytes, as old archives have them
    row = DocumentRow(1, "caf\ufffd.txt", path, "text", None, 1, 10, "ready", None)
    assert "/docs/caf\ufffd.txt" in row_tooltip(row)


def test_pages_ocr_could_not_read_show_on_the_row_with_details(window: Any) -> None:
    from nocturne.ui.core_calls import DocumentRow
    from nocturne.ui.library_view import detail_line, row_tooltip

    problems = ((2, "OCR found no text on this page"), (4, "the page could not be rendered"))
    row = DocumentRow(
        1, "scan.pdf", "/docs/scan.pdf", "pdf", 4, 2, 80, "ready", None, None, problems
    )
    assert detail_line(row).startswith("OCR could not read p. 2, 4 · 4 pages")
    assert "p. 4: the page could not be rendered" in row_tooltip(row)
    many = DocumentRow(1, "scan.pdf", "/s.pdf", "pdf", 9, 1, 9, "ready", None, None, problems * 2)
    assert "OCR could not read 4 pages" in detail_line(many)
    menu = window.library.menu_for(row)
    assert [a.text() for a in menu.actions() if a.text()][:1] == ["Details…"]
    assert "Try again" not in [a.text() for a in menu.actions()]  # the same file reads the same
    box = window.show_document_error(row)
    assert box.text() == "Some pages of scan.pdf could not be read; the others are in the library."
    assert "p. 2: OCR found no text on this page" in box.informativeText()
    box.close()
