"""Feedback where there was none (issue 12, problems 8–10): Copy says "Copied"; a citation no
program can open says so and offers its folder; a broken document's whole error on hover, with
"Details…" and "Try again"; names cut at the end, never in the middle; "1 passage"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QMessageBox, QStyleOptionViewItem

from nocturne.ui.core_calls import DocumentRow
from nocturne.ui.library_view import ROW_ROLE, DocumentDelegate, detail_line

LONG_ERROR = (
    "damaged or truncated PDF (Stream has ended unexpectedly; the file stops after 12 of its "
    "40 pages, perhaps it was still downloading)"
)


def row(**kw: Any) -> DocumentRow:
    base = dict(
        id=1,
        name="community-garden-handbook.html",
        path="/docs/community-garden-handbook.html",
        kind="html",
        pages=None,
        chunk_count=1,
        token_count=58,
        state="ready",
        error=None,
    )
    base.update(kw)
    return DocumentRow(**base)  # type: ignore[arg-type]


def test_one_passage_is_singular() -> None:
    assert detail_line(row()) == "1 passage · 58 tokens"
    assert detail_line(row(chunk_count=2, pages=1, token_count=1)) == (
        "1 page · 2 passages · 1 token"
    )


def test_the_whole_error_is_in_the_tooltip(window: Any) -> None:
    window.library.set_rows([row(state="error", error=LONG_ERROR, name="lease.pdf")])
    index = window.library.model.index(0)
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert LONG_ERROR in tip and "lease.pdf" in tip and "Try again" in tip


def test_error_rows_offer_details_and_try_again(window: Any, qtbot: Any) -> None:
    broken = row(state="error", error=LONG_ERROR, name="lease.pdf", path="/docs/lease.pdf")
    window.library.set_rows([broken])
    menu = window.library.menu_for(broken)
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts[:2] == ["Details…", "Try again"]
    box = window.show_document_error(broken)
    assert LONG_ERROR in box.informativeText()
    buttons = {b.text(): b for b in box.buttons()}
    assert {"Try again", "Show in folder"} <= set(buttons)
    buttons["Show in folder"].click()
    assert window.opened[-1].toLocalFile() == "/docs"
    added: list[list[str]] = []
    window.add_paths = added.append
    window.library.details_requested.emit(broken)
    next(b for b in window.last_details.buttons() if b.text() == "Try again").click()
    assert added == [["/docs/lease.pdf"]]
    assert "Details…" not in [a.text() for a in window.library.menu_for(row()).actions()]


def _painted_name(name: str, width: int) -> str:
    """The name the delegate draws, read back by intercepting drawText."""
    drawn: list[str] = []

    class Spy(QPainter):
        def drawText(self, *args: Any) -> None:  # type: ignore[override]
            drawn.append(str(args[-1]))
            super().drawText(*args)

    image = QImage(width, 60, QImage.Format.Format_ARGB32)
    painter = Spy(image)
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, width, 54)

    class Index:
        def data(self, role: int) -> Any:
            return row(name=name) if role == ROW_ROLE else None

    DocumentDelegate().paint(painter, option, Index())  # type: ignore[arg-type]
    painter.end()
    return drawn[2]  # badge, state pill, then the name


def test_long_names_are_cut_at_the_end(qtbot: Any) -> None:
    name = "community-garden-handbook-for-volunteers-2026-edition.html"
    shown = _painted_name(name, 260)
    assert shown.startswith("community-garden") and shown.endswith("…")
    assert "handbook" not in shown or shown.index("handbook") < 20  # the start is kept
    assert _painted_name("a.txt", 260) == "a.txt"


def test_copy_says_copied_for_a_moment(window: Any, qtbot: Any) -> None:
    card = window.chat.add_answer("What is the rent?")
    card.finish({"answer": "1,450 euros", "mode": "learned", "citations": []})
    card.copy_button.click()
    assert QGuiApplication.clipboard().text() == "1,450 euros"
    assert card.copy_button.text() == "Copied"
    qtbot.waitUntil(lambda: card.copy_button.text() == "Copy", timeout=3000)


def test_a_card_still_thinking_has_no_copy_or_think_harder(window: Any) -> None:
    card = window.chat.add_answer("What is the rent?")
    assert not card.copy_button.isVisibleTo(window)
    assert not card.harder_button.isVisibleTo(window)


def test_a_citation_that_cannot_be_opened_says_so_and_offers_the_folder(
    window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = tmp_path / "lease.pdf"
    document.write_bytes(b"%PDF-1.4")
    opened: list[Any] = []

    def no_viewer(url: Any) -> bool:
        opened.append(url)
        return False

    window.open_url = no_viewer
    box = window.open_citation({"document": "lease.pdf", "path": str(document), "page": 2})
    assert isinstance(box, QMessageBox)
    assert "No program on this computer opened lease.pdf" in box.text()
    reveal = next(b for b in box.buttons() if b.text() == "Show in folder")
    reveal.click()
    assert opened[-1].toLocalFile() == str(tmp_path)
    gone = window.open_citation({"document": "old.pdf", "path": str(tmp_path / "old.pdf")})
    assert "no longer where it was added from" in gone.text()
    window.open_url = lambda url: True
    assert window.open_citation({"document": "lease.pdf", "path": str(document)}) is None


def test_citation_links_in_a_card_reach_the_window(window: Any) -> None:
    card = window.chat.add_answer("q")
    card.finish(
        {
            "answer": "a",
            "mode": "learned",
            "citations": [{"document": "lease.txt", "path": "/docs/lease.txt", "page": None}],
        }
    )
    card.sources.linkActivated.emit("cite:0")
    assert window.opened[-1].toLocalFile() == "/docs/lease.txt"
