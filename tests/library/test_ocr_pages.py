"""The OCR state of scanned pages (`library/ocr_pages.py`): pages of one version of a file,
pending until read, then done, empty or in error, and what the rest of the app reads back."""

from __future__ import annotations

import pytest

from nocturne.library import ocr_pages
from nocturne.library.ocr_pages import DONE, EMPTY, ERROR, PENDING, OcrCounts, OcrPage
from nocturne.library.step_timings import OCR_PAGE, step_means
from nocturne.library.store import ChunkDraft, Store


def _document(
    store: Store, name: str = "scan.pdf", content_hash: str = "v1", pages: int = 3
) -> int:
    return store.save_document(
        path=f"/docs/{name}",
        name=name,
        kind="pdf",
        content_hash=content_hash,
        size=10,
        mtime=0.0,
        pages=pages,
        chunks=[ChunkDraft(i, i + 1, f"Page {i + 1} text.", 3) for i in range(pages)],
    )


def _page(store: Store, document_id: int, page: int) -> OcrPage:
    """The pending page `page` of a document, as the digest gets it."""
    (found,) = (
        p for p in ocr_pages.pending_pages(store) if p.document_id == document_id and p.page == page
    )
    return found


def _states(store: Store, document_id: int) -> dict[int, str]:
    rows = store.query("SELECT page, state FROM ocr_pages WHERE document_id = ?", (document_id,))
    return {int(r["page"]): str(r["state"]) for r in rows}


def test_pages_wait_for_ocr_once_set(store: Store) -> None:
    doc = _document(store)
    assert not ocr_pages.has_pages(store, doc, "v1")
    ocr_pages.set_pages(store, doc, "v1", [3, 1, 1])
    assert _states(store, doc) == {1: PENDING, 3: PENDING}
    assert ocr_pages.has_pages(store, doc, "v1") and not ocr_pages.has_pages(store, doc, "v2")
    assert ocr_pages.counts(store, doc) == OcrCounts(pending=2)
    assert ocr_pages.is_pending(store, doc, 1, "v1")
    assert not ocr_pages.is_pending(store, doc, 2, "v1")
    assert not ocr_pages.is_pending(store, doc, 1, "v2")
    assert ocr_pages.pending_pages(store) == [
        OcrPage(doc, 1, "v1", "/docs/scan.pdf", "scan.pdf", "pdf"),
        OcrPage(doc, 3, "v1", "/docs/scan.pdf", "scan.pdf", "pdf"),
    ]


def test_setting_the_pages_of_the_same_version_again_keeps_what_was_read(store: Store) -> None:
    doc = _document(store)
    ocr_pages.set_pages(store, doc, "v1", [1, 2, 3])
    assert ocr_pages.record(store, _page(store, doc, 1), state=DONE, text="Total due")
    ocr_pages.set_pages(store, doc, "v1", [1, 3])  # page 2 no longer needs OCR
    assert _states(store, doc) == {1: DONE, 3: PENDING}
    assert ocr_pages.readings(store, "/docs/scan.pdf", "v1") == {1: (DONE, "Total due")}


def test_another_version_of_the_file_drops_every_earlier_reading(store: Store) -> None:
    doc = _document(store)
    ocr_pages.set_pages(store, doc, "v1", [1, 2])
    ocr_pages.record(store, _page(store, doc, 1), state=DONE, text="old text")
    ocr_pages.set_pages(store, doc, "v2", [1])
    assert _states(store, doc) == {1: PENDING}
    assert ocr_pages.readings(store, "/docs/scan.pdf", "v1") == {}
    assert ocr_pages.has_pages(store, doc, "v2") and not ocr_pages.has_pages(store, doc, "v1")
    ocr_pages.set_pages(store, doc, "v2", [])
    assert _states(store, doc) == {}


def test_readings_are_the_finished_pages_of_that_file_and_version(store: Store) -> None:
    doc = _document(store)
    other = _document(store, "other.pdf")
    ocr_pages.set_pages(store, doc, "v1", [1, 2, 3, 4])
    ocr_pages.set_pages(store, other, "v1", [1])
    ocr_pages.record(store, _page(store, doc, 1), state=DONE, text="Read.")
    ocr_pages.record(store, _page(store, doc, 2), state=EMPTY, message="OCR found no text")
    ocr_pages.record(store, _page(store, doc, 3), state=ERROR, message="cannot be rendered")
    ocr_pages.record(store, _page(store, other, 1), state=DONE, text="Other.")
    assert ocr_pages.readings(store, "/docs/scan.pdf", "v1") == {
        1: (DONE, "Read."),
        2: (EMPTY, ""),
        3: (ERROR, ""),
    }  # page 4 is still pending
    assert ocr_pages.readings(store, "/docs/missing.pdf", "v1") == {}
    assert ocr_pages.counts(store, doc) == OcrCounts(pending=1, done=1, empty=1, error=1)
    assert ocr_pages.counts(store, doc).total == 4


def test_recording_a_page_stores_what_ocr_made_of_it(store: Store) -> None:
    doc = _document(store)
    ocr_pages.set_pages(store, doc, "v1", [2])
    page = _page(store, doc, 2)
    assert ocr_pages.record(
        store,
        page,
        state=DONE,
        text="Rent: 900",
        confidence=0.93,
        rotation=90,
        seconds=4.5,
        engine="rapidocr",
    )
    row = store.query("SELECT * FROM ocr_pages WHERE document_id = ? AND page = 2", (doc,))[0]
    assert (row["state"], row["text"], row["confidence"], row["rotation"]) == (
        DONE,
        "Rent: 900",
        0.93,
        90,
    )
    assert (row["seconds"], row["engine"], row["message"]) == (4.5, "rapidocr", "")
    assert str(row["finished_at"]).endswith("Z")
    assert not ocr_pages.is_pending(store, doc, 2, "v1")
    assert ocr_pages.pending_pages(store) == []


def test_recording_a_page_whose_version_is_gone_changes_nothing(store: Store) -> None:
    doc = _document(store)
    ocr_pages.set_pages(store, doc, "v1", [1])
    page = _page(store, doc, 1)
    ocr_pages.set_pages(store, doc, "v2", [1])  # the file changed while OCR ran
    assert not ocr_pages.record(store, page, state=DONE, text="old text")
    assert _states(store, doc) == {1: PENDING}
    assert not ocr_pages.record(store, OcrPage(doc, 9, "v2", "", "", ""), state=DONE)


def test_pending_pages_skip_documents_in_error_and_outdated_versions(store: Store) -> None:
    broken, changed, waiting = (_document(store, n) for n in ("a.pdf", "b.pdf", "c.pdf"))
    for doc in (broken, changed, waiting):
        ocr_pages.set_pages(store, doc, "v1", [2, 1])
    store.set_document_state(broken, "error", "unreadable")
    _document(store, "b.pdf", content_hash="v2")  # saved again, its pages not set yet
    assert [(p.document_id, p.page) for p in ocr_pages.pending_pages(store)] == [
        (waiting, 1),
        (waiting, 2),
    ]


def test_problems_are_the_pages_not_read_with_their_messages(store: Store) -> None:
    doc, fine = _document(store), _document(store, "fine.pdf")
    ocr_pages.set_pages(store, doc, "v1", [1, 2, 3])
    ocr_pages.set_pages(store, fine, "v1", [1])
    ocr_pages.record(store, _page(store, doc, 3), state=EMPTY, message="OCR found no text")
    ocr_pages.record(store, _page(store, doc, 1), state=ERROR, message="cannot be rendered")
    ocr_pages.record(store, _page(store, fine, 1), state=DONE, text="ok")
    expected = [(1, "cannot be rendered"), (3, "OCR found no text")]
    assert ocr_pages.problems(store, doc) == expected
    assert ocr_pages.problems(store, fine) == []
    assert ocr_pages.problems_by_document(store) == {doc: tuple(expected)}
    _document(store, content_hash="v2")  # another version, its pages not set yet: the old
    assert ocr_pages.problems(store, doc) == expected  # rows are there, but the library pane
    assert ocr_pages.problems_by_document(store) == {}  # shows none of them


def test_read_pages_are_the_chunks_whose_page_came_from_ocr(store: Store) -> None:
    doc = _document(store)
    ocr_pages.set_pages(store, doc, "v1", [1, 2])
    ocr_pages.record(store, _page(store, doc, 2), state=DONE, text="Page 2 text.")
    chunks = {c.page: c.id for c in store.chunks(doc)}
    assert ocr_pages.read_pages(store, chunks.values()) == {chunks[2]}  # page 1 still pending
    assert ocr_pages.read_pages(store, []) == set()


def test_an_image_chunk_without_a_page_counts_as_page_one(store: Store) -> None:
    photo = store.save_document(
        path="/docs/receipt.jpg",
        name="receipt.jpg",
        kind="image",
        content_hash="v1",
        size=10,
        mtime=0.0,
        pages=1,
        chunks=[ChunkDraft(0, None, "Total due", 2)],
    )
    ocr_pages.set_pages(store, photo, "v1", [1])
    ocr_pages.record(store, _page(store, photo, 1), state=DONE, text="Total due")
    (chunk,) = store.chunks(photo)
    assert ocr_pages.read_pages(store, [chunk.id]) == {chunk.id}


def test_the_pace_of_reading_counts_pages_read_in_measured_time(store: Store) -> None:
    """Recorded pages feed the digest's pace (`step_timings`), which outlives the pages."""
    doc = _document(store, pages=4)
    assert OCR_PAGE not in step_means(store, "any model")
    ocr_pages.set_pages(store, doc, "v1", [1, 2, 3, 4])
    ocr_pages.record(store, _page(store, doc, 1), state=DONE, text="a", seconds=2.0)
    ocr_pages.record(store, _page(store, doc, 2), state=DONE, text="b", seconds=4.0)
    ocr_pages.record(store, _page(store, doc, 3), state=DONE, text="c", seconds=0.0)
    ocr_pages.record(store, _page(store, doc, 4), state=ERROR, message="x", seconds=30.0)
    assert step_means(store, "any model")[OCR_PAGE] == pytest.approx(3.0)
    store.remove_document(doc)
    assert step_means(store, "any model")[OCR_PAGE] == pytest.approx(3.0)
