"""The store's typed records (`library/records.py`): read from rows, tolerant of NULLs and of
columns a later migration adds."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from nocturne.library.records import ChunkRecord, DocumentRecord
from nocturne.library.store import ChunkDraft, Store


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


def _document_row(conn: sqlite3.Connection, **values: object) -> sqlite3.Row:
    columns = {
        "id": 7,
        "path": "/docs/lease.pdf",
        "name": "lease.pdf",
        "kind": "pdf",
        "content_hash": "abc",
        "size": 2048,
        "mtime": 1700000000.5,
        "pages": 3,
        "chunk_count": 4,
        "token_count": 900,
        "state": "ready",
        "error": None,
        "learned_stale": 0,
        "added_at": "2024-01-01T00:00:00.000Z",
        "updated_at": "2024-01-02T00:00:00.000Z",
        "title": "Lease",
        "loader_version": "blocks-3",
    }
    columns.update(values)
    select = ", ".join(f"? AS {name}" for name in columns)
    row: sqlite3.Row = conn.execute(f"SELECT {select}", list(columns.values())).fetchone()
    return row


def test_a_document_is_read_with_its_types(conn: sqlite3.Connection) -> None:
    record = DocumentRecord.from_row(_document_row(conn))
    assert record == DocumentRecord(
        id=7,
        path="/docs/lease.pdf",
        name="lease.pdf",
        kind="pdf",
        content_hash="abc",
        size=2048,
        mtime=1700000000.5,
        pages=3,
        chunk_count=4,
        token_count=900,
        state="ready",
        error=None,
        learned_stale=False,
        added_at="2024-01-01T00:00:00.000Z",
        updated_at="2024-01-02T00:00:00.000Z",
        title="Lease",
        loader_version="blocks-3",
    )


def test_a_document_row_with_nulls_gets_plain_defaults(conn: sqlite3.Connection) -> None:
    row = _document_row(
        conn,
        kind=None,
        content_hash=None,
        size=None,
        mtime=None,
        pages=None,
        chunk_count=None,
        token_count=None,
        title=None,
        loader_version=None,
        state="error",
        error="unreadable",
        learned_stale=1,
    )
    record = DocumentRecord.from_row(row)
    assert (record.kind, record.content_hash, record.size, record.mtime) == ("", None, 0, 0.0)
    assert (record.pages, record.chunk_count, record.token_count) == (None, 0, 0)
    assert (record.title, record.loader_version) == ("", "")
    assert (record.state, record.error, record.learned_stale) == ("error", "unreadable", True)


def test_a_column_added_later_is_ignored(conn: sqlite3.Connection) -> None:
    row = _document_row(conn, colour="blue")
    assert DocumentRecord.from_row(row) == DocumentRecord.from_row(_document_row(conn))


def test_a_chunk_of_a_documents_list_has_no_document_name_or_path(
    conn: sqlite3.Connection,
) -> None:
    row = conn.execute(
        "SELECT 5 AS id, 7 AS document_id, 2 AS ordinal, NULL AS page, "
        "'The deposit is 2,500 euros.' AS text, 8 AS token_count, NULL AS section_id"
    ).fetchone()
    chunk = ChunkRecord.from_row(row)
    assert chunk == ChunkRecord(5, 7, 2, None, "The deposit is 2,500 euros.", 8, None, "", "")


def test_a_chunk_looked_up_alone_carries_its_document(conn: sqlite3.Connection) -> None:
    row = conn.execute(
        "SELECT 5 AS id, 7 AS document_id, 0 AS ordinal, '3' AS page, 'Text.' AS text, "
        "'8' AS token_count, '11' AS section_id, 'lease.pdf' AS document_name, "
        "'/docs/lease.pdf' AS document_path"
    ).fetchone()
    chunk = ChunkRecord.from_row(row)
    assert (chunk.page, chunk.token_count, chunk.section_id) == (3, 8, 11)  # ints, not strings
    assert (chunk.document_name, chunk.document_path) == ("lease.pdf", "/docs/lease.pdf")


def test_the_records_fit_the_rows_of_the_migrated_schema(store: Store) -> None:
    document_id = store.save_document(
        path="/docs/notes.txt",
        name="notes.txt",
        kind="text",
        content_hash="h",
        size=12,
        mtime=3.0,
        pages=None,
        chunks=[ChunkDraft(0, None, "The boiler is serviced in May.", 7)],
        title="Notes",
    )
    document = store.document(document_id)
    assert document is not None
    assert (document.name, document.state, document.learned_stale) == ("notes.txt", "queued", True)
    assert (document.chunk_count, document.token_count, document.title) == (1, 7, "Notes")
    (listed,) = store.chunks(document_id)
    alone = store.chunk(listed.id)
    assert (listed.document_name, listed.text) == ("", "The boiler is serviced in May.")
    assert alone is not None and alone.document_path == "/docs/notes.txt"
