"""Scanned pages through the window (issue 13), with the real OCR model: a scanned invoice is
added through the window's own add path, read by the digest that the window's "Digest now"
starts (a real digest process, the fake engine), and asked about in the window's chat; the
answer card quotes the text that is only in the image and cites "p. 1 (OCR)". A blank scanned
page, which OCR cannot read, shows its problem in the library pane. About 10 s on two cores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from nocturne.settings import Settings
from nocturne.ui.background_digest import CoreBackground
from nocturne.ui.core_calls import Backend
from nocturne.ui.library_view import detail_line, row_tooltip

from scan_maker import page_image, scanned_pdf

pytest.importorskip("rapidocr_onnxruntime")
pytestmark = pytest.mark.slow


def test_a_scan_is_read_and_answered_in_the_window(
    qtbot: Any, settings: Settings, tmp_path: Path
) -> None:
    from nocturne.ui.main_window import MainWindow
    from nocturne.ui.tray import Tray

    invoice = tmp_path / "invoice.pdf"
    blank = Image.new("RGB", (1100, 600), (255, 255, 255))  # a scan with nothing to read
    invoice.write_bytes(
        scanned_pdf(
            [page_image(["INVOICE 2024-117", "Total due: 1,842.50 EUR, within 30 days."]), blank]
        )
    )
    backend = Backend(settings)
    background = CoreBackground(settings, backend.store, start_scheduler=False)
    window = MainWindow(backend, background, settings, Tray())
    window.quit_hook = lambda: None
    qtbot.addWidget(window)
    window.show()
    rows = window.library.model
    try:
        window.add_paths([str(invoice)])
        qtbot.waitUntil(lambda: [r.state for r in rows.rows] == ["needs_ocr"], timeout=20000)
        assert rows.rows[0].pages == 2

        window.digest_now()
        qtbot.waitUntil(lambda: [r.state for r in rows.rows] == ["ready"], timeout=180000)
        qtbot.waitUntil(lambda: bool(rows.rows[0].page_problems), timeout=10000)
        row = rows.rows[0]
        assert row.page_problems == ((2, "OCR found no text on this page"),)
        assert "OCR could not read p. 2" in detail_line(row)
        assert "p. 2: OCR found no text on this page" in row_tooltip(row)
        box = window.show_document_error(row)
        assert box.text().startswith("Some pages of invoice.pdf could not be read")
        assert "p. 2: OCR found no text on this page" in box.informativeText()
        box.close()

        card = window.ask("What is the total due on the invoice?", "auto")
        qtbot.waitUntil(lambda: card.record is not None or not window.chat.busy, timeout=30000)
        assert card.record is not None, card.body.text()
        assert "1,842.50" in card.body.text()
        assert "invoice.pdf, p. 1 (OCR)" in card.sources.full_labels()[0]
        assert "p. 1 (OCR)" in card.sources.text()
        first = card.record["citations"][0]
        assert (first["document"], first["page"], first.get("ocr")) == ("invoice.pdf", 1, True)
    finally:
        window.shutdown()
