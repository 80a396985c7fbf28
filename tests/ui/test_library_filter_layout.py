"""The library's filter bar fits its pane at 1400×900, 1000×700 and the window's minimum size:
the name field and both menus are whole, inside the pane, their labels not cut. With
NOCTURNE_SCREENSHOTS=DIR the window is saved as library-filter-WxH.png there to look at."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QComboBox

from nocturne.ui.core_calls import DocumentRow
from nocturne.ui.main_window import MINIMUM_SIZE
from nocturne.ui.style import apply_theme

NAMES = [
    ("Residential lease agreement 2025.pdf", "pdf", "ready"),
    ("Espresso machine manual.pdf", "pdf", "digesting"),
    ("garden-society-rules.md", "text", "ready"),
    ("Trip to Lisbon, flights and hotel.html", "html", "queued"),
    ("boiler-service-log.txt", "text", "stale"),
    ("Scanned tenancy deposit receipt.pdf", "pdf", "needs_ocr"),
    ("Thesis draft chapter 3.docx", "docx", "ready"),
    ("The Old Man and the Sea.epub", "epub", "queued"),
    ("broken-download.pdf", "pdf", "error"),
]
ROWS = [
    DocumentRow(i + 1, name, f"/home/me/Documents/{name}", kind, None, 12, 3400, state, None)
    for i, (name, kind, state) in enumerate(NAMES * 40)
]


@pytest.fixture
def themed() -> Iterator[None]:
    """The window's own look (style sheet, Fusion), as people see it; put back afterwards."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    style, palette, sheet = app.style().name(), app.palette(), app.styleSheet()
    apply_theme(app)
    yield
    app.setStyleSheet(sheet)
    app.setStyle(style)
    app.setPalette(palette)


def settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def assert_whole(combo: QComboBox) -> None:
    metrics = QFontMetrics(combo.font())
    longest = max(metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count()))
    assert combo.width() >= combo.minimumSizeHint().width()
    # the current label fits beside the arrow (what the combo cuts first)
    current = metrics.horizontalAdvance(combo.currentText())
    assert combo.width() - current >= 20, f"{combo.currentText()!r} is cut"
    assert longest > 0


@pytest.mark.parametrize("size", [(1400, 900), (1000, 700), MINIMUM_SIZE])
def test_the_filter_bar_fits_the_library_pane(
    themed: None,
    window: Any,
    qtbot: Any,
    backend: Any,
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
) -> None:
    monkeypatch.setattr(backend, "documents", lambda: list(ROWS))
    window.resize(*size)
    window.refresh()
    qtbot.waitUntil(lambda: len(window.library.model.rows) == len(ROWS), timeout=5000)
    pane = window.library
    bar = pane.filter_bar
    for label in ("Waiting", "Needs OCR", "All states"):
        bar.state.setCurrentIndex(bar.state.findText(label))
        settle()
        assert_whole(bar.state)
    for label in ("Web page", "Markdown", "All types"):
        bar.kind.setCurrentIndex(bar.kind.findText(label))
        settle()
        assert_whole(bar.kind)
    bar.search.setText("lease")
    settle()
    for widget in (bar.search, bar.state, bar.kind, pane.view):
        assert widget.isVisible()
        left = widget.mapTo(pane, widget.rect().topLeft()).x()
        right = widget.mapTo(pane, widget.rect().topRight()).x()
        assert left >= 0 and right <= pane.width(), f"{widget.accessibleName()} runs out"
    assert bar.search.width() >= 150
    assert pane.count_label.text() == "40 of 360 documents"
    folder = os.environ.get("NOCTURNE_SCREENSHOTS")
    if folder:
        bar.state.setCurrentIndex(bar.state.findText("Waiting"))
        bar.search.setText("")
        settle()
        out = Path(folder) / f"library-filter-{size[0]}x{size[1]}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        assert window.grab().save(str(out))
