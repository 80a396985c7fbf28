"""Watched folders with real file operations; waits on events with a timeout, never blindly."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from nocturne.library.records import DocumentRecord
from nocturne.library.store import Store
from nocturne.schedule.watcher import FolderWatcher, WatchResult, apply_change
from nocturne.settings import Settings

from fakes.engine import FakeEngine

TIMEOUT_S = 15


class Results:
    """Collects results from the watcher thread; `wait_for` blocks until one matches."""

    def __init__(self) -> None:
        self.items: list[WatchResult] = []
        self._changed = threading.Condition()

    def __call__(self, result: WatchResult) -> None:
        with self._changed:
            self.items.append(result)
            self._changed.notify_all()

    def wait_for(self, status: str, path: Path) -> WatchResult:
        def found() -> WatchResult | None:
            return next((r for r in self.items if r.status == status and r.path == str(path)), None)

        with self._changed:
            assert self._changed.wait_for(lambda: found() is not None, timeout=TIMEOUT_S), (
                f"no {status} for {path} within {TIMEOUT_S} s; got {self.items}"
            )
            result = found()
            assert result is not None
            self.items.remove(result)
            return result


@pytest.fixture
def watched(tmp_path: Path, store: Store) -> Iterator[tuple[Path, Results, FolderWatcher]]:
    folder = tmp_path / "docs"
    folder.mkdir()
    db_path = Path(str(store.path))
    results = Results()
    watcher = FolderWatcher(
        lambda: Store.open(db_path),
        Settings(),
        FakeEngine(),
        [folder],
        debounce_s=0.2,
        on_result=results,
    )
    watcher.start()
    yield folder, results, watcher
    watcher.stop()


def _document(store: Store, path: Path) -> DocumentRecord | None:
    return store.document_by_path(str(path))


def test_created_changed_moved_deleted_files_update_the_library(
    watched: tuple[Path, Results, FolderWatcher], store: Store
) -> None:
    folder, results, _ = watched
    note = folder / "note.txt"
    note.write_text("The boiler is serviced every March by Acme Heating.")
    results.wait_for("added", note)
    first = _document(store, note)
    assert first is not None and first.learned_stale == 1

    # Pretend the digest learned it, then change the file: the document goes stale again.
    with store.transaction() as conn:
        conn.execute("UPDATE documents SET learned_stale = 0 WHERE id = ?", (first.id,))
    note.write_text("The boiler is serviced every April by Acme Heating.")
    results.wait_for("updated", note)
    changed = _document(store, note)
    assert changed is not None and changed.learned_stale == 1
    assert changed.id == first.id

    moved = folder / "sub"
    moved.mkdir()
    target = moved / "boiler.txt"
    os.rename(note, target)
    results.wait_for("added", target)
    results.wait_for("removed", note)
    assert _document(store, target) is not None
    assert store.document_by_path(str(note)) is None

    target.unlink()
    results.wait_for("removed", target)
    assert store.document_by_path(str(target)) is None


def test_deleting_a_folder_removes_its_documents(
    watched: tuple[Path, Results, FolderWatcher], store: Store
) -> None:
    folder, results, _ = watched
    sub = folder / "projects"
    sub.mkdir()
    a, b = sub / "a.md", sub / "b.md"
    a.write_text("# Alpha\nAlpha launches in June.")
    results.wait_for("added", a)
    b.write_text("# Beta\nBeta is cancelled.")
    results.wait_for("added", b)
    a.unlink()
    b.unlink()
    sub.rmdir()
    results.wait_for("removed", b)
    assert store.scalar("SELECT COUNT(*) FROM documents") == 0


def test_moving_a_folder_out_of_the_watch_removes_its_documents(
    watched: tuple[Path, Results, FolderWatcher], store: Store, tmp_path: Path
) -> None:
    folder, results, _ = watched
    sub = folder / "old"
    sub.mkdir()
    doc = sub / "plan.txt"
    doc.write_text("The plan is to move.")
    results.wait_for("added", doc)
    os.rename(sub, tmp_path / "elsewhere")
    results.wait_for("removed", doc)
    assert store.scalar("SELECT COUNT(*) FROM documents") == 0


def test_hidden_and_unsupported_files_are_ignored(
    watched: tuple[Path, Results, FolderWatcher], store: Store
) -> None:
    folder, results, _ = watched
    (folder / ".swap.txt").write_text("editor scratch")
    (folder / "image.bin").write_bytes(b"\x00\x01")
    marker = folder / "real.txt"
    marker.write_text("A real document arrives after the noise.")
    results.wait_for("added", marker)
    assert [row.name for row in store.documents()] == ["real.txt"]


def test_many_writes_to_one_file_are_debounced(
    watched: tuple[Path, Results, FolderWatcher], store: Store
) -> None:
    folder, results, _ = watched
    log = folder / "journal.txt"
    with log.open("w") as handle:
        for n in range(50):
            handle.write(f"Entry {n}: the pump was checked.\n")
            handle.flush()
    results.wait_for("added", log)
    assert store.scalar("SELECT COUNT(*) FROM documents") == 1


def test_set_folders_starts_watching_a_new_folder(tmp_path: Path, store: Store) -> None:
    results = Results()
    db_path = Path(str(store.path))
    watcher = FolderWatcher(
        lambda: Store.open(db_path), Settings(), FakeEngine(), [], debounce_s=0.1, on_result=results
    )
    watcher.start()
    try:
        late = tmp_path / "late"
        late.mkdir()
        watcher.set_folders([late])
        assert watcher.folders == [late]
        doc = late / "x.txt"
        doc.write_text("Arrived after the watcher started.")
        results.wait_for("added", doc)
        watcher.set_folders([])
        assert watcher.folders == []
    finally:
        watcher.stop()


def test_apply_change_on_a_vanished_path_removes_only_missing_files(
    tmp_path: Path, store: Store
) -> None:
    kept = tmp_path / "kept.txt"
    kept.write_text("Still here.")
    gone = tmp_path / "gone.txt"
    gone.write_text("Soon gone.")
    for path in (kept, gone):
        apply_change(store, path, Settings(), FakeEngine())
    gone.unlink()
    results = apply_change(store, gone, Settings(), FakeEngine())
    assert results == [WatchResult(str(gone), "removed")]
    assert store.document_by_path(str(kept)) is not None


def test_changes_made_while_nothing_watched_are_caught_up_at_start(
    tmp_path: Path, store: Store
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    kept, edited, deleted = folder / "kept.txt", folder / "edited.txt", folder / "deleted.txt"
    for path in (kept, edited, deleted):
        path.write_text(f"{path.stem} was written before the watcher ran.")
        apply_change(store, path, Settings(), FakeEngine())
    # While the daemon was not running:
    edited.write_text("edited while nobody watched, and longer than before")
    deleted.unlink()
    new = folder / "new.txt"
    new.write_text("created while nobody watched")

    results = Results()
    db_path = Path(str(store.path))
    watcher = FolderWatcher(
        lambda: Store.open(db_path),
        Settings(),
        FakeEngine(),
        [folder],
        debounce_s=0.1,
        on_result=results,
    )
    watcher.start()
    try:
        results.wait_for("updated", edited)
        results.wait_for("removed", deleted)
        results.wait_for("added", new)
    finally:
        watcher.stop()
    assert all(r.path != str(kept) for r in results.items)
