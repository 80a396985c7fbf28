"""What question time reads from the library: learned notes, where they come from, documents.

The SQL behind retrieval, intents and the learned prompt lives here; callers get dataclasses and
plain values, never rows. Stale notes (their documents changed since the digest) are never read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from nocturne.library.search import fts_query
from nocturne.library.store import Store


@dataclass(frozen=True)
class Source:
    """Where a sentence or note comes from: the chunk, hence document and page."""

    chunk_id: int
    document_id: int
    document_name: str
    document_path: str
    page: int | None


@dataclass(frozen=True)
class NoteHit:
    """A fresh note found by full-text search (BM25: lower `score` is better)."""

    id: int
    kind: str
    text: str
    answer: str | None
    document_id: int | None
    key: str
    score: float


@dataclass(frozen=True)
class Note:
    id: int
    text: str


def fresh_note_count(store: Store) -> int:
    return int(store.scalar("SELECT COUNT(*) FROM notes WHERE stale = 0") or 0)


def notes_signature(store: Store) -> tuple[int, int, int]:
    """(notes, highest id, stale notes): changes whenever the learned context does."""
    # Three queries, each answered from an index (notes_stale: the few stale ones), instead of
    # one that read every note: 25 ms a question at 10,000 documents.
    count = int(store.scalar("SELECT COUNT(*) FROM notes") or 0)
    highest = int(store.scalar("SELECT COALESCE(MAX(id), 0) FROM notes") or 0)
    stale = int(store.scalar("SELECT COALESCE(SUM(stale), 0) FROM notes WHERE stale > 0") or 0)
    return (count, highest, stale)


def note_sources(store: Store, note_ids: Sequence[int]) -> dict[int, tuple[Source, ...]]:
    """The chunks each note was written from, in chunk order."""
    if not note_ids:
        return {}
    marks = ",".join("?" * len(note_ids))
    rows = store.query(
        "SELECT ns.note_id, c.id, c.document_id, d.name, d.path, c.page FROM note_sources ns "
        "JOIN chunks c ON c.id = ns.chunk_id JOIN documents d ON d.id = c.document_id "
        f"WHERE ns.note_id IN ({marks}) ORDER BY ns.note_id, c.ordinal",
        list(note_ids),
    )
    found: dict[int, list[Source]] = {}
    for row in rows:
        found.setdefault(int(row[0]), []).append(
            Source(int(row[1]), int(row[2]), str(row[3]), str(row[4]), row[5])
        )
    return {note_id: tuple(sources) for note_id, sources in found.items()}


def chunk_source(store: Store, chunk_id: int) -> Source | None:
    chunk = store.chunk(chunk_id)
    if chunk is None:
        return None
    return Source(
        chunk_id,
        int(chunk.document_id),
        str(chunk.document_name),
        str(chunk.document_path),
        chunk.page,
    )


def search_notes(store: Store, text: str, kinds: tuple[str, ...], limit: int = 20) -> list[NoteHit]:
    """Fresh notes of the given kinds ranked by BM25 over their text and answer."""
    query = fts_query(text)
    if not query or not kinds:
        return []
    marks = ",".join("?" * len(kinds))
    try:
        rows = store.query(
            "SELECT n.id, n.kind, n.text, n.answer, n.document_id, n.key, "
            "bm25(notes_fts) AS score "
            "FROM notes_fts JOIN notes n ON n.id = notes_fts.rowid "
            f"WHERE notes_fts MATCH ? AND n.stale = 0 AND n.kind IN ({marks}) "
            "ORDER BY score LIMIT ?",
            (query, *kinds, limit),
        )
    except sqlite3.Error:  # a malformed MATCH is no reason to fail a question (StoreError is)
        return []
    return [
        NoteHit(
            int(r["id"]),
            str(r["kind"]),
            str(r["text"]),
            r["answer"],
            r["document_id"],
            str(r["key"] or ""),
            float(r["score"]),
        )
        for r in rows
    ]


def document_notes(store: Store, document_id: int, kind: str) -> list[Note]:
    """A document's fresh notes of one kind, oldest first."""
    rows = store.query(
        "SELECT id, text FROM notes WHERE document_id = ? AND kind = ? AND stale = 0 ORDER BY id",
        (document_id, kind),
    )
    return [Note(int(r["id"]), str(r["text"])) for r in rows]


def cross_document_notes(store: Store) -> list[tuple[Note, frozenset[int]]]:
    """Fresh cross-document notes with the documents their sources lie in."""
    rows = store.query(
        "SELECT n.id, n.text, GROUP_CONCAT(DISTINCT c.document_id) AS docs FROM notes n "
        "JOIN note_sources ns ON ns.note_id = n.id JOIN chunks c ON c.id = ns.chunk_id "
        "WHERE n.kind = 'cross_document' AND n.stale = 0 GROUP BY n.id ORDER BY n.id"
    )
    return [
        (
            Note(int(r["id"]), str(r["text"])),
            frozenset(int(d) for d in str(r["docs"]).split(",") if d),
        )
        for r in rows
    ]


def latest_library_brief(store: Store) -> Note | None:
    rows = store.query(
        "SELECT id, text FROM notes WHERE kind = 'library_brief' AND stale = 0 "
        "ORDER BY id DESC LIMIT 1"
    )
    return Note(int(rows[0]["id"]), str(rows[0]["text"])) if rows else None


@dataclass(frozen=True)
class DocumentEntry:
    id: int
    name: str


def readable_documents(store: Store, limit: int | None = None) -> list[DocumentEntry]:
    """Documents not in error, by name."""
    sql = "SELECT id, name FROM documents WHERE state != 'error' ORDER BY name"
    rows = store.query(sql + (" LIMIT ?" if limit else ""), (limit,) if limit else ())
    return [DocumentEntry(int(r["id"]), str(r["name"])) for r in rows]


def document_name(store: Store, document_id: int) -> str | None:
    name = store.scalar("SELECT name FROM documents WHERE id = ?", (document_id,))
    return str(name) if name is not None else None


def chunk_count(store: Store) -> int:
    return int(store.scalar("SELECT COUNT(*) FROM chunks") or 0)


def first_chunks(store: Store, document_id: int, count: int = 3) -> list[Source]:
    """Where a document begins: its first chunks (a title page, the first lines)."""
    rows = store.query(
        "SELECT id FROM chunks WHERE document_id = ? ORDER BY ordinal LIMIT ?", (document_id, count)
    )
    return [s for s in (chunk_source(store, int(r[0])) for r in rows) if s is not None]
