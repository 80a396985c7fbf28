"""The digest's record of finished steps and their notes (`library/digest_steps.py`)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from nocturne.library import sleep_tokens
from nocturne.library.digest_steps import (
    FinishedStep,
    KindTotals,
    NoteCounts,
    StepRecord,
    forget_step,
    fresh_notes_per_document,
    mark_notes_stale,
    notes_by_kind,
    record_step,
    step_records,
    totals_by_kind,
    work_fingerprint,
)
from nocturne.library.step_timings import step_means
from nocturne.library.store import ChunkDraft, Store


@dataclass(frozen=True)
class Note:
    """Shaped like the digest's NoteDraft (what `record_step` takes)."""

    kind: str
    text: str
    chunk_ids: tuple[int, ...]
    page: int | None
    document_id: int | None
    model_id: str = "m"
    prompt_version: str = "fact:v1"
    answer: str | None = None
    tokens: int = 0
    key: str = ""


def _document(store: Store) -> tuple[int, int]:
    doc = store.save_document(
        path="/docs/a.txt",
        name="a.txt",
        kind="text",
        content_hash="h",
        size=10,
        mtime=0.0,
        pages=None,
        chunks=[ChunkDraft(0, None, "A chunk.", 3)],
    )
    return doc, store.chunks(doc)[0].id


def _step(key: str, kind: str, document_id: int | None, **changes: object) -> FinishedStep:
    step = FinishedStep(key, kind, document_id, "m", "v1", 10, 5, 2.0, 1, 0)
    return replace(step, **changes)


def test_a_step_is_recorded_with_its_notes_and_sources(store: Store) -> None:
    doc, chunk = _document(store)
    note = Note("fact", "A fact.", (chunk,), None, doc, answer="yes", tokens=7, key="k")
    step_id = record_step(store, _step(f"chunk:{chunk}", "chunk_notes", doc), [note])
    assert step_id is not None
    assert step_records(store) == [
        StepRecord(step_id, f"chunk:{chunk}", "chunk_notes", "m", "v1", False)
    ]
    row = store.query("SELECT * FROM notes")[0]
    assert (row["step_id"], row["text"], row["answer"], row["tokens"], row["key"]) == (
        step_id,
        "A fact.",
        "yes",
        7,
        "k",
    )
    assert store.scalar("SELECT chunk_id FROM note_sources") == chunk


def test_recording_a_step_again_replaces_it(store: Store) -> None:
    doc, chunk = _document(store)
    record_step(store, _step("s", "chunk_notes", doc), [Note("fact", "Old.", (chunk,), None, doc)])
    newer = record_step(
        store,
        _step("s", "chunk_notes", doc, model_id="n"),
        [Note("fact", "New.", (chunk,), None, doc)],
    )
    assert [(r.id, r.model_id) for r in step_records(store)] == [(newer, "n")]
    assert [row["text"] for row in store.query("SELECT text FROM notes")] == ["New."]


def test_a_step_whose_source_chunk_is_gone_writes_nothing(store: Store) -> None:
    doc, chunk = _document(store)
    gone = Note("fact", "A fact.", (chunk + 100,), None, doc)
    assert record_step(store, _step("s", "chunk_notes", doc), [gone]) is None
    assert step_records(store) == []
    assert store.scalar("SELECT COUNT(*) FROM notes") == 0


def test_stale_notes_and_forgotten_steps(store: Store) -> None:
    doc, chunk = _document(store)
    kept = record_step(
        store, _step("a", "chunk_notes", doc), [Note("fact", "A.", (chunk,), None, doc)]
    )
    brief = record_step(
        store,
        _step("b", "library_brief", None),
        [Note("library_brief", "B.", (chunk,), None, None)],
    )
    assert kept is not None and brief is not None
    mark_notes_stale(store, kept)
    assert {r.key: r.has_stale_notes for r in step_records(store)} == {"a": True, "b": False}
    assert notes_by_kind(store) == {"fact": NoteCounts(0, 1), "library_brief": NoteCounts(1, 0)}
    assert fresh_notes_per_document(store) == {}  # the brief belongs to no document
    forget_step(store, brief)
    assert [r.key for r in step_records(store)] == ["a"]
    assert notes_by_kind(store) == {"fact": NoteCounts(0, 1)}  # the brief's note went with it


def test_totals_and_means_by_kind(store: Store) -> None:
    doc, chunk = _document(store)
    note = Note("fact", "A.", (chunk,), None, doc)
    record_step(store, _step("a", "chunk_notes", doc, seconds=1.0, kept=2, dropped=1), [note])
    record_step(store, _step("b", "chunk_notes", doc, seconds=3.0, model_id="other"), [note])
    record_step(store, _step("c", "document_summary", doc, seconds=4.0), [])
    assert totals_by_kind(store) == {
        "chunk_notes": KindTotals(steps=2, kept=3, dropped=1, tokens=30, seconds=4.0),
        "document_summary": KindTotals(steps=1, kept=1, dropped=0, tokens=15, seconds=4.0),
    }
    assert step_means(store, "m") == {"chunk_notes": 1.0, "document_summary": 4.0}
    assert step_means(store, "other") == {"chunk_notes": 3.0}
    assert step_means(store, "unknown") == {}
    assert fresh_notes_per_document(store) == {doc: 2}
    assert sleep_tokens.total_tokens(store) == 45


def test_the_fingerprint_changes_with_documents_steps_and_stale_notes(store: Store) -> None:
    empty = work_fingerprint(store)
    doc, chunk = _document(store)
    with_document = work_fingerprint(store)
    step = record_step(
        store, _step("a", "chunk_notes", doc), [Note("fact", "A.", (chunk,), None, doc)]
    )
    with_step = work_fingerprint(store)
    assert step is not None
    mark_notes_stale(store, step)
    with_stale = work_fingerprint(store)
    assert len({empty, with_document, with_step, with_stale}) == 4
    assert work_fingerprint(store) == with_stale  # nothing changed: the same
