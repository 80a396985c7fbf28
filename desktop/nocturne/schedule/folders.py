"""Folders the library keeps watching (table `watched_folders`, migration m005).

`nocturne add FOLDER` (and a folder dropped on the window) records the folder here, so that the
daemon and the window watch it: new, changed, moved and deleted files update the library.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from nocturne.library.store import Store, text_param


def _normal(path: str | Path) -> str:
    return str(Path(path).expanduser().absolute())


def add_watched_folder(store: Store, path: str | Path) -> bool:
    """Watch `path` from now on; False if it was already watched or is inside a watched one."""
    target = _normal(path)
    for existing in watched_folders(store):
        if target == str(existing) or Path(target).is_relative_to(existing):
            return False
    with store.transaction() as conn:
        # A parent folder replaces the subfolders it contains.
        for existing in watched_folders(store):
            if existing.is_relative_to(target):
                conn.execute(
                    "DELETE FROM watched_folders WHERE path = CAST(? AS TEXT)",
                    (text_param(str(existing)),),
                )
        # A folder name need not be UTF-8: stored as its bytes (see library/store.py).
        conn.execute(
            "INSERT INTO watched_folders(path) VALUES (CAST(? AS TEXT))", (text_param(target),)
        )
    return True


def watch_folders_among(store: Store, paths: Iterable[str | Path]) -> list[Path]:
    """Record every folder among `paths` (what `nocturne add` was given); returns the new ones."""
    added = []
    for path in paths:
        if Path(path).expanduser().is_dir() and add_watched_folder(store, path):
            added.append(Path(_normal(path)))
    return added


def remove_watched_folder(store: Store, path: str | Path) -> bool:
    with store.transaction() as conn:
        cur = conn.execute(
            "DELETE FROM watched_folders WHERE path = CAST(? AS TEXT)", (text_param(_normal(path)),)
        )
        return cur.rowcount > 0


def watched_folders(store: Store) -> list[Path]:
    return [Path(row[0]) for row in store.query("SELECT path FROM watched_folders ORDER BY path")]
