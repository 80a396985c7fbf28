"""Folders the library keeps watching (table `watched_folders`, migration m005).

`nocturne add FOLDER` (and a folder dropped on the window) records the folder here, so that the
daemon and the window watch it: new, changed, moved and deleted files update the library.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from nocturne.library import watched_folders as library_folders
from nocturne.library.store import Store


def _normal(path: str | Path) -> str:
    """Absolute, with "docs/../x" as "x" (symlinks kept), as the library records documents."""
    return os.path.abspath(Path(path).expanduser())


def add_watched_folder(store: Store, path: str | Path) -> bool:
    """Watch `path` from now on; False if it was already watched or is inside a watched one."""
    target = _normal(path)
    for existing in watched_folders(store):
        if target == str(existing) or Path(target).is_relative_to(existing):
            return False
    with store.transaction():
        # A parent folder replaces the subfolders it contains.
        for existing in watched_folders(store):
            if existing.is_relative_to(target):
                library_folders.delete_folder(store, str(existing))
        library_folders.insert_folder(store, target)
    return True


def watch_folders_among(store: Store, paths: Iterable[str | Path]) -> list[Path]:
    """Record every folder among `paths` (what `nocturne add` was given); returns the new ones."""
    added = []
    for path in paths:
        if Path(path).expanduser().is_dir() and add_watched_folder(store, path):
            added.append(Path(_normal(path)))
    return added


def remove_watched_folder(store: Store, path: str | Path) -> bool:
    return library_folders.delete_folder(store, _normal(path))


def watched_folders(store: Store) -> list[Path]:
    return library_folders.folder_paths(store)
