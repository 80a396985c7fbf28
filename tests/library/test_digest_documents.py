"""Documents as the digest sees them (`library/digest_documents.py`)."""

from __future__ import annotations

from nocturne.library.digest_documents import (
    digestible_documents,
    documents_waiting,
    has_stale_notes,
    mark_digesting,
    release_digesting,
    set_digest_state,
)
from nocturne.library.store import ChunkDraft, Store


def _document(store: Store, name: str, chunks: int = 1) -> int:
    return store.save_document(
        path=f"/docs/{name}",
        name=name,
        kind="text",
        content_hash=f"hash-of-{name}",
        size=10,
        mtime=0.0,
        pages=None,
        chunks=[ChunkDraft(i, None, f"text {i} of {name}", 3) for i in range(chunks)],
    )


def _state(store: Store, document_id: int) -> tuple[str, int]:
    row = store.document(document_id)
    assert row is not None
    return str(row.state), int(row.learned_stale)


def test_only_documents_with_text_and_no_error_are_digestible(store: Store) -> None:
    first = _document(store, "a.txt")
    second = _document(store, "b.txt")
    _document(store, "empty.txt", chunks=0)
    store.record_error(path="/docs/bad.pdf", name="bad.pdf", kind="pdf", error="encrypted")
    documents = digestible_documents(store)
    assert [(d.id, d.name, d.content_hash, d.chunk_count) for d in documents] == [
        (first, "a.txt", "hash-of-a.txt", 1),
        (second, "b.txt", "hash-of-b.txt", 1),
    ]
    assert all(d.changed_at.endswith("Z") for d in documents)  # when added, for the order
    assert documents_waiting(store) == 2
    set_digest_state(store, first, "ready", learned_stale=False)
    assert documents_waiting(store) == 1
    assert _state(store, first) == ("ready", 0)


def test_a_run_marks_a_document_digesting_and_releases_it(store: Store) -> None:
    doc = _document(store, "a.txt")
    mark_digesting(store, doc)
    assert _state(store, doc) == ("digesting", 1)
    release_digesting(store, doc, "queued")
    assert _state(store, doc) == ("queued", 1)
    release_digesting(store, doc, "stale")  # no longer digesting: left as it is
    assert _state(store, doc) == ("queued", 1)


def test_stale_notes_of_a_document(store: Store) -> None:
    doc = _document(store, "a.txt")
    other = _document(store, "b.txt")
    assert not has_stale_notes(store, doc)
    with store.transaction() as conn:
        for document_id, stale in ((doc, 1), (other, 0)):
            conn.execute(
                "INSERT INTO notes(kind, document_id, text, model_id, prompt_version, stale) "
                "VALUES ('fact', ?, 'x', 'm', 'v', ?)",
                (document_id, stale),
            )
    assert has_stale_notes(store, doc)
    assert not has_stale_notes(store, other)
