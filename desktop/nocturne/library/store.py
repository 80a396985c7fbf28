"""The library database: one SQLite file in the data dir.

WAL so that the digest process, the window and the CLI can read while one of them writes; a busy
timeout so that they wait for each other instead of failing; every write in an explicit
transaction; migrations run on open after a copy of the file is kept. SQLite errors that are the
environment's fault are mapped once, here, to `StoreError`.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nocturne import paths
from nocturne.engine.base import Usage
from nocturne.errors import StoreError
from nocturne.library.migrations import all_migrations
from nocturne.library.sections import SectionDraft

BUSY_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class ChunkDraft:
    """A chunk before it is stored."""

    ordinal: int
    page: int | None
    text: str
    token_count: int
    section: int | None = None  # ordinal of the section (library/sections.py) it lies in


def _map_error(exc: sqlite3.Error, path: Path | str) -> StoreError:
    text = str(exc)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        reason = "the library is busy in another Nocturne process; try again in a moment"
    elif "disk is full" in lowered or "database or disk is full" in lowered:
        reason = "the disk is full"
    elif "unable to open" in lowered or "readonly" in lowered or "read-only" in lowered:
        reason = f"the library database cannot be written ({text})"
    elif "malformed" in lowered or "not a database" in lowered:
        reason = f"the library database is damaged ({text})"
    else:
        reason = f"database error: {text}"
    return StoreError(reason, path=str(path))


class Store:
    """A connection to the library with its schema up to date."""

    def __init__(self, conn: sqlite3.Connection, path: Path | str) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Path | str | None = None) -> Store:
        target: Path | str = path if path is not None else paths.db_path()
        try:
            conn = sqlite3.connect(
                str(target),
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            if str(target) != ":memory:":
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            store = cls(conn, target)
            store._migrate()
        except sqlite3.Error as exc:
            raise _map_error(exc, target) from exc
        return store

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

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception.

        Nested use joins the outer transaction, so a helper can always wrap its writes.
        """
        if self.conn.in_transaction:
            yield self.conn
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _map_error(exc, self.path) from exc
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self.conn.execute("ROLLBACK")
            raise _map_error(exc, self.path) from exc

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            raise _map_error(exc, self.path) from exc

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    # -- documents ------------------------------------------------------------------------

    def document_by_path(self, path: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(
            "SELECT * FROM documents WHERE path = ?", (path,)
        ).fetchone()
        return row

    def document(self, document_id: int) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(
            "SELECT * FROM documents WHERE id = ?", (document_id,)
        ).fetchone()
        return row

    def documents(self) -> list[sqlite3.Row]:
        return self.query("SELECT * FROM documents ORDER BY name COLLATE NOCASE, id")

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
        with self.transaction() as conn:
            existing = conn.execute("SELECT id FROM documents WHERE path = ?", (path,)).fetchone()
            if existing is None:
                cur = conn.execute(
                    "INSERT INTO documents(path, name, kind, content_hash, size, mtime, pages, "
                    "state, learned_stale) VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', 1)",
                    (path, name, kind, content_hash, size, mtime, pages),
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
        with self.transaction() as conn:
            existing = conn.execute(
                "SELECT id, chunk_count FROM documents WHERE path = ?", (path,)
            ).fetchone()
            if existing is None:
                conn.execute(
                    "INSERT INTO documents(path, name, kind, state, error) "
                    "VALUES (?, ?, ?, 'error', ?)",
                    (path, name, kind, error),
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

    def set_document_state(self, document_id: int, state: str, error: str | None = None) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE documents SET state = ?, error = ? WHERE id = ?",
                (state, error, document_id),
            )

    def chunks(self, document_id: int) -> list[sqlite3.Row]:
        return self.query(
            "SELECT * FROM chunks WHERE document_id = ? ORDER BY ordinal", (document_id,)
        )

    def chunk(self, chunk_id: int) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(
            "SELECT c.*, d.name AS document_name, d.path AS document_path FROM chunks c "
            "JOIN documents d ON d.id = c.document_id WHERE c.id = ?",
            (chunk_id,),
        ).fetchone()
        return row

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
