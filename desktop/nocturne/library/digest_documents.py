"""Documents as the digest sees them: which can be digested, and their digest state.

States: `queued` (never digested, or changed), `digesting` (a run is on it), `ready` (every step
of the budget done), `stale` (old notes wait for a redo), `needs_ocr` (pages wait for OCR; see
`ocr_pages`). `learned_stale` is the cheap flag the scheduler reads every tick. Which state a
document should be in is the digest's decision (`sleeptime/plan.py`, `sleeptime/runner.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from nocturne.library.store import Store


@dataclass(frozen=True)
class DigestibleDocument:
    id: int
    name: str
    content_hash: str | None
    chunk_count: int = 0
    changed_at: str = ""  # when it was added or last changed (ISO, UTC)


def digestible_documents(store: Store) -> list[DigestibleDocument]:
    """Documents with text and no error, by id (`sleeptime/order.py` puts them in the digest's
    order)."""
    return [d for d in library_documents(store) if d.chunk_count > 0]


def library_documents(store: Store) -> list[DigestibleDocument]:
    """Documents not in error, with text or not yet (pages waiting for OCR), by id."""
    rows = store.query(
        "SELECT id, name, content_hash, chunk_count, updated_at FROM documents "
        "WHERE state != 'error' ORDER BY id"
    )
    return [
        DigestibleDocument(
            int(row["id"]),
            str(row["name"]),
            row["content_hash"],
            int(row["chunk_count"]),
            str(row["updated_at"] or ""),
        )
        for row in rows
    ]


def documents_waiting(store: Store) -> int:
    """Documents whose learned context is missing or stale: the digest has work to do."""
    return int(
        store.scalar(
            "SELECT COUNT(*) FROM documents WHERE learned_stale = 1 AND chunk_count > 0 "
            "AND state != 'error'"
        )
        or 0
    )


def has_stale_notes(store: Store, document_id: int) -> bool:
    return (
        store.scalar(
            "SELECT 1 FROM notes WHERE document_id = ? AND stale = 1 LIMIT 1", (document_id,)
        )
        is not None
    )


def set_digest_state(store: Store, document_id: int, state: str, *, learned_stale: bool) -> None:
    """A ready document leaves the front of the queue (`digest_priorities`)."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE documents SET state = ?, learned_stale = ? WHERE id = ?",
            (state, int(learned_stale), document_id),
        )
        if state == "ready":
            conn.execute("DELETE FROM digest_priorities WHERE document_id = ?", (document_id,))


def mark_digesting(store: Store, document_id: int) -> None:
    """A run starts on the document (its `learned_stale` flag stays until it is done)."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE documents SET state = 'digesting' WHERE id = ? AND state != 'digesting'",
            (document_id,),
        )


def release_digesting(store: Store, document_id: int, state: str) -> None:
    """A run left the document unfinished: `state` unless something else changed it meanwhile."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE documents SET state = ? WHERE id = ? AND state = 'digesting'",
            (state, document_id),
        )
