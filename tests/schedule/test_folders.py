"""The folders the library watches: one record per folder, a parent replacing its subfolders,
paths recorded the way the library records its documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.library.watched_folders import files_under
from nocturne.schedule.folders import (
    add_watched_folder,
    remove_watched_folder,
    watch_folders_among,
    watched_folders,
)
from nocturne.settings import Settings

from fakes.engine import FakeEngine


def test_watcher_follows_the_folder_table(tmp_path: Path, store: Store) -> None:
    outer = tmp_path / "outer"
    (outer / "inner").mkdir(parents=True)
    assert add_watched_folder(store, outer / "inner")
    assert add_watched_folder(store, outer)  # replaces the inner one
    assert not add_watched_folder(store, outer / "inner")
    assert watched_folders(store) == [outer]
    assert watch_folders_among(store, [tmp_path / "missing.txt", outer]) == []
    assert remove_watched_folder(store, outer)
    assert watched_folders(store) == []


def test_a_folder_already_watched_is_not_added_twice(tmp_path: Path, store: Store) -> None:
    assert add_watched_folder(store, tmp_path / "docs")
    assert not add_watched_folder(store, tmp_path / "docs")
    assert not add_watched_folder(store, str(tmp_path / "docs") + "/")
    assert watched_folders(store) == [tmp_path / "docs"]


def test_a_parent_replaces_every_subfolder_and_nothing_else(tmp_path: Path, store: Store) -> None:
    for name in ("docs/a", "docs/b/c", "docs-old", "elsewhere"):
        assert add_watched_folder(store, tmp_path / name)
    assert add_watched_folder(store, tmp_path / "docs")
    # "docs-old" shares the name's first letters, not the folder: it stays.
    assert watched_folders(store) == [
        tmp_path / "docs",
        tmp_path / "docs-old",
        tmp_path / "elsewhere",
    ]


def test_relative_and_home_paths_are_recorded_absolute(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home-dir"))
    monkeypatch.chdir(tmp_path)
    assert add_watched_folder(store, "~/papers")
    assert add_watched_folder(store, "notes")
    assert watched_folders(store) == [tmp_path / "home-dir" / "papers", tmp_path / "notes"]
    assert remove_watched_folder(store, "notes")
    assert watched_folders(store) == [tmp_path / "home-dir" / "papers"]


def test_dot_dot_in_a_path_is_resolved_as_the_library_resolves_documents(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `nocturne add ../docs` from a subfolder: the documents are stored as /…/docs/x.txt, so
    # the folder must be /…/docs too, or the watcher finds none of them under it.
    docs = tmp_path / "docs"
    (tmp_path / "work").mkdir()
    docs.mkdir()
    (docs / "x.txt").write_text("The meeting moved to Thursday.")
    monkeypatch.chdir(tmp_path / "work")
    assert all(not r.failed for r in add_paths(store, ["../docs"], Settings(), FakeEngine()))
    assert watch_folders_among(store, ["../docs"]) == [docs]
    assert watched_folders(store) == [docs]
    assert [known.path for known in files_under(store, watched_folders(store)[0])] == [
        str(docs / "x.txt")
    ]
    assert not add_watched_folder(store, docs)  # the same folder, however it was written


def test_watch_folders_among_records_only_new_folders(tmp_path: Path, store: Store) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (tmp_path / "loose.txt").write_text("a file, not a folder")
    assert add_watched_folder(store, first)
    added = watch_folders_among(store, [first, second, tmp_path / "loose.txt"])
    assert added == [second]
    assert watched_folders(store) == [first, second]


def test_removing_a_folder_that_is_not_watched_says_so(tmp_path: Path, store: Store) -> None:
    assert add_watched_folder(store, tmp_path / "docs")
    assert not remove_watched_folder(store, tmp_path / "other")
    assert not remove_watched_folder(store, tmp_path / "docs" / "sub")  # inside, not itself
    assert watched_folders(store) == [tmp_path / "docs"]
