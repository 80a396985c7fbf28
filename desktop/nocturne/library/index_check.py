"""A cheap check that the search indexes a question reads can be read, for `nocturne status`.

`status` itself reads the documents and the digest's tables, never the full-text indexes
(`chunks_fts`, `sections_fts`, `notes_fts`) every question searches, so a library whose index
is damaged looked fine there while every question failed. The check opens each index with a
search, as a question does, then walks the pages of its tables (SQLite reads every leaf page
to visit the rows): damage there raises the store's `StoreError` ("… is damaged …"), the same
sentence a question gets. The walk stops after `budget_s` seconds, so a very large library
is checked only part of the way but its status stays quick.
"""

from __future__ import annotations

import sqlite3
import time

from nocturne.library.store import Store

BUDGET_S = 0.25
_STEPS_BETWEEN_CLOCK_READS = 10_000  # SQLite virtual-machine steps


def search_indexes(store: Store) -> list[str]:
    """The library's full-text (FTS5) tables, by name."""
    rows = store.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' "
        "AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%' ORDER BY name"
    )
    return [str(row[0]) for row in rows]


def check_search_indexes(store: Store, budget_s: float = BUDGET_S) -> None:
    """Raise the store's `StoreError` (condition "damaged") when an index cannot be read."""
    indexes = search_indexes(store)
    for index in indexes:  # opening it and one search read its configuration and structure
        store.query(f"SELECT rowid FROM {index} WHERE {index} MATCH 'nocturne' LIMIT 1")
    shadow = [
        f"{index}_{part}" for index in indexes for part in ("config", "idx", "docsize", "data")
    ]
    tables = set(_tables(store))
    deadline = time.monotonic() + budget_s
    store.conn.set_progress_handler(
        lambda: int(time.monotonic() > deadline), _STEPS_BETWEEN_CLOCK_READS
    )
    try:
        for table in (name for name in shadow if name in tables):
            store.scalar(f"SELECT sum(1) FROM {table}")  # row by row: the budget can stop it
    except sqlite3.OperationalError as exc:  # the budget is spent: what was read is sound
        if "interrupted" not in str(exc):
            raise
    finally:
        store.conn.set_progress_handler(None, 0)


def _tables(store: Store) -> list[str]:
    return [str(row[0]) for row in store.query("SELECT name FROM sqlite_master WHERE type='table'")]
