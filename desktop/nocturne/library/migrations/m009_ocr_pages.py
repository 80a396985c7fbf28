"""OCR of scanned pages as sleep-time work: one row per page that has no text layer.

A row is added `pending` when the file is added; the digest reads the page and commits its text
(`done`), or says why it could not (`empty`: OCR found no text; `error`: the page could not be
rendered). Rows belong to one version of the file (`content_hash`), so re-adding an unchanged
file keeps the OCR work and a changed file starts afresh. `confidence` is the mean recognition
score of the page's lines, `rotation` the degrees the page was turned to be read.
"""

import sqlite3

from nocturne.library.migrations import execute_script


def migrate(conn: sqlite3.Connection) -> None:
    execute_script(
        conn,
        """
        CREATE TABLE ocr_pages (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            page INTEGER NOT NULL,
            content_hash TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',
            text TEXT NOT NULL DEFAULT '',
            confidence REAL,
            rotation INTEGER NOT NULL DEFAULT 0,
            seconds REAL NOT NULL DEFAULT 0,
            message TEXT NOT NULL DEFAULT '',
            engine TEXT NOT NULL DEFAULT '',
            finished_at TEXT,
            UNIQUE (document_id, page)
        );
        CREATE INDEX ocr_pages_state ON ocr_pages(state, document_id);
        """,
    )
