"""The library list's filter bar (name, state, type), quick with 10,000 rows, and the context
menu's "Digest this document now"."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtWidgets import QApplication

from nocturne.ui.core_calls import DocumentRow
from nocturne.ui.library_view import DocumentFilter, LibraryPane, document_type, matching_rows

KINDS = [("pdf", "pdf"), ("md", "text"), ("txt", "text"), ("html", "html"), ("docx", "docx")]
STATES = ["ready", "queued", "digesting", "stale", "needs_ocr", "error"]


def row(i: int, name: str | None = None, state: str = "ready", kind: str = "text") -> DocumentRow:
    return DocumentRow(i, name or f"doc-{i}.txt", f"/docs/{name}", kind, None, 3, 90, state, None)


def synthetic(count: int) -> list[DocumentRow]:
    rows = []
    for i in range(count):
        suffix, kind = KINDS[i % len(KINDS)]
        state = STATES[i % len(STATES)]
        rows.append(row(i + 1, f"Report {i:05d} on topic {i % 97}.{suffix}", state, kind))
    return rows


def names(pane: LibraryPane) -> list[str]:
    return [r.name for r in pane.model.shown]


def pane_with(qtbot: Any, rows: list[DocumentRow]) -> LibraryPane:
    pane = LibraryPane()
    qtbot.addWidget(pane)
    pane.resize(330, 700)
    pane.show()
    pane.set_rows(rows)
    return pane


LIBRARY = [
    row(1, "Lease agreement.pdf", "ready", "pdf"),
    row(2, "lease-notes.md", "queued", "text"),
    row(3, "Boiler manual.pdf", "digesting", "pdf"),
    row(4, "scan.pdf", "needs_ocr", "pdf"),
    row(5, "broken.docx", "error", "docx"),
    row(6, "garden.txt", "stale", "text"),
]


def test_the_name_filter_keeps_names_holding_the_text_in_any_case(qtbot: Any) -> None:
    pane = pane_with(qtbot, LIBRARY)
    assert pane.filter_bar.isVisible() and len(names(pane)) == 6
    qtbot.keyClicks(pane.filter_bar.search, "LEASE")
    assert names(pane) == ["Lease agreement.pdf", "lease-notes.md"]
    assert pane.count_label.text() == "2 of 6 documents"
    assert pane.model.rows == LIBRARY  # every document is still there, for the status bar
    pane.filter_bar.search.clear()
    assert len(names(pane)) == 6 and pane.count_label.text() == "6 documents, 1 with errors"


def test_the_state_filter_tells_ready_waiting_needs_ocr_and_error_apart(qtbot: Any) -> None:
    pane = pane_with(qtbot, LIBRARY)
    combo = pane.filter_bar.state
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels == ["All states", "Ready", "Waiting", "Needs OCR", "Error"]
    expected = {
        "Ready": ["Lease agreement.pdf"],
        "Waiting": ["lease-notes.md", "Boiler manual.pdf", "garden.txt"],
        "Needs OCR": ["scan.pdf"],
        "Error": ["broken.docx"],
    }
    for label, wanted in expected.items():
        combo.setCurrentIndex(labels.index(label))
        assert names(pane) == wanted, label


def test_the_type_filter_lists_the_types_in_the_library(qtbot: Any) -> None:
    pane = pane_with(qtbot, LIBRARY)
    combo = pane.filter_bar.kind
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels == ["All types", "PDF", "Markdown", "Text", "Word"]
    combo.setCurrentIndex(labels.index("Markdown"))
    assert names(pane) == ["lease-notes.md"]
    pane.filter_bar.state.setCurrentIndex(1)  # and Ready: nothing is both
    assert names(pane) == [] and pane.stack.currentWidget() is pane.no_match
    assert pane.no_match.text() == "No documents match the filter."
    pane.filter_bar.state.setCurrentIndex(0)
    pane.set_rows([r for r in LIBRARY if r.kind != "text"])  # the Markdown file was removed
    assert combo.currentText() == "All types" and len(names(pane)) == 4


def test_document_types() -> None:
    assert [document_type(r) for r in LIBRARY] == ["pdf", "md", "pdf", "pdf", "docx", "txt"]
    assert document_type(row(9, "photo.png", kind="image")) == "image"
    assert document_type(row(9, "odd", kind="mystery")) == "other"


def test_new_rows_arrive_filtered(qtbot: Any) -> None:
    pane = pane_with(qtbot, LIBRARY)
    pane.filter_bar.search.setText("garden")
    pane.set_rows([*LIBRARY, row(7, "Garden plan.pdf", "queued", "pdf")])
    assert names(pane) == ["garden.txt", "Garden plan.pdf"]


def _timed(action: Any) -> float:
    started = time.perf_counter()
    action()
    QApplication.processEvents()  # the list lays out and paints what it now shows
    return time.perf_counter() - started


def test_filtering_ten_thousand_rows_takes_well_under_100_ms(qtbot: Any) -> None:
    rows = synthetic(10_000)
    pane = pane_with(qtbot, rows)
    QApplication.processEvents()
    bar = pane.filter_bar
    steps = [
        lambda: bar.search.setText("topic 42"),
        lambda: bar.search.setText("topic 4"),
        lambda: bar.state.setCurrentIndex(2),
        lambda: bar.kind.setCurrentIndex(1),
        lambda: bar.search.setText(""),
        lambda: bar.state.setCurrentIndex(0),
        lambda: bar.kind.setCurrentIndex(0),
    ]
    worst = 0.0
    for step in steps:
        worst = max(worst, _timed(step))
    assert len(pane.model.shown) == 10_000
    assert worst < 0.1, f"a filter change took {worst * 1000:.0f} ms with 10,000 rows"
    bar.search.setText("topic 42")
    assert len(pane.model.shown) == len(matching_rows(rows, DocumentFilter("topic 42")))
    assert all("topic 42" in r.name for r in pane.model.shown) and pane.model.shown


def test_the_context_menu_offers_digest_this_document_now_while_it_is_not_ready(
    qtbot: Any,
) -> None:
    pane = pane_with(qtbot, LIBRARY)
    asked: list[int] = []
    pane.digest_document_requested.connect(asked.append)
    for document in LIBRARY:
        actions = {a.text(): a for a in pane.menu_for(document).actions() if a.text()}
        offered = "Digest this document now" in actions
        assert offered == (document.state not in ("ready", "error")), document.name
        if offered:
            actions["Digest this document now"].trigger()
    assert asked == [2, 3, 4, 6]
