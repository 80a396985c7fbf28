"""Documents the digest takes first (table `digest_priorities`, migration m010).

A question that used a document whose digest is not done records it (`asked`); "Digest this
document now" and `nocturne digest PATH` record theirs (`requested`). The next digest's plan
starts with them, the latest first (`sleeptime/order.py`), and a row goes once its document is
ready (`digest_documents.set_digest_state`). Also here: finding documents by the paths they were
added under, for `nocturne digest PATH`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from nocturne.library.store import Store, text_param

ASKED = "asked"
REQUESTED = "requested"


@dataclass(frozen=True)
class Priority:
    document_id: int
    reason: str  # asked | requested
    at: str  # ISO time, UTC


def _stamp(at: datetime | None) -> str:
    moment = (at or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def request_documents(
    store: Store, document_ids: Iterable[int], at: datetime | None = None
) -> None:
    """The person asked for these documents to be digested now: they go to the front."""
    stamp = _stamp(at)
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO digest_priorities(document_id, reason, at) "
            "SELECT id, ?, ? FROM documents WHERE id = ? "
            "ON CONFLICT(document_id) DO UPDATE SET reason = excluded.reason, at = excluded.at",
            [(REQUESTED, stamp, d) for d in sorted(set(document_ids))],
        )


def note_asked_about(store: Store, document_ids: Iterable[int], at: datetime | None = None) -> None:
    """A question used these documents: those whose digest is not done go to the front (a
    document asked for keeps its reason, and its place moves to now)."""
    stamp = _stamp(at)
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO digest_priorities(document_id, reason, at) "
            "SELECT id, ?, ? FROM documents WHERE id = ? AND learned_stale = 1 "
            "AND state != 'error' "
            "ON CONFLICT(document_id) DO UPDATE SET at = excluded.at",
            [(ASKED, stamp, d) for d in sorted(set(document_ids))],
        )


def priorities(store: Store) -> dict[int, Priority]:
    """Every document waiting at the front, by id."""
    rows = store.query("SELECT document_id, reason, at FROM digest_priorities")
    return {
        int(r["document_id"]): Priority(int(r["document_id"]), str(r["reason"]), str(r["at"]))
        for r in rows
    }


def clear_priority(store: Store, document_id: int) -> None:
    with store.transaction() as conn:
        conn.execute("DELETE FROM digest_priorities WHERE document_id = ?", (document_id,))


@dataclass(frozen=True)
class PathMatch:
    path: str  # as given
    document_ids: tuple[int, ...]  # the document at that path, or those under that folder


def documents_at_paths(store: Store, paths: Sequence[str]) -> list[PathMatch]:
    """For each path, the documents added under it: the file itself, or every document inside
    the folder (paths are compared as `nocturne add` stored them: absolute, `~` expanded)."""
    matches: list[PathMatch] = []
    for given in paths:
        absolute = os.path.abspath(os.path.expanduser(given))
        rows = store.query(
            "SELECT id FROM documents WHERE path = CAST(? AS TEXT) ORDER BY id",
            (text_param(absolute),),
        )
        if not rows:
            prefix = absolute.rstrip(os.sep) + os.sep
            rows = store.query(
                "SELECT id FROM documents WHERE substr(path, 1, ?) = CAST(? AS TEXT) ORDER BY id",
                (len(prefix), text_param(prefix)),
            )
        matches.append(PathMatch(given, tuple(int(r["id"]) for r in rows)))
    return matches
