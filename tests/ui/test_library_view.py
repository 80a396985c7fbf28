"""The library pane: each row's words (detail line, time left, tooltip, badge), the filter bar
(name, state, type) quick with 10,000 rows, the count and the welcome, the context menu's "Digest
this document now", double-click, delete and dragging files in."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent
from PySide6.QtWidgets import QApplication

from nocturne.ui.core_calls import DocumentRow
from nocturne.ui.library_view import (
    ETA_ROLE,
    DocumentDelegate,
    DocumentFilter,
    DocumentModel,
    LibraryPane,
    detail_line,
    document_type,
    eta_words,
    matching_rows,
    page_problem_lines,
    row_tooltip,
)

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


def document(**kw: Any) -> DocumentRow:
    base: dict[str, Any] = dict(
        id=1,
        name="lease.pdf",
        path="/docs/lease.pdf",
        kind="pdf",
        pages=3,
        chunk_count=4,
        token_count=1200,
        state="ready",
        error=None,
    )
    base.update(kw)
    return DocumentRow(**base)


def test_time_left_is_said_for_the_document_being_read_and_those_behind_it() -> None:
    assert eta_words("digesting", 40) == "about 40 s left"
    assert eta_words("queued", 180) == "digested in about 3 min"
    assert eta_words("queued", None) == ""
    assert eta_words("digesting", -1) == ""


def test_the_detail_line_puts_the_running_digest_first() -> None:
    assert detail_line(document()) == "3 pages · 4 passages · 1,200 tokens"
    running = document(state="digesting", progress=0.4)
    assert detail_line(running, 40) == (
        "40% digested · about 40 s left · 3 pages · 4 passages · 1,200 tokens"
    )
    assert detail_line(document(state="queued", pages=None), 180) == (
        "digested in about 3 min · 4 passages · 1,200 tokens"
    )
    assert detail_line(document(state="ready"), 180) == "3 pages · 4 passages · 1,200 tokens"


def test_an_error_row_says_only_the_error_and_a_failed_update_says_so_after() -> None:
    assert detail_line(document(state="error", error="not a PDF")) == "not a PDF"
    assert detail_line(document(state="error", error=None)) == "could not be added"
    stale = document(state="stale", error="the file is locked", pages=None)
    assert (
        detail_line(stale) == "4 passages · 1,200 tokens · last update failed: the file is locked"
    )


def test_the_tooltip_tells_a_broken_document_from_a_failed_update() -> None:
    broken = row_tooltip(document(state="error", error="not a PDF"))
    assert broken.startswith("lease.pdf\n/docs/lease.pdf\n\nCould not be read: not a PDF")
    failed = row_tooltip(document(state="ready", error="the file is locked"))
    assert "The last update failed: the file is locked" in failed
    assert row_tooltip(document()) == "lease.pdf\n/docs/lease.pdf"


def test_a_page_without_a_recorded_reason_says_so() -> None:
    scan = document(page_problems=((2, ""), (5, "OCR found no text on this page")))
    assert page_problem_lines(scan) == [
        "p. 2: no reason was recorded",
        "p. 5: OCR found no text on this page",
    ]


def test_a_filter_of_spaces_or_an_unknown_state_keeps_every_row() -> None:
    assert not DocumentFilter("   ").active
    assert matching_rows(LIBRARY, DocumentFilter("   ")) == LIBRARY
    assert DocumentFilter(state="bogus").active
    assert matching_rows(LIBRARY, DocumentFilter(state="bogus")) == LIBRARY
    assert matching_rows(LIBRARY, DocumentFilter(" lease ")) == LIBRARY[:2]


def test_the_kind_badge_is_the_suffix_in_four_letters_at_most() -> None:
    badges = {
        name: DocumentDelegate._kind_badge(row(1, name))
        for name in ("notes.markdown", "page.htm", "site.html", "photo.jpeg", "a.backup", "x.pdf")
    }
    assert badges == {
        "notes.markdown": "MD",
        "page.htm": "WEB",
        "site.html": "WEB",
        "photo.jpeg": "JPEG",
        "a.backup": "BACK",
        "x.pdf": "PDF",
    }
    assert DocumentDelegate._kind_badge(row(1, "README", kind="text")) == "TEXT"
    assert DocumentDelegate._kind_badge(row(1, "README", kind="")) == "DOC"


def test_the_model_shows_time_left_per_document_and_repaints_when_it_changes(
    qtbot: Any,
) -> None:
    model = DocumentModel()
    model.set_rows([document(id=1, state="digesting", progress=0.5), document(id=2, name="b.pdf")])
    changed: list[int] = []
    model.dataChanged.connect(lambda first, last: changed.append(last.row() - first.row() + 1))
    model.set_etas({1: 40.0})
    model.set_etas({1: 40.0})  # the same: no repaint
    assert changed == [2]
    first = model.index(0)
    assert first.data(ETA_ROLE) == 40.0 and model.index(1).data(ETA_ROLE) is None
    assert first.data(Qt.ItemDataRole.AccessibleTextRole) == (
        "lease.pdf, Digesting: 50% digested · about 40 s left · 3 pages · 4 passages · 1,200 tokens"
    )
    assert first.data(Qt.ItemDataRole.DisplayRole) == "lease.pdf"


def test_the_count_and_the_welcome_follow_the_rows(qtbot: Any) -> None:
    pane = pane_with(qtbot, [])
    assert pane.is_welcome and pane.count_label.text() == "" and not pane.filter_bar.isVisible()
    pane.set_rows([document()])
    assert not pane.is_welcome and pane.count_label.text() == "1 document"
    pane.set_rows([document(), document(id=2, state="error", error="x"), document(id=3)])
    assert pane.count_label.text() == "3 documents, 1 with errors"


def test_double_click_shows_a_broken_documents_error_and_opens_the_others(
    qtbot: Any,
) -> None:
    pane = pane_with(qtbot, [])
    details: list[DocumentRow] = []
    opened: list[str] = []
    pane.details_requested.connect(details.append)
    pane.open_requested.connect(opened.append)
    broken = document(state="error", error="not a PDF")
    pane._activated(broken)
    pane._activated(document(path="/docs/other.pdf"))
    pane._activated(None)
    assert details == [broken] and opened == ["/docs/other.pdf"]


def test_delete_removes_the_selected_document_only(qtbot: Any) -> None:
    pane = pane_with(qtbot, [document(id=7), document(id=8, name="b.pdf")])
    removed: list[int] = []
    pane.remove_requested.connect(removed.append)
    pane._remove_selected()  # nothing selected
    pane.view.setCurrentIndex(pane.model.index(1))
    pane.remove_action.trigger()
    assert removed == [8]


def test_a_type_that_leaves_the_library_resets_the_type_filter(qtbot: Any) -> None:
    pane = pane_with(qtbot, LIBRARY)
    bar = pane.filter_bar
    bar.kind.setCurrentIndex(bar.kind.findData("docx"))
    assert names(pane) == ["broken.docx"]
    wanted: list[DocumentFilter] = []
    bar.changed.connect(wanted.append)
    bar.set_types({"pdf", "docx", "txt", "md"})  # the same types: nothing changes
    assert wanted == []
    pane.set_rows([r for r in LIBRARY if r.kind != "docx"])
    assert wanted == [DocumentFilter("", "", "")]
    assert names(pane) == [r.name for r in LIBRARY if r.kind != "docx"]


def test_only_local_files_are_taken_from_a_drag(qtbot: Any) -> None:
    pane = pane_with(qtbot, [])

    def enter(*urls: QUrl) -> QDragEnterEvent:
        mime = QMimeData()
        mime.setUrls(list(urls))
        event = QDragEnterEvent(
            QPoint(5, 5),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        pane.dragEnterEvent(event)
        return event

    assert not enter(QUrl("https://example.org/lease.pdf")).isAccepted()
    assert pane.stack.styleSheet() == ""
    assert enter(QUrl("https://example.org/a"), QUrl.fromLocalFile("/docs/a.txt")).isAccepted()
    assert "dashed" in pane.stack.styleSheet()  # the drop will land here
    pane.dragLeaveEvent(None)
    assert pane.stack.styleSheet() == ""


def test_the_welcome_shows_the_plan_only_when_there_is_one(qtbot: Any) -> None:
    pane = pane_with(qtbot, [])
    pane.welcome.set_plan("New documents are digested right away, in the background.")
    assert pane.welcome.plan.isVisible()
    pane.welcome.set_plan("")
    assert not pane.welcome.plan.isVisible()
