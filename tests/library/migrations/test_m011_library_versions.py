"""Migration m011 (`library/migrations/m011_library_versions.py`) on a library built by the
migrations before it: the two counters start at 0 and its triggers move `names` with a document's
names and error state, `text` with chunks and sections, and nothing else; the stale-notes index
holds only stale notes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from nocturne.library.library_versions import LibraryVersions, library_versions
from nocturne.library.migrations import all_migrations
from nocturne.library.migrations.m011_library_versions import migrate
from nocturne.library.store import Store

ADD_CHUNK = "INSERT INTO chunks(document_id, ordinal, text, token_count) VALUES (1, 1, 'x', 1)"
ADD_SECTION = "INSERT INTO sections(document_id, ordinal, title, level) VALUES (1, 0, 'Rent', 1)"


def _before_m011() -> sqlite3.Connection:
    """A connection set up like the store's, with every migration before m011 applied."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    for name, earlier in all_migrations():
        if name < "m011":
            earlier(conn)
    return conn


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    connection = _before_m011()
    connection.execute("INSERT INTO documents(path, name) VALUES ('/d/lease.txt', 'lease.txt')")
    connection.execute(
        "INSERT INTO chunks(document_id, ordinal, text, token_count) "
        "VALUES (1, 0, 'The deposit is 2,500 euros.', 6)"
    )
    migrate(connection)
    yield connection
    connection.close()


def _versions(conn: sqlite3.Connection) -> tuple[int, int]:
    counters = dict(conn.execute("SELECT name, n FROM library_versions").fetchall())
    return int(counters["names"]), int(counters["text"])


def _moves(conn: sqlite3.Connection, sql: str, params: tuple[object, ...] = ()) -> tuple[int, int]:
    """How far (names, text) move when `sql` runs."""
    names, text = _versions(conn)
    conn.execute(sql, params)
    after_names, after_text = _versions(conn)
    return after_names - names, after_text - text


def test_the_counters_start_at_zero_and_the_data_is_kept(conn: sqlite3.Connection) -> None:
    assert _versions(conn) == (0, 0)  # rows already there moved nothing
    assert conn.execute("SELECT name FROM documents").fetchone()[0] == "lease.txt"
    assert conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0] == 1


@pytest.mark.parametrize(
    ("sql", "moves"),
    [
        ("INSERT INTO documents(path, name) VALUES ('/d/b.txt', 'b.txt')", (1, 0)),
        ("UPDATE documents SET name = 'renamed.txt'", (1, 0)),
        ("UPDATE documents SET title = 'The lease'", (1, 0)),
        ("UPDATE documents SET chunk_count = 3", (1, 0)),
        ("UPDATE documents SET mtime = 5, size = 10, content_hash = 'h', token_count = 9", (0, 0)),
        ("UPDATE documents SET learned_stale = 0, updated_at = 'later'", (0, 0)),
        ("INSERT INTO document_aliases(document_id, alias) VALUES (1, 'lease')", (1, 0)),
        (ADD_CHUNK, (0, 1)),
        ("UPDATE chunks SET text = 'The deposit is 3,000 euros.'", (0, 1)),
        ("DELETE FROM chunks", (0, 1)),
        (ADD_SECTION, (0, 1)),
    ],
)
def test_each_change_moves_its_counter_only(
    conn: sqlite3.Connection, sql: str, moves: tuple[int, int]
) -> None:
    assert _moves(conn, sql) == moves


def test_aliases_and_sections_move_their_counters_when_changed_or_removed(
    conn: sqlite3.Connection,
) -> None:
    conn.execute("INSERT INTO document_aliases(document_id, alias) VALUES (1, 'lease')")
    conn.execute(ADD_SECTION)
    assert _moves(conn, "UPDATE document_aliases SET alias = 'the lease'") == (1, 0)
    assert _moves(conn, "DELETE FROM document_aliases") == (1, 0)
    # (not its title: m007 keeps sections_fts in step on insert and delete only)
    assert _moves(conn, "UPDATE sections SET level = 2, page = 4") == (0, 1)
    assert _moves(conn, "DELETE FROM sections") == (0, 1)


def test_only_entering_or_leaving_the_error_state_moves_the_names(
    conn: sqlite3.Connection,
) -> None:
    state = "UPDATE documents SET state = ?, error = ?"
    assert _moves(conn, state, ("digesting", None)) == (0, 0)
    assert _moves(conn, state, ("ready", None)) == (0, 0)
    assert _moves(conn, state, ("error", "unreadable")) == (1, 0)
    assert _moves(conn, state, ("error", "still unreadable")) == (0, 0)
    assert _moves(conn, state, ("queued", None)) == (1, 0)


def test_removing_a_document_moves_both_counters(conn: sqlite3.Connection) -> None:
    names, text = _moves(conn, "DELETE FROM documents")  # its chunk goes by cascade
    assert names == 1 and text >= 1


def test_the_stale_notes_index_holds_only_stale_notes(conn: sqlite3.Connection) -> None:
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'notes_stale'").fetchone()
    assert sql == "CREATE INDEX notes_stale ON notes(stale) WHERE stale > 0"

    def plan(query: str) -> str:
        return " ".join(str(row[3]) for row in conn.execute(f"EXPLAIN QUERY PLAN {query}"))

    assert "notes_stale" in plan("SELECT COALESCE(SUM(stale), 0) FROM notes WHERE stale > 0")
    assert "notes_stale" not in plan("SELECT id FROM notes WHERE kind = 'x' AND stale = 0")


def test_the_migration_runs_inside_the_callers_transaction() -> None:
    conn = _before_m011()
    conn.execute("BEGIN IMMEDIATE")
    migrate(conn)
    assert conn.in_transaction  # no COMMIT of its own, unlike executescript
    conn.execute("ROLLBACK")
    left = conn.execute(
        "SELECT name FROM sqlite_master WHERE name LIKE 'versions_%' OR name IN "
        "('library_versions', 'notes_stale')"
    ).fetchall()
    assert left == []
    conn.close()


def test_opening_a_library_of_m010_applies_it_and_keeps_a_copy(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("PRAGMA foreign_keys = ON")
    old.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    for name, earlier in all_migrations():
        if name < "m011":
            earlier(old)
            old.execute("INSERT INTO _migrations(name) VALUES (?)", (name,))
    old.execute("INSERT INTO documents(path, name) VALUES ('/d/lease.txt', 'lease.txt')")
    old.close()
    with Store.open(path) as store:
        assert "m011_library_versions" in store.applied_migrations()
        assert library_versions(store) == LibraryVersions(names=0, text=0)
        assert [d.name for d in store.documents()] == ["lease.txt"]
        store.set_document_state(1, "error", "unreadable")
        assert library_versions(store) == LibraryVersions(names=1, text=0)
    backup = sqlite3.connect(tmp_path / "library.sqlite3.before-m011_library_versions")
    tables = {row[0] for row in backup.execute("SELECT name FROM sqlite_master")}
    backup.close()
    assert "documents" in tables and "library_versions" not in tables
