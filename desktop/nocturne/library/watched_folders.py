"""Folders the library watches (table `watched_folders`, migration m005), and what the library
holds under a folder, for the watcher to compare with the disk.

Which folder replaces which is decided in `schedule/folders.py`; paths arrive here absolute. A
folder or file name need not be UTF-8: it is stored as its bytes (see `library/store.py`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from nocturne.library.store import Store, text_param


@dataclass(frozen=True)
class KnownFile:
    """A document as the watcher compares it with its file."""

    path: str
    size: int | None
    mtime: float | None
    state: str


@dataclass(frozen=True)
class DocumentPath:
    id: int
    path: str


def folder_paths(store: Store) -> list[Path]:
    """The watched folders, in path order."""
    return [Path(row[0]) for row in store.query("SELECT path FROM watched_folders ORDER BY path")]


def insert_folder(store: Store, path: str) -> None:
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO watched_folders(path) VALUES (CAST(? AS TEXT))", (text_param(path),)
        )


def delete_folder(store: Store, path: str) -> bool:
    """Stop watching `path`; False when it was not watched."""
    with store.transaction() as conn:
        cur = conn.execute(
            "DELETE FROM watched_folders WHERE path = CAST(? AS TEXT)", (text_param(path),)
        )
        return cur.rowcount > 0


def files_under(store: Store, folder: Path) -> list[KnownFile]:
    """The documents whose path lies inside `folder`."""
    rows = store.query(
        "SELECT path, size, mtime, state FROM documents WHERE substr(path, 1, ?) = ?",
        (len(str(folder)) + 1, str(folder) + os.sep),
    )
    return [KnownFile(row["path"], row["size"], row["mtime"], str(row["state"])) for row in rows]


def documents_at_or_under(store: Store, path: str) -> list[DocumentPath]:
    """The document at `path`, or every document under it if it is a folder (compared as
    bytes: a name need not be UTF-8)."""
    prefix_bytes = os.fsencode(path.rstrip("/\\") + os.sep)
    rows = store.query(
        "SELECT id, path FROM documents WHERE path = CAST(? AS TEXT) "
        "OR substr(CAST(path AS BLOB), 1, ?) = ?",
        (text_param(path), len(prefix_bytes), prefix_bytes),
    )
    return [DocumentPath(int(row["id"]), row["path"]) for row in rows]
