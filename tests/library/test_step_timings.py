"""The digest's pace on this machine (`library/step_timings.py`, migration m014): it is added to
by every finished step and read page, and outlives the steps and their documents."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from nocturne.library import ocr_pages
from nocturne.library.digest_steps import FinishedStep, forget_step, record_step
from nocturne.library.migrations import all_migrations
from nocturne.library.step_timings import (
    OCR_PAGE,
    has_timings,
    step_means,
    typical_step_seconds,
)
from nocturne.library.store import ChunkDraft, Store
from nocturne.sleeptime import plan


def _document(store: Store, name: str = "a.txt") -> int:
    return store.save_document(
        path=f"/docs/{name}",
        name=name,
        kind="text",
        content_hash=f"hash of {name}",
        size=10,
        mtime=0.0,
        pages=None,
        chunks=[ChunkDraft(0, None, "A chunk.", 3)],
    )


def _step(key: str, kind: str, document_id: int | None, seconds: float, **changes: object):
    step = FinishedStep(key, kind, document_id, "m", "v1", 10, 5, seconds, 1, 0)
    return replace(step, **changes)


def _read_page(store: Store, document_id: int, page: int, seconds: float) -> None:
    ocr_pages.set_pages(store, document_id, store.document(document_id).content_hash, [page])
    pending = next(p for p in ocr_pages.pending_pages(store) if p.document_id == document_id)
    assert ocr_pages.record(store, pending, state=ocr_pages.DONE, text="x", seconds=seconds)


def test_a_kind_s_mean_is_over_every_step_done_by_that_model(store: Store) -> None:
    doc = _document(store)
    record_step(store, _step("a", "chunk_notes", doc, 1.0), [])
    record_step(store, _step("b", "chunk_notes", doc, 3.0), [])
    record_step(store, _step("c", "chunk_notes", doc, 9.0, model_id="other"), [])
    record_step(store, _step("d", "document_summary", doc, 6.0), [])
    assert step_means(store, "m") == {"chunk_notes": 2.0, "document_summary": 6.0}
    assert step_means(store, "other") == {"chunk_notes": 9.0}
    assert step_means(store, "never used") == {}
    assert typical_step_seconds(store, "m") == pytest.approx(10.0 / 3)
    assert typical_step_seconds(store, "never used") is None
    assert has_timings(store, "m") and not has_timings(store, "never used")


def test_the_pace_outlives_the_steps_and_their_document(store: Store) -> None:
    doc = _document(store)
    step_id = record_step(store, _step("a", "chunk_notes", doc, 4.0), [])
    record_step(store, _step("b", "document_summary", doc, 8.0), [])
    assert step_id is not None
    forget_step(store, step_id)
    assert step_means(store, "m") == {"chunk_notes": 4.0, "document_summary": 8.0}
    store.remove_document(doc)
    assert step_means(store, "m") == {"chunk_notes": 4.0, "document_summary": 8.0}
    assert typical_step_seconds(store, "m") == pytest.approx(6.0)


def test_a_step_done_again_is_timed_again(store: Store) -> None:
    doc = _document(store)
    record_step(store, _step("a", "chunk_notes", doc, 2.0), [])
    record_step(store, _step("a", "chunk_notes", doc, 4.0), [])  # replaces the first version
    assert step_means(store, "m") == {"chunk_notes": 3.0}


def test_untimed_kinds_count_only_when_asked_for(store: Store) -> None:
    doc = _document(store)
    record_step(store, _step("a", "structure", doc, 0.0), [])
    record_step(store, _step("b", "chunk_notes", doc, 5.0), [])
    assert step_means(store, "m") == {"chunk_notes": 5.0}
    assert step_means(store, "m", untimed=True) == {"structure": 0.0, "chunk_notes": 5.0}
    assert typical_step_seconds(store, "m") == pytest.approx(5.0)  # the 0 s step is not a pace


def test_read_pages_are_timed_under_their_own_kind_for_every_model(store: Store) -> None:
    first, second = _document(store, "scan1.pdf"), _document(store, "scan2.pdf")
    _read_page(store, first, 1, 2.0)
    _read_page(store, second, 1, 4.0)
    assert step_means(store, "m") == {OCR_PAGE: 3.0}
    assert step_means(store, "other") == {OCR_PAGE: 3.0}
    assert not has_timings(store, "m")  # the model itself has done nothing yet
    assert typical_step_seconds(store, "m") is None
    store.remove_document(first)
    assert step_means(store, "m") == {OCR_PAGE: 3.0}


def test_a_page_that_could_not_be_read_is_not_a_pace(store: Store) -> None:
    doc = _document(store, "scan.pdf")
    ocr_pages.set_pages(store, doc, "hash of scan.pdf", [1])
    page = ocr_pages.pending_pages(store)[0]
    ocr_pages.record(store, page, state="error", message="cannot render", seconds=0.5)
    assert step_means(store, "m") == {}


def test_the_plan_and_the_store_name_read_pages_alike() -> None:
    assert plan.OCR_PAGE == OCR_PAGE == "ocr_page"


def test_the_migration_carries_the_pace_of_steps_done_before_it() -> None:
    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    migrations = dict(all_migrations())
    for name, migrate in migrations.items():
        if name < "m014":
            migrate(conn)
    conn.execute("INSERT INTO documents(id, path, name) VALUES (1, '/a', 'a')")
    for key, kind, seconds in [("a", "chunk_notes", 1.0), ("b", "chunk_notes", 3.0)]:
        conn.execute(
            "INSERT INTO digest_steps(step_key, kind, document_id, model_id, prompt_version, "
            "seconds) VALUES (?, ?, 1, 'm', 'v1', ?)",
            (key, kind, seconds),
        )
    conn.execute(
        "INSERT INTO ocr_pages(document_id, page, content_hash, state, seconds) "
        "VALUES (1, 1, 'h', 'done', 5.0), (1, 2, 'h', 'pending', 0)"
    )
    migrations["m014_step_timings"](conn)
    rows = conn.execute(
        "SELECT model_id, kind, steps, timed, seconds FROM step_timings ORDER BY kind"
    ).fetchall()
    assert [tuple(row) for row in rows] == [
        ("m", "chunk_notes", 2, 2, 4.0),
        ("", OCR_PAGE, 1, 1, 5.0),
    ]
