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


def digestible_documents(store: Store) -> list[DigestibleDocument]:
    """Documents with text and no error, by id (the digest's order)."""
    rows = store.query(
        "SELECT id, name, content_hash FROM documents WHERE state != 'error' AND chunk_count > 0 "
        "ORDER BY id"
    )
    return [
        DigestibleDocument(int(row["id"]), str(row["name"]), row["content_hash"]) for row in rows
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
    with store.transaction() as conn:
        conn.execute(
            "UPDATE documents SET state = ?, learned_stale = ? WHERE id = ?",
            (state, int(learned_stale), document_id),
        )


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
