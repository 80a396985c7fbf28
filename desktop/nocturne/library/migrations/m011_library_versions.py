"""Counters that say when the library's names or text changed, so caches can be kept until then.

`library_versions` holds two counters, bumped by triggers on every change (whichever connection or
process makes it): `names` when a document is added, removed, renamed, re-titled, re-chunked, gets
other aliases or enters or leaves the error state (what `structure.document_catalog` reads);
`text` when a chunk or section is added, removed or changed (what the word frequencies of
`search.term_counts` read). A per-question cache of either is valid while its counter stays put.

And an index of the stale notes, so that counting them reads only those.
"""

import sqlite3

from nocturne.library.migrations import execute_script

_BUMP = "UPDATE library_versions SET n = n + 1 WHERE name = '{}';"


def _trigger(name: str, event: str, table: str, counter: str, when: str = "") -> str:
    condition = f" WHEN {when}" if when else ""
    return (
        f"CREATE TRIGGER {name} AFTER {event} ON {table}{condition} BEGIN "
        f"{_BUMP.format(counter)} END;\n"
    )


def migrate(conn: sqlite3.Connection) -> None:
    script = (
        "CREATE TABLE library_versions (name TEXT PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0);\n"
        "INSERT INTO library_versions(name) VALUES ('names'), ('text');\n"
    )
    script += _trigger("versions_documents_ai", "INSERT", "documents", "names")
    script += _trigger("versions_documents_ad", "DELETE", "documents", "names")
    script += _trigger(
        "versions_documents_au", "UPDATE OF name, title, chunk_count", "documents", "names"
    )
    script += _trigger(
        "versions_documents_state",
        "UPDATE OF state",
        "documents",
        "names",
        "(old.state = 'error') IS NOT (new.state = 'error')",
    )
    for table in ("document_aliases",):
        for event in ("INSERT", "DELETE", "UPDATE"):
            script += _trigger(f"versions_{table}_{event.lower()}", event, table, "names")
    for table in ("chunks", "sections"):
        for event in ("INSERT", "DELETE", "UPDATE"):
            script += _trigger(f"versions_{table}_{event.lower()}", event, table, "text")
    # The stale notes are few: `learned_notes.notes_signature` counts them from this index. It
    # holds only them, so a query for fresh notes is never planned through it (that read them
    # all to find the one library brief).
    script += "CREATE INDEX notes_stale ON notes(stale) WHERE stale > 0;\n"
    execute_script(conn, script)
