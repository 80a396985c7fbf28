"""File names that are not valid UTF-8, and things in a folder that are not files.

On Linux a file name is bytes; old archives hold names in Latin-1 or CP1252 that are not UTF-8.
Python keeps such bytes as surrogates (`os.fsdecode`); the library must store them exactly (the
path opens the same file again) and show them with U+FFFD, never abort the batch.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from nocturne.library.ingest import IngestResult, add_paths
from nocturne.library.store import Store
from nocturne.paths import display_path
from nocturne.settings import Settings

from fakes.engine import FakeEngine
from support import cli_env

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="file names are bytes on Linux")

LATIN1_NAME = b"caf\xe9 menu.txt"  # "café menu.txt" in Latin-1: not UTF-8
TEXT = "The café opens at seven. Breakfast is served until ten."


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "good.txt").write_text("A good file. It holds a sentence.", encoding="utf-8")
    with open(os.path.join(os.fsencode(folder), LATIN1_NAME), "wb") as handle:
        handle.write(TEXT.encode("utf-8"))
    return folder


def _bad_path(folder: Path) -> str:
    return os.fsdecode(os.path.join(os.fsencode(folder), LATIN1_NAME))


def _add(store: Store, settings: Settings, *paths: Path) -> dict[str, IngestResult]:
    return {
        display_path(Path(r.path).name): r for r in add_paths(store, paths, settings, FakeEngine())
    }


def test_a_name_that_is_not_utf8_is_stored_exactly_and_shown_with_replacement_marks(
    store: Store, settings: Settings, archive: Path
) -> None:
    results = _add(store, settings, archive)
    shown = "caf\ufffd menu.txt"
    assert results["good.txt"].status == "added"
    assert results[shown].status == "added"
    assert results[shown].line().startswith(f"added     {display_path(archive)}/{shown} (")

    row = store.document_by_path(_bad_path(archive))
    assert row is not None
    # The stored path is the file's own bytes: it opens the same file.
    assert os.fsencode(row.path) == os.path.join(os.fsencode(archive), LATIN1_NAME)
    assert Path(row.path).read_text(encoding="utf-8") == TEXT
    assert row.name == shown
    assert row.title == "caf\ufffd menu"  # from the name: shown as a person sees it
    assert [d.name for d in store.documents()] == [shown, "good.txt"]

    again = _add(store, settings, archive)
    assert again[shown].status == "unchanged"
    assert store.scalar("SELECT COUNT(*) FROM documents") == 2


def test_a_file_with_such_a_name_that_cannot_be_read_is_reported_not_a_crash(
    store: Store, settings: Settings, archive: Path
) -> None:
    os.truncate(_bad_path(archive), 0)  # an empty file: an error row with the odd name
    results = _add(store, settings, archive)
    shown = "caf\ufffd menu.txt"
    assert results[shown].status == "error"
    assert results[shown].line().endswith(f"{shown}: the file is empty")
    row = store.document_by_path(_bad_path(archive))
    assert row is not None and row.state == "error" and row.name == shown


def test_fifos_sockets_and_devices_in_a_folder_are_skipped_with_the_reason(
    store: Store, settings: Settings, archive: Path
) -> None:
    os.mkfifo(archive / "pipe.txt")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(archive / "control.sock"))
    (archive / "null.txt").symlink_to("/dev/null")
    try:
        results = _add(store, settings, archive)
    finally:
        server.close()
    assert results["pipe.txt"].line() == (
        f"skipped   {archive}/pipe.txt: a named pipe (FIFO), not a regular file"
    )
    assert results["control.sock"].reason == "a socket, not a regular file"
    assert results["null.txt"].reason == "a device file, not a regular file"
    assert all(results[n].status == "skipped" for n in ("pipe.txt", "control.sock", "null.txt"))
    assert results["good.txt"].status == "added"
    assert store.scalar("SELECT COUNT(*) FROM documents") == 2


def test_a_fifo_named_on_the_command_line_is_an_error_and_does_not_hang(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    results = _add(store, settings, fifo)
    assert results["pipe.txt"].status == "error"
    assert results["pipe.txt"].reason == "a named pipe (FIFO), not a regular file"


def test_nocturne_add_prints_one_line_each_and_no_traceback(home: Path, archive: Path) -> None:
    os.mkfifo(archive / "pipe.txt")
    done = subprocess.run(
        [sys.executable, "-m", "nocturne", "add", str(archive)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=cli_env(home, PYTHONIOENCODING="utf-8"),
        timeout=120,
    )
    assert "Traceback" not in done.stderr
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["added", "added", "skipped"]
    assert f"{archive}/caf\ufffd menu.txt (1 chunk)" in lines[0]
    assert lines[2].endswith("pipe.txt: a named pipe (FIFO), not a regular file")


def test_a_folder_whose_name_is_not_utf8_is_watched_and_its_deleted_files_removed(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    from nocturne.schedule.folders import (
        remove_watched_folder,
        watch_folders_among,
        watched_folders,
    )
    from nocturne.schedule.watcher import remove_missing

    folder = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"ar\xe7hive"))
    os.mkdir(folder)
    Path(folder, "a.txt").write_text(TEXT, encoding="utf-8")
    assert _add(store, settings, Path(folder))["a.txt"].status == "added"
    assert watch_folders_among(store, [folder]) == [Path(folder)]
    assert watched_folders(store) == [Path(folder)]

    os.remove(Path(folder, "a.txt"))
    removed = remove_missing(store, Path(folder))
    assert [(display_path(r.path), r.status) for r in removed] == [
        (f"{display_path(folder)}/a.txt", "removed")
    ]
    assert store.documents() == []
    assert remove_watched_folder(store, folder)
    assert watched_folders(store) == []
