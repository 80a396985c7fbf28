"""The digest's record: finished steps (table `digest_steps`) and the notes they wrote.

A step commits its notes, their source chunks and its `digest_steps` row in one transaction
(`record_step`), so a digest killed at any moment leaves the whole step or none of it. Whether a
recorded step is still current (model, prompt version, stale notes) is decided by the digest
(`sleeptime/plan.py`); this module only reads and writes the facts it decides from. What the
digest spent in tokens is read in `library/sleep_tokens.py`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from nocturne.library.store import Store


@dataclass(frozen=True)
class StepRecord:
    """A finished step as recorded, with whether any of its notes went stale since."""

    id: int
    key: str
    kind: str
    model_id: str
    prompt_version: str
    has_stale_notes: bool


@dataclass(frozen=True)
class FinishedStep:
    """A step's row as `record_step` writes it."""

    key: str
    kind: str
    document_id: int | None
    model_id: str
    prompt_version: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    kept: int
    dropped: int


class NoteToStore(Protocol):
    """What `record_step` needs of a note (the digest's `NoteDraft` has it)."""

    @property
    def kind(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def chunk_ids(self) -> tuple[int, ...]: ...
    @property
    def page(self) -> int | None: ...
    @property
    def document_id(self) -> int | None: ...
    @property
    def model_id(self) -> str: ...
    @property
    def prompt_version(self) -> str: ...
    @property
    def answer(self) -> str | None: ...
    @property
    def tokens(self) -> int: ...
    @property
    def key(self) -> str: ...


@dataclass(frozen=True)
class KindTotals:
    """What the finished steps of one kind did and spent."""

    steps: int
    kept: int
    dropped: int
    tokens: int
    seconds: float


@dataclass(frozen=True)
class NoteCounts:
    kept: int
    stale: int


def step_records(store: Store) -> list[StepRecord]:
    rows = store.query(
        "SELECT s.id, s.step_key, s.kind, s.model_id, s.prompt_version, "
        "EXISTS(SELECT 1 FROM notes n WHERE n.step_id = s.id AND n.stale = 1) AS stale "
        "FROM digest_steps s"
    )
    return [
        StepRecord(
            int(row["id"]),
            str(row["step_key"]),
            str(row["kind"]),
            str(row["model_id"]),
            str(row["prompt_version"]),
            bool(row["stale"]),
        )
        for row in rows
    ]


def forget_step(store: Store, step_id: int) -> None:
    """Delete a step's row, and with it its notes (they cascade)."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM digest_steps WHERE id = ?", (step_id,))


def mark_notes_stale(store: Store, step_id: int) -> None:
    """The step's notes are never served until a redo of the step replaces them."""
    with store.transaction() as conn:
        conn.execute("UPDATE notes SET stale = 1 WHERE step_id = ?", (step_id,))


def record_step(store: Store, step: FinishedStep, notes: Sequence[NoteToStore]) -> int | None:
    """Store the step's row, notes and note sources in one transaction, replacing an earlier
    version of the same step; returns the step id, or None (nothing written) when a source
    chunk or the document vanished meanwhile."""
    try:
        with store.transaction() as conn:
            conn.execute("DELETE FROM digest_steps WHERE step_key = ?", (step.key,))
            cur = conn.execute(
                "INSERT INTO digest_steps(step_key, kind, document_id, model_id, prompt_version, "
                "prompt_tokens, completion_tokens, seconds, kept, dropped) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    step.key,
                    step.kind,
                    step.document_id,
                    step.model_id,
                    step.prompt_version,
                    step.prompt_tokens,
                    step.completion_tokens,
                    step.seconds,
                    step.kept,
                    step.dropped,
                ),
            )
            step_id = int(cur.lastrowid or 0)
            for note in notes:
                cur = conn.execute(
                    "INSERT INTO notes(step_id, kind, document_id, page, text, answer, model_id, "
                    "prompt_version, tokens, key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        step_id,
                        note.kind,
                        note.document_id,
                        note.page,
                        note.text,
                        note.answer,
                        note.model_id,
                        note.prompt_version,
                        note.tokens,
                        note.key,
                    ),
                )
                note_id = int(cur.lastrowid or 0)
                conn.executemany(
                    "INSERT OR IGNORE INTO note_sources(note_id, chunk_id) VALUES (?, ?)",
                    [(note_id, chunk_id) for chunk_id in note.chunk_ids],
                )
    except sqlite3.IntegrityError:  # a foreign key: the chunk or document is gone
        return None
    return step_id


def totals_by_kind(store: Store) -> dict[str, KindTotals]:
    rows = store.query(
        "SELECT kind, COUNT(*) AS steps, SUM(kept) AS kept, SUM(dropped) AS dropped, "
        "SUM(prompt_tokens + completion_tokens) AS tokens, SUM(seconds) AS seconds "
        "FROM digest_steps GROUP BY kind"
    )
    return {
        str(row["kind"]): KindTotals(
            int(row["steps"]),
            int(row["kept"]),
            int(row["dropped"]),
            int(row["tokens"]),
            float(row["seconds"]),
        )
        for row in rows
    }


def notes_by_kind(store: Store) -> dict[str, NoteCounts]:
    """Per note kind: how many notes are kept (served) and how many wait, stale, for a redo."""
    rows = store.query(
        "SELECT kind, SUM(stale = 0) AS kept, SUM(stale = 1) AS stale FROM notes GROUP BY kind"
    )
    return {str(row["kind"]): NoteCounts(int(row["kept"]), int(row["stale"])) for row in rows}


def fresh_notes_per_document(store: Store) -> dict[int, int]:
    """Per document id: its notes that are not stale (library-wide notes belong to none)."""
    rows = store.query(
        "SELECT document_id, COUNT(*) AS n FROM notes WHERE stale = 0 "
        "AND document_id IS NOT NULL GROUP BY document_id"
    )
    return {int(row["document_id"]): int(row["n"]) for row in rows}


def work_fingerprint(store: Store) -> tuple[object, ...]:
    """Changes whenever documents, notes or finished steps change (one cheap query)."""
    row = store.query(
        "SELECT (SELECT COUNT(*) FROM documents), (SELECT MAX(updated_at) FROM documents), "
        "(SELECT COUNT(*) FROM digest_steps), (SELECT MAX(id) FROM digest_steps), "
        "(SELECT COUNT(*) FROM notes WHERE stale = 1)"
    )[0]
    return tuple(row)
