"""The library database: one SQLite file in the data dir.

WAL so that the digest process, the window and the CLI can read while one of them writes; a busy
timeout so that they wait for each other instead of failing; every write in an explicit
transaction; migrations run on open after a copy of the file is kept.

SQLite errors that are the environment's fault (locked, disk full, read-only, damaged, I/O) are
mapped once, here, to a `StoreError` whose sentence names the database file: the connection
itself maps them on every `execute`, so SQL anywhere, inside a transaction or not, reports the
same way. Other SQLite errors (a malformed FTS5 MATCH, a constraint) stay `sqlite3` errors.

File names need not be valid UTF-8 (old archives on Linux): paths are kept as Python keeps them
(undecodable bytes as surrogates, `os.fsdecode`) and stored as their exact bytes, so a path read
back opens the same file; names, titles and aliases are stored as a person sees them, with
U+FFFD for the bytes that are not text.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from nocturne import paths
from nocturne.engine.base import Usage
from nocturne.errors import StoreError
from nocturne.library.migrations import all_migrations
from nocturne.library.records import ChunkRecord, DocumentRecord
from nocturne.library.sections import SectionDraft
from nocturne.paths import display_path

BUSY_TIMEOUT_MS = 10_000

log = logging.getLogger(__name__)
_T = TypeVar("_T")


@dataclass(frozen=True)
class ChunkDraft:
    """A chunk before it is stored."""

    ordinal: int
    page: int | None
    text: str
    token_count: int
    section: int | None = None  # ordinal of the section (library/sections.py) it lies in


# SQLite's primary result codes for conditions of the environment, not of our SQL.
_CONDITIONS = {
    3: "read-only",  # SQLITE_PERM
    5: "locked",  # SQLITE_BUSY
    6: "locked",  # SQLITE_LOCKED
    8: "read-only",  # SQLITE_READONLY
    10: "io",  # SQLITE_IOERR
    11: "damaged",  # SQLITE_CORRUPT
    13: "full",  # SQLITE_FULL
    14: "cannot-open",  # SQLITE_CANTOPEN
    26: "damaged",  # SQLITE_NOTADB
}
# The same conditions by message, for errors that come without a code.
_CONDITION_WORDS = (
    ("locked", "locked"),
    ("busy", "locked"),
    ("disk is full", "full"),
    ("readonly", "read-only"),
    ("read-only", "read-only"),
    ("malformed", "damaged"),
    ("not a database", "damaged"),
    ("disk i/o error", "io"),
    ("unable to open", "cannot-open"),
)


def _condition(exc: sqlite3.Error) -> str | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in _CONDITIONS:
        return _CONDITIONS[code & 0xFF]
    lowered = str(exc).lower()
    return next((found for words, found in _CONDITION_WORDS if words in lowered), None)


def map_error(exc: sqlite3.Error, path: Path | str) -> StoreError | None:
    """The sentence for an SQLite error that is the environment's fault; None for the others."""
    condition = _condition(exc)
    if condition is None:
        return None
    database = display_path(str(path))
    detail = str(exc)
    sentences = {
        "locked": f"the library database {database} is busy: another Nocturne process (the "
        "window, the daemon or a digest) kept it locked; try again in a moment",
        "full": f"the disk is full: the library database {database} cannot grow; free some "
        "space and try again (finished work is kept)",
        "read-only": f"the library database {database} is read-only ({detail}); make the file "
        "and its folder writable",
        "cannot-open": f"the library database {database} cannot be opened ({detail}); check "
        "that its folder exists and can be written",
        "damaged": f"the library database {database} is damaged ({detail}); your documents "
        "themselves are not affected",
        "io": f"the library database {database} could not be read or written ({detail}); the "
        "disk may be failing or disconnected",
    }
    return StoreError(sentences[condition], condition=condition, database=database)


def escaped_store_error(exc: BaseException) -> StoreError | None:
    """An SQLite error of the environment that reached the top without being mapped (a row
    read while iterating a cursor is not), as the `StoreError` it is; None for anything else."""
    return map_error(exc, paths.db_path()) if isinstance(exc, sqlite3.Error) else None


class _MappedCursor(sqlite3.Cursor):
    """A cursor whose SQLite errors of the environment come out as `StoreError`."""

    def _guarded(self, call: Callable[[], _T]) -> _T:
        try:
            return call()
        except sqlite3.Error as exc:
            mapped = map_error(exc, getattr(self.connection, "database_path", "?"))
            if mapped is None:
                raise
            raise mapped from exc

    def execute(self, sql: str, parameters: Any = (), /) -> _MappedCursor:
        self._guarded(lambda: super(_MappedCursor, self).execute(sql, parameters))
        return self

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> _MappedCursor:
        self._guarded(lambda: super(_MappedCursor, self).executemany(sql, seq_of_parameters))
        return self

    def executescript(self, sql_script: str, /) -> _MappedCursor:
        self._guarded(lambda: super(_MappedCursor, self).executescript(sql_script))
        return self

    def fetchone(self) -> Any:
        return self._guarded(super().fetchone)

    def fetchmany(self, size: int | None = 1) -> list[Any]:
        return self._guarded(lambda: super(_MappedCursor, self).fetchmany(size))

    def fetchall(self) -> list[Any]:
        return self._guarded(super().fetchall)


class MappedConnection(sqlite3.Connection):
    """The library's connection: every `execute` goes through `map_error` (see the docstring).

    Rows are read with undecodable bytes kept as surrogates, so a path stored as bytes that are
    not UTF-8 comes back as the very path `os` gave (see `text_param`)."""

    database_path: Path | str = "?"

    def _cursor(self) -> _MappedCursor:
        cursor = _MappedCursor(self)
        cursor.row_factory = self.row_factory
        return cursor

    def execute(self, sql: str, parameters: Any = (), /) -> _MappedCursor:
        return self._cursor().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> _MappedCursor:
        return self._cursor().executemany(sql, parameters)

    def executescript(self, sql_script: str, /) -> _MappedCursor:
        return self._cursor().executescript(sql_script)


_read_text = functools.partial(str, encoding="utf-8", errors="surrogateescape")


def text_param(value: str) -> str | bytes:
    """`value` as an SQL parameter, to be written `CAST(? AS TEXT)`: a path whose bytes are not
    UTF-8 is bound as those bytes (stored as TEXT all the same, read back by `_read_text`)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(value)
    return value


class Store:
    """A connection to the library with its schema up to date."""

    def __init__(self, conn: sqlite3.Connection, path: Path | str) -> None:
        self.conn = conn
        self.path = path
        self._cached: dict[str, tuple[object, Any]] = {}

    def cached(self, name: str, version: object, build: Callable[[], _T]) -> _T:
        """`build()`, kept on this connection while `version` stays equal (one value per
        `name`, so the cache holds as many values as there are names, never more). Inside a
        transaction nothing is kept: a rollback would undo what the value was read from."""
        kept = self._cached.get(name)
        if kept is not None and kept[0] == version:
            value: _T = kept[1]
            return value
        value = build()
        if not self.conn.in_transaction:  # what a rollback may undo is not kept
            self._cached[name] = (version, value)
        return value

    def kept(self, name: str) -> Any:
        """The value `cached` keeps under `name`, whatever its version (None: nothing yet), for a
        rebuild that reuses what did not change."""
        kept = self._cached.get(name)
        return None if kept is None else kept[1]

    @classmethod
    def open(cls, path: Path | str | None = None) -> Store:
        target: Path | str = path if path is not None else paths.db_path()
        try:
            conn = sqlite3.connect(
                str(target),
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
                factory=MappedConnection,
            )
            conn.database_path = target
            conn.row_factory = sqlite3.Row
            conn.text_factory = _read_text
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            if str(target) != ":memory:":
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            store = cls(conn, target)
            store._migrate()
        except sqlite3.Error as exc:  # not an environment's condition, but nothing to open
            raise map_error(exc, target) or StoreError(
                f"the library database {display_path(str(target))} cannot be used ({exc})",
                database=display_path(str(target)),
            ) from exc
        return store

    def can_write(self) -> bool:
        """Whether this library can be written: its file, its folder and the WAL files beside it
        (a read-only library still answers, from what it holds). Asks the file system, never
        the database's write lock, so it never waits behind a digest's transaction."""
        if str(self.path) == ":memory:":
            return True
        database = Path(self.path)
        files = [database, database.parent]
        files += [f for f in (Path(f"{database}-wal"), Path(f"{database}-shm")) if f.exists()]
        return all(os.access(f, os.W_OK) for f in files)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------------

    def _migrate(self) -> None:
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, "
            "applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"
        )
        done = {row[0] for row in self.conn.execute("SELECT name FROM _migrations")}
        pending = [(name, fn) for name, fn in all_migrations() if name not in done]
        if not pending:
            return
        if done and str(self.path) != ":memory:" and Path(self.path).exists():
            backup = Path(f"{self.path}.before-{pending[0][0]}")
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copy2(self.path, backup)
        for name, migrate in pending:
            with self.transaction():
                # Re-check inside the write lock: another process may have migrated meanwhile.
                if self.conn.execute(
                    "SELECT 1 FROM _migrations WHERE name = ?", (name,)
                ).fetchone():
                    continue
                migrate(self.conn)
                self.conn.execute("INSERT INTO _migrations(name) VALUES (?)", (name,))

    def applied_migrations(self) -> list[str]:
        return [row[0] for row in self.conn.execute("SELECT name FROM _migrations ORDER BY name")]

    # -- transactions ---------------------------------------------------------------------

    @property
    def in_transaction(self) -> bool:
        """A transaction is open on this connection (a nested `transaction()` joins it)."""
        return self.conn.in_transaction

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception.

        Nested use joins the outer transaction, so a helper can always wrap its writes.
        """
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        """Undo an open transaction without ever hiding the error that led here.

        SQLite may have rolled back already (a full disk, an I/O error): then there is nothing
        to undo, and "cannot rollback - no transaction is active" would replace the reason."""
        if not self.conn.in_transaction:
            return
        try:
            self.conn.execute("ROLLBACK")
        except (sqlite3.Error, StoreError) as exc:
            log.warning("rollback failed after an error: %s", exc)

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        rows: list[sqlite3.Row] = self.conn.execute(sql, params).fetchall()
        return rows

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    # -- documents ------------------------------------------------------------------------

    def document_by_path(self, path: str) -> DocumentRecord | None:
        row: sqlite3.Row | None = self.conn.execute(
            "SELECT * FROM documents WHERE path = CAST(? AS TEXT)", (text_param(path),)
        ).fetchone()
        return None if row is None else DocumentRecord.from_row(row)

    def document(self, document_id: int) -> DocumentRecord | None:
        row: sqlite3.Row | None = self.conn.execute(
            "SELECT * FROM documents WHERE id = ?", (document_id,)
        ).fetchone()
        return None if row is None else DocumentRecord.from_row(row)

    def documents(self) -> list[DocumentRecord]:
        rows = self.query("SELECT * FROM documents ORDER BY name COLLATE NOCASE, id")
        return [DocumentRecord.from_row(row) for row in rows]

    def save_document(
        self,
        *,
        path: str,
        name: str,
        kind: str,
        content_hash: str,
        size: int,
        mtime: float,
        pages: int | None,
        chunks: Sequence[ChunkDraft],
        sections: Sequence[SectionDraft] = (),
        title: str = "",
        aliases: Sequence[str] = (),
        loader_version: str = "",
    ) -> int:
        """Insert or replace a document, its sections and chunks in one transaction.

        Replacing a document's chunks deletes its learned notes with them (their sources are
        gone) and marks the document stale, so the next digest redoes it.
        """
        name, title = display_path(name), display_path(title)
        aliases = [display_path(alias) for alias in aliases]
        with self.transaction() as conn:
            existing = conn.execute(
                "SELECT id FROM documents WHERE path = CAST(? AS TEXT)", (text_param(path),)
            ).fetchone()
            if existing is None:
                cur = conn.execute(
                    "INSERT INTO documents(path, name, kind, content_hash, size, mtime, pages, "
                    "state, learned_stale) VALUES (CAST(? AS TEXT), ?, ?, ?, ?, ?, ?, 'queued', 1)",
                    (text_param(path), name, kind, content_hash, size, mtime, pages),
                )
                document_id = int(cur.lastrowid or 0)
            else:
                document_id = int(existing[0])
                self._forget_learned(conn, document_id)
                conn.execute("DELETE FROM chunks WHERE document_id = ?", (document_id,))
                conn.execute("DELETE FROM sections WHERE document_id = ?", (document_id,))
                conn.execute("DELETE FROM document_aliases WHERE document_id = ?", (document_id,))
                conn.execute(
                    "UPDATE documents SET name = ?, kind = ?, content_hash = ?, size = ?, "
                    "mtime = ?, pages = ?, state = 'queued', error = NULL, learned_stale = 1, "
                    "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?",
                    (name, kind, content_hash, size, mtime, pages, document_id),
                )
            section_ids: dict[int, int] = {}
            for section in sections:  # parents come before their children
                cur = conn.execute(
                    "INSERT INTO sections(document_id, ordinal, parent_id, number, title, level, "
                    "page) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        document_id,
                        section.ordinal,
                        section_ids.get(section.parent) if section.parent is not None else None,
                        section.number,
                        section.title,
                        section.level,
                        section.page,
                    ),
                )
                section_ids[section.ordinal] = int(cur.lastrowid or 0)
            conn.executemany(
                "INSERT INTO chunks(document_id, ordinal, page, text, token_count, section_id) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        document_id,
                        c.ordinal,
                        c.page,
                        c.text,
                        c.token_count,
                        section_ids.get(c.section) if c.section is not None else None,
                    )
                    for c in chunks
                ],
            )
            conn.executemany(
                "INSERT OR IGNORE INTO document_aliases(document_id, alias) VALUES (?, ?)",
                [(document_id, alias) for alias in aliases],
            )
            conn.execute(
                "UPDATE documents SET chunk_count = ?, token_count = ?, title = ?, "
                "loader_version = ? WHERE id = ?",
                (
                    len(chunks),
                    sum(c.token_count for c in chunks),
                    title,
                    loader_version,
                    document_id,
                ),
            )
        return document_id

    @staticmethod
    def _forget_learned(conn: sqlite3.Connection, document_id: int) -> None:
        """Drop what was learned from a document whose text changed; library notes go stale."""
        conn.execute("DELETE FROM digest_steps WHERE document_id = ?", (document_id,))
        conn.execute("DELETE FROM notes WHERE document_id = ?", (document_id,))
        conn.execute("UPDATE notes SET stale = 1 WHERE document_id IS NULL")

    def record_error(self, *, path: str, name: str, kind: str, error: str) -> None:
        """Remember that a file could not be added, without touching a good earlier version."""
        name, error = display_path(name), display_path(error)
        with self.transaction() as conn:
            existing = conn.execute(
                "SELECT id, chunk_count FROM documents WHERE path = CAST(? AS TEXT)",
                (text_param(path),),
            ).fetchone()
            if existing is None:
                conn.execute(
                    "INSERT INTO documents(path, name, kind, state, error) "
                    "VALUES (CAST(? AS TEXT), ?, ?, 'error', ?)",
                    (text_param(path), name, kind, error),
                )
            elif existing["chunk_count"] == 0:
                conn.execute(
                    "UPDATE documents SET state = 'error', error = ?, "
                    "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?",
                    (error, existing["id"]),
                )
            else:
                # Keep the good chunks that were there; say what went wrong with the new version.
                conn.execute(
                    "UPDATE documents SET error = ?, "
                    "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?",
                    (error, existing["id"]),
                )

    def remove_document(self, document_id: int) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM documents WHERE id = ?", (document_id,))
            conn.execute("UPDATE notes SET stale = 1 WHERE document_id IS NULL")

    def set_loader_version(self, document_id: int, version: str) -> None:
        """The document was read again by this loader and reads as stored (same_reading.py)."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE documents SET loader_version = ? WHERE id = ?", (version, document_id)
            )

    def set_document_state(self, document_id: int, state: str, error: str | None = None) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE documents SET state = ?, error = ? WHERE id = ?",
                (state, error, document_id),
            )

    def chunks(self, document_id: int) -> list[ChunkRecord]:
        rows = self.query(
            "SELECT * FROM chunks WHERE document_id = ? ORDER BY ordinal", (document_id,)
        )
        return [ChunkRecord.from_row(row) for row in rows]

    def chunk(self, chunk_id: int) -> ChunkRecord | None:
        row: sqlite3.Row | None = self.conn.execute(
            "SELECT c.*, d.name AS document_name, d.path AS document_path FROM chunks c "
            "JOIN documents d ON d.id = c.document_id WHERE c.id = ?",
            (chunk_id,),
        ).fetchone()
        return None if row is None else ChunkRecord.from_row(row)

    # -- model call log ------------------------------------------------------------------

    def log_model_call(
        self,
        *,
        purpose: str,
        model_id: str,
        usage: Usage,
        seconds: float,
        first_token_s: float | None = None,
    ) -> int:
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO model_calls(purpose, model_id, prompt_tokens, completion_tokens, "
                "seconds, first_token_s) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    purpose,
                    model_id,
                    usage.prompt_tokens,
                    usage.completion_tokens,
                    seconds,
                    first_token_s,
                ),
            )
            return int(cur.lastrowid or 0)

    def model_call_totals(self) -> dict[str, dict[str, float]]:
        """Per purpose: calls, prompt and completion tokens, seconds."""
        rows = self.query(
            "SELECT purpose, COUNT(*) AS calls, SUM(prompt_tokens) AS prompt_tokens, "
            "SUM(completion_tokens) AS completion_tokens, SUM(seconds) AS seconds "
            "FROM model_calls GROUP BY purpose"
        )
        return {
            row["purpose"]: {
                "calls": row["calls"],
                "prompt_tokens": row["prompt_tokens"] or 0,
                "completion_tokens": row["completion_tokens"] or 0,
                "seconds": row["seconds"] or 0.0,
            }
            for row in rows
        }
