"""Watched folders and the documents under a folder (`library/watched_folders.py`)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from nocturne.library.store import ChunkDraft, Store
from nocturne.library.watched_folders import (
    DocumentPath,
    KnownFile,
    delete_folder,
    documents_at_or_under,
    files_under,
    folder_paths,
    insert_folder,
)


def _document(store: Store, path: str, *, size: int = 3, mtime: float = 1.0) -> int:
    return store.save_document(
        path=path,
        name=Path(path).name,
        kind="text",
        content_hash=hashlib.sha256(os.fsencode(path)).hexdigest(),
        size=size,
        mtime=mtime,
        pages=None,
        chunks=[ChunkDraft(0, None, "some text", 2)],
    )


def test_folders_are_listed_in_path_order_and_deleted_once(store: Store) -> None:
    insert_folder(store, "/home/me/notes")
    insert_folder(store, "/home/me/archive")
    assert folder_paths(store) == [Path("/home/me/archive"), Path("/home/me/notes")]
    assert delete_folder(store, "/home/me/notes") is True
    assert delete_folder(store, "/home/me/notes") is False
    assert folder_paths(store) == [Path("/home/me/archive")]


def test_a_folder_name_that_is_not_utf8_round_trips(store: Store) -> None:
    name = os.fsdecode(b"/home/me/caf\xe9")  # Latin-1 bytes: a surrogate in Python
    insert_folder(store, name)
    assert folder_paths(store) == [Path(name)]
    assert delete_folder(store, name) is True


def test_files_under_a_folder_leave_out_its_neighbours(store: Store) -> None:
    _document(store, "/docs/a.txt", size=5, mtime=2.5)
    _document(store, "/docs/sub/b.txt")
    _document(store, "/docs-old/c.txt")  # same prefix, another folder
    found = sorted(files_under(store, Path("/docs")), key=lambda f: f.path)
    assert found == [
        KnownFile("/docs/a.txt", 5, 2.5, "queued"),
        KnownFile("/docs/sub/b.txt", 3, 1.0, "queued"),
    ]


def test_documents_at_a_file_or_under_a_folder(store: Store) -> None:
    a = _document(store, "/docs/a.txt")
    b = _document(store, "/docs/sub/b.txt")
    _document(store, "/docs-old/c.txt")
    assert documents_at_or_under(store, "/docs/a.txt") == [DocumentPath(a, "/docs/a.txt")]
    under = documents_at_or_under(store, "/docs/")
    assert sorted(d.id for d in under) == [a, b]
    assert documents_at_or_under(store, "/nowhere") == []


def test_documents_under_a_folder_whose_name_is_not_utf8(store: Store) -> None:
    folder = os.fsdecode(b"/docs/caf\xe9")
    inside = _document(store, folder + "/menu.txt")
    _document(store, "/docs/other.txt")
    assert [d.id for d in documents_at_or_under(store, folder)] == [inside]
    assert documents_at_or_under(store, folder)[0].path == folder + "/menu.txt"
