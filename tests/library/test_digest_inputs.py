"""What a digest step reads (`library/digest_inputs.py`)."""

from __future__ import annotations

from nocturne.library.digest_inputs import (
    Chunk,
    ChunkFact,
    chunk_texts,
    chunks_by_id,
    document_chunks,
    facts_of_chunks,
    fresh_note_texts,
)
from nocturne.library.store import ChunkDraft, Store


def _document(store: Store) -> tuple[int, list[int]]:
    doc = store.save_document(
        path="/docs/a.txt",
        name="a.txt",
        kind="text",
        content_hash="h",
        size=10,
        mtime=0.0,
        pages=2,
        chunks=[ChunkDraft(0, 1, "First chunk.", 3), ChunkDraft(1, 2, "Second chunk.", 4)],
    )
    return doc, [int(c.id) for c in store.chunks(doc)]


def _note(
    store: Store, document_id: int, kind: str, text: str, chunk_id: int, stale: int = 0
) -> None:
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO notes(kind, document_id, text, model_id, prompt_version, stale) "
            "VALUES (?, ?, ?, 'm', 'v', ?)",
            (kind, document_id, text, stale),
        )
        conn.execute(
            "INSERT INTO note_sources(note_id, chunk_id) VALUES (?, ?)", (cur.lastrowid, chunk_id)
        )


def test_chunks_come_in_document_order_and_gone_ones_are_left_out(store: Store) -> None:
    doc, (first, second) = _document(store)
    assert chunks_by_id(store, (second, first)) == [
        Chunk(first, doc, 0, 1, "First chunk.", 3, None),
        Chunk(second, doc, 1, 2, "Second chunk.", 4, None),
    ]
    assert chunks_by_id(store, (first, 999)) == [Chunk(first, doc, 0, 1, "First chunk.", 3, None)]
    assert chunks_by_id(store, ()) == []
    assert sorted(chunk_texts(store, doc)) == ["First chunk.", "Second chunk."]
    assert chunk_texts(store, doc + 1) == []


def test_a_documents_chunks_in_reading_order(store: Store) -> None:
    doc, (first, second) = _document(store)
    assert [c.id for c in document_chunks(store, doc)] == [first, second]
    assert document_chunks(store, doc)[1] == Chunk(second, doc, 1, 2, "Second chunk.", 4, None)
    assert document_chunks(store, doc + 1) == []


def test_only_fresh_notes_are_read(store: Store) -> None:
    doc, (first, second) = _document(store)
    _note(store, doc, "fact", "Second fact.", second)
    _note(store, doc, "fact", "First fact.", first)
    _note(store, doc, "fact", "Old fact.", first, stale=1)
    _note(store, doc, "question", "What is first?", first)
    assert fresh_note_texts(store, doc, "fact") == ["Second fact.", "First fact."]  # as written
    assert fresh_note_texts(store, doc, "question") == ["What is first?"]
    assert facts_of_chunks(store, (first, second)) == [  # in document order
        ChunkFact("First fact.", first, 1),
        ChunkFact("Second fact.", second, 2),
    ]
    assert facts_of_chunks(store, (second,)) == [ChunkFact("Second fact.", second, 2)]
    assert facts_of_chunks(store, ()) == []
