"""What a digest step reads: chunks by id, the text of a document's chunks, and the notes
earlier steps kept (the facts a summary is reduced from, the questions already asked).

Stale notes are never read: they wait for a redo and must not feed a new step.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from nocturne.library.learned_notes import document_notes
from nocturne.library.store import Store


@dataclass(frozen=True)
class Chunk:
    id: int
    document_id: int
    ordinal: int
    page: int | None
    text: str
    token_count: int
    section_id: int | None


@dataclass(frozen=True)
class ChunkFact:
    """A fact note with the chunk it was written from."""

    text: str
    chunk_id: int
    page: int | None


_CHUNK_COLUMNS = "id, document_id, ordinal, page, text, token_count, section_id"


def _chunk(row: sqlite3.Row) -> Chunk:
    return Chunk(
        int(row["id"]),
        int(row["document_id"]),
        int(row["ordinal"]),
        row["page"],
        str(row["text"]),
        int(row["token_count"]),
        row["section_id"],
    )


def document_chunks(store: Store, document_id: int) -> list[Chunk]:
    """A document's chunks in reading order."""
    rows = store.query(
        f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE document_id = ? ORDER BY ordinal",
        (document_id,),
    )
    return [_chunk(row) for row in rows]


def chunks_by_id(store: Store, chunk_ids: Sequence[int]) -> list[Chunk]:
    """These chunks in document order; those that are gone are left out."""
    if not chunk_ids:
        return []
    marks = ",".join("?" * len(chunk_ids))
    rows = store.query(
        f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE id IN ({marks}) ORDER BY ordinal",
        tuple(chunk_ids),
    )
    return [_chunk(row) for row in rows]


def chunk_texts(store: Store, document_id: int) -> list[str]:
    return [
        str(row["text"])
        for row in store.query("SELECT text FROM chunks WHERE document_id = ?", (document_id,))
    ]


def fresh_note_texts(store: Store, document_id: int, kind: str) -> list[str]:
    """The text of a document's notes of one kind, in the order they were written."""
    return [note.text for note in document_notes(store, document_id, kind)]


def facts_of_chunks(store: Store, chunk_ids: Sequence[int]) -> list[ChunkFact]:
    """The fact notes of these chunks in document order (a summary's map results)."""
    if not chunk_ids:
        return []
    marks = ",".join("?" * len(chunk_ids))
    rows = store.query(
        "SELECT n.text, c.id AS chunk_id, c.page FROM notes n "
        "JOIN note_sources s ON s.note_id = n.id JOIN chunks c ON c.id = s.chunk_id "
        f"WHERE n.kind = 'fact' AND n.stale = 0 AND c.id IN ({marks}) ORDER BY c.ordinal, n.id",
        tuple(chunk_ids),
    )
    return [ChunkFact(str(r["text"]), int(r["chunk_id"]), r["page"]) for r in rows]
