"""Sections found by their parent: an index on `sections(parent_id)`.

A section's children are deleted with it (ON DELETE CASCADE), and without this index SQLite read
every section of the library to find them, once per section deleted: removing or re-reading a
document cost a scan of all sections per section it had (70 ms for 33 sections at 10,000
documents, growing with the library).
"""

import sqlite3


def migrate(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE INDEX sections_parent ON sections(parent_id)")
