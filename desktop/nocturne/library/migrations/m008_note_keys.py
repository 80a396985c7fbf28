"""Keyed notes: `notes.key` holds what a keyed note answers for — a definition's term, an outline
entry's section number, a resolved reference's target section — so a question that names the
key is answered by lookup instead of search."""

import sqlite3

from nocturne.library.migrations import execute_script


def migrate(conn: sqlite3.Connection) -> None:
    execute_script(
        conn,
        """
        ALTER TABLE notes ADD COLUMN key TEXT NOT NULL DEFAULT '';
        CREATE INDEX notes_key ON notes(kind, key);
        """,
    )
