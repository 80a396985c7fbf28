"""Documents the digest should take first: asked about before their digest was done, or asked
for ("Digest this document now", `nocturne digest PATH`). One row a document, with when and why;
the row goes once the document is ready (`library/digest_priorities.py`)."""

import sqlite3

from nocturne.library.migrations import execute_script


def migrate(conn: sqlite3.Connection) -> None:
    execute_script(
        conn,
        """
        CREATE TABLE digest_priorities (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            reason TEXT NOT NULL,
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        );
        """,
    )
