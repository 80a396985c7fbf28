"""What the store hands out about documents and chunks: plain, typed records, not database rows.

`Store.document()`, `documents()`, `document_by_path()`, `chunks()` and `chunk()` return these,
so callers outside `library/` neither index rows by column name nor depend on the schema.
A record is read from a row by `from_row`, which takes the columns it knows and ignores others
(a later migration may add columns without breaking a caller).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentRecord:
    """One document of the library, as it was added (state: queued, digesting, ready, stale,
    needs-ocr or error; `error` says why for an error)."""

    id: int
    path: str
    name: str
    kind: str
    content_hash: str | None
    size: int
    mtime: float
    pages: int | None
    chunk_count: int
    token_count: int
    state: str
    error: str | None
    learned_stale: bool
    added_at: str
    updated_at: str
    title: str
    loader_version: str

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> DocumentRecord:
        return cls(
            id=int(row["id"]),
            path=str(row["path"]),
            name=str(row["name"]),
            kind=str(row["kind"] or ""),
            content_hash=row["content_hash"],
            size=int(row["size"] or 0),
            mtime=float(row["mtime"] or 0.0),
            pages=None if row["pages"] is None else int(row["pages"]),
            chunk_count=int(row["chunk_count"] or 0),
            token_count=int(row["token_count"] or 0),
            state=str(row["state"]),
            error=row["error"],
            learned_stale=bool(row["learned_stale"]),
            added_at=str(row["added_at"]),
            updated_at=str(row["updated_at"]),
            title=str(row["title"] or ""),
            loader_version=str(row["loader_version"] or ""),
        )


@dataclass(frozen=True)
class ChunkRecord:
    """One passage of a document, with its page (None for formats without pages) and section.

    `document_name` and `document_path` are filled by `Store.chunk()` (a passage looked up on
    its own); a document's `chunks()` leave them empty, the caller has the document."""

    id: int
    document_id: int
    ordinal: int
    page: int | None
    text: str
    token_count: int
    section_id: int | None
    document_name: str = ""
    document_path: str = ""

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> ChunkRecord:
        keys = row.keys()
        return cls(
            id=int(row["id"]),
            document_id=int(row["document_id"]),
            ordinal=int(row["ordinal"]),
            page=None if row["page"] is None else int(row["page"]),
            text=str(row["text"]),
            token_count=int(row["token_count"]),
            section_id=None if row["section_id"] is None else int(row["section_id"]),
            document_name=str(row["document_name"]) if "document_name" in keys else "",
            document_path=str(row["document_path"]) if "document_path" in keys else "",
        )
