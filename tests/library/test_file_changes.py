"""Whether a document's file is still the one that was read: size and time against a stat."""

from __future__ import annotations

import os
from pathlib import Path

from nocturne.library.file_changes import CHANGED, MISSING, SAME, file_change, sources_note
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.settings import Settings

from fakes.engine import FakeEngine


def _added(store: Store, settings: Settings, *files: Path) -> None:
    assert {r.status for r in add_paths(store, files, settings, FakeEngine())} <= {
        "added",
        "error",
    }


def test_a_file_as_it_was_read_is_the_same(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("The rent is due on the first.")
    _added(store, settings, tmp_path / "a.txt")
    (document,) = store.documents()
    assert file_change(document) == SAME
    assert sources_note([document]) == ""


def test_another_size_or_time_is_changed_and_a_deleted_file_missing(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(f"The text of {name} as it was read.")
    _added(store, settings, *(tmp_path / n for n in ("a.txt", "b.txt", "c.txt")))
    (tmp_path / "a.txt").write_text("Longer: the text of a.txt as it is now, edited.")
    read = store.document_by_path(str(tmp_path / "b.txt"))
    assert read is not None
    os.utime(tmp_path / "b.txt", (read.mtime + 60, read.mtime + 60))  # same size, touched
    (tmp_path / "c.txt").unlink()
    by_name = {d.name: file_change(d) for d in store.documents()}
    assert by_name == {"a.txt": CHANGED, "b.txt": CHANGED, "c.txt": MISSING}


def test_a_document_never_read_is_not_out_of_date(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    _added(store, settings, tmp_path / "empty.txt")
    (tmp_path / "empty.txt").write_text("Now it has words.")
    (document,) = store.documents()
    assert document.state == "error"
    assert file_change(document) == SAME


def test_the_sources_note_names_each_document_out_of_date_in_one_line(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "lease.txt").write_text("The rent is due on the first.")
    (tmp_path / "faq.txt").write_text("The library opens at nine.")
    (tmp_path / "keep.txt").write_text("Nothing changes here.")
    _added(store, settings, *(tmp_path / n for n in ("lease.txt", "faq.txt", "keep.txt")))
    (tmp_path / "lease.txt").write_text("The rent is due on the fifth of each month.")
    (tmp_path / "faq.txt").unlink()
    documents = sorted(store.documents(), key=lambda d: d.name, reverse=True)
    assert sources_note(documents) == (
        "Note: lease.txt changed since it was read; faq.txt is no longer there (file missing): "
        "this answer is from the text as it was read (`nocturne add` on the file or its folder "
        "brings the library up to date)."
    )
