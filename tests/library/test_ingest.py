import os
from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document

from nocturne.library.ingest import IngestResult, add_paths
from nocturne.library.store import Store
from nocturne.settings import Settings

from fakes.engine import FakeEngine
from pdf_maker import write_pdf


def _statuses(store: Store, settings: Settings, *paths: Path) -> dict[str, str]:
    return {Path(r.path).name: r.status for r in add_paths(store, paths, settings, FakeEngine())}


def test_every_format_is_read(store: Store, settings: Settings, tmp_path: Path) -> None:
    tmp_path = tmp_path / "docs"
    tmp_path.mkdir()
    write_pdf(tmp_path / "lease.pdf", ["Page one: the rent.", "Page two: the deposit."])
    (tmp_path / "notes.md").write_text("# Notes\n\nThe boiler is serviced in May.")
    (tmp_path / "guide.rst").write_text("Guide\n=====\n\nPress the red button.")
    (tmp_path / "page.html").write_text(
        "<html><head><script>var x=1;</script></head><body><h1>Title</h1>"
        "<p>Opening hours are 9 to 5.</p></body></html>"
    )
    (tmp_path / "tool.py").write_text("def add(a, b):\n    return a + b\n")
    docx = Document()
    docx.add_paragraph("The warranty lasts two years.")
    docx.save(str(tmp_path / "letter.docx"))
    (tmp_path / "image.png").write_bytes(b"\x89PNG")  # images are read by OCR: this one is junk
    (tmp_path / "archive.bin").write_bytes(b"\x00\x01")
    statuses = _statuses(store, settings, tmp_path)
    assert statuses == {
        "lease.pdf": "added",
        "notes.md": "added",
        "guide.rst": "added",
        "page.html": "added",
        "tool.py": "added",
        "letter.docx": "added",
        "image.png": "error",
        "archive.bin": "skipped",
    }
    pages = store.query(
        "SELECT c.page, c.text FROM chunks c JOIN documents d "
        "ON d.id = c.document_id WHERE d.name = 'lease.pdf' ORDER BY c.ordinal"
    )
    assert [(row[0], row[1]) for row in pages] == [
        (1, "Page one: the rent."),
        (2, "Page two: the deposit."),
    ]
    html = store.scalar(
        "SELECT text FROM chunks c JOIN documents d ON d.id = c.document_id "
        "WHERE d.name = 'page.html'"
    )
    assert "Opening hours" in html and "var x" not in html


def test_unchanged_then_updated(store: Store, settings: Settings, tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("First version of the text.")
    assert _statuses(store, settings, doc) == {"a.txt": "added"}
    assert _statuses(store, settings, doc) == {"a.txt": "unchanged"}
    doc.write_text("Second version, with other words.")
    assert _statuses(store, settings, doc) == {"a.txt": "updated"}
    texts = [row[0] for row in store.query("SELECT text FROM chunks")]
    assert texts == ["Second version, with other words."]
    assert store.scalar("SELECT COUNT(*) FROM documents") == 1


def test_unsupported_file_named_explicitly_is_an_error(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "movie.mkv").write_bytes(b"\x1aE")
    results = list(add_paths(store, [tmp_path / "movie.mkv"], settings, FakeEngine()))
    assert results[0].status == "error"
    assert results[0].reason == "unsupported file type .mkv"


def test_hidden_and_tool_folders_are_not_walked(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    tmp_path = tmp_path / "docs"
    tmp_path.mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config.txt").write_text("not mine")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "x.js").write_text("var x = 1;")
    (tmp_path / "real.txt").write_text("Real content here.")
    assert _statuses(store, settings, tmp_path) == {"real.txt": "added"}


def test_adding_a_folder_again_forgets_files_that_are_gone(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bike.txt").write_text("The blue bike has a flat front tyre.")
    (docs / "keys.txt").write_text("The red key opens the shed behind the house.")
    (docs / "boiler.txt").write_text("The boiler is serviced every March.")
    assert set(_statuses(store, settings, docs).values()) == {"added"}
    (docs / "bike.txt").unlink()
    (docs / "keys.txt").rename(docs / "house keys.txt")
    again = _statuses(store, settings, docs)
    assert again == {
        "boiler.txt": "unchanged",
        "house keys.txt": "added",
        "bike.txt": "removed",
        "keys.txt": "removed",
    }
    assert sorted(d.name for d in store.documents()) == ["boiler.txt", "house keys.txt"]
    # Adding one file of the folder never forgets its neighbours.
    (docs / "boiler.txt").unlink()
    assert _statuses(store, settings, docs / "house keys.txt") == {"house keys.txt": "unchanged"}
    assert len(store.documents()) == 2


def _results(store: Store, settings: Settings, *paths: Path) -> dict[str, IngestResult]:
    return {str(r.path): r for r in add_paths(store, paths, settings, FakeEngine())}


def _docs(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "lease.txt").write_text("The rent is due on the first day of each month.")
    (docs / "sub" / "boiler.txt").write_text("The boiler is serviced every March.")
    return docs


def test_a_symlinked_folder_adds_nothing_new(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    docs = _docs(tmp_path)
    link = tmp_path / "docs-link"
    link.symlink_to(docs, target_is_directory=True)
    assert set(_statuses(store, settings, docs).values()) == {"added"}
    again = _results(store, settings, link)
    assert {path: r.status for path, r in again.items()} == {
        f"{link}/lease.txt": "unchanged",
        f"{link}/sub/boiler.txt": "unchanged",
    }
    assert again[f"{link}/lease.txt"].line() == (
        f"unchanged {link}/lease.txt: already in the library as {docs}/lease.txt"
    )
    assert sorted(d.path for d in store.documents()) == [
        f"{docs}/lease.txt",
        f"{docs}/sub/boiler.txt",
    ]


def test_the_real_folder_after_its_link_adds_nothing_new(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    docs = _docs(tmp_path)
    link = tmp_path / "docs-link"
    link.symlink_to(docs, target_is_directory=True)
    assert set(_statuses(store, settings, link).values()) == {"added"}
    assert set(_statuses(store, settings, docs).values()) == {"unchanged"}
    assert len(store.documents()) == 2


def test_a_file_changed_and_added_through_a_link_updates_its_document(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    docs = _docs(tmp_path)
    link = tmp_path / "lease-link.txt"
    link.symlink_to(docs / "lease.txt")
    _statuses(store, settings, docs)
    (docs / "lease.txt").write_text("The rent is due on the fifth day of each month.")
    results = _results(store, settings, link)
    assert {path: r.status for path, r in results.items()} == {f"{docs}/lease.txt": "updated"}
    assert len(store.documents()) == 2
    assert "fifth" in store.scalar("SELECT text FROM chunks WHERE text LIKE '%rent%'")


def test_a_link_out_of_an_added_folder_is_skipped_with_its_reason(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    docs = _docs(tmp_path)
    (tmp_path / "unrelated.txt").write_text("Not part of the documents at all.")
    (docs / "up").symlink_to("..", target_is_directory=True)
    (docs / "outside.txt").symlink_to(tmp_path / "unrelated.txt")
    results = _results(store, settings, docs)
    assert results[f"{docs}/up"].status == "skipped"
    assert results[f"{docs}/up"].line() == (
        f"skipped   {docs}/up: a symbolic link out of the folder added, to {tmp_path} "
        "(add that by itself to include it)"
    )
    assert results[f"{docs}/outside.txt"].status == "skipped"
    assert sorted(d.name for d in store.documents()) == ["boiler.txt", "lease.txt"]


def test_a_link_inside_the_folder_keeps_the_files_own_path(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    docs = _docs(tmp_path)
    (docs / "a-shortcut").symlink_to(docs / "sub", target_is_directory=True)  # walked first
    results = _results(store, settings, docs)
    assert results[f"{docs}/a-shortcut/boiler.txt"].status == "unchanged"
    assert results[f"{docs}/a-shortcut/boiler.txt"].reason == (
        f"the same file as {docs}/sub/boiler.txt"
    )
    assert sorted(d.path for d in store.documents()) == [
        f"{docs}/lease.txt",
        f"{docs}/sub/boiler.txt",
    ]
    again = _results(store, settings, docs)
    assert again[f"{docs}/a-shortcut/boiler.txt"].reason == (
        f"already in the library as {docs}/sub/boiler.txt"
    )
    assert len(store.documents()) == 2


def test_a_touched_file_added_again_is_unchanged_and_no_longer_out_of_date(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    from nocturne.library.file_changes import CHANGED, SAME, file_change

    doc = tmp_path / "a.txt"
    doc.write_text("The same words before and after.")
    _statuses(store, settings, doc)
    (read,) = store.documents()
    os.utime(doc, (read.mtime + 30, read.mtime + 30))
    assert file_change(store.documents()[0]) == CHANGED
    assert _statuses(store, settings, doc) == {"a.txt": "unchanged"}
    assert file_change(store.documents()[0]) == SAME


def _notes(store: Store) -> int:
    return int(store.scalar("SELECT COUNT(*) FROM notes") or 0)


def test_a_new_loader_that_reads_a_file_the_same_keeps_what_was_learned(
    store: Store, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new loader version read every document again and stored it anew, deleting every note
    the digest had learned: a whole library digested again after an upgrade, though most of its
    files read exactly as before."""
    from nocturne.library import ingest
    from nocturne.sleeptime.runner import DigestRunner

    same = tmp_path / "same.md"
    same.write_text("# Boiler\n\nThe boiler is serviced every May by the landlord.\n")
    changed = tmp_path / "changed.md"
    changed.write_text("# Fees\n\nThe joining fee is EUR 25 for every plan.\n")
    list(add_paths(store, [same, changed], settings, FakeEngine()))
    assert DigestRunner(store, FakeEngine(), "low").run().reason == "done"
    learned = {d.name: d.id for d in store.documents()}
    assert _notes(store) > 0
    monkeypatch.setattr(ingest, "LOADER_VERSION", "blocks-test")
    original_load = ingest.load

    def load(path: Path, data: bytes):  # type: ignore[no-untyped-def]
        document = original_load(path, data)
        if path.name == "changed.md":  # the new loader reads this one differently
            blocks = [
                replace(b, text=b.text.replace("EUR 25", "EUR 25 (once)")) for b in document.blocks
            ]
            document = replace(document, blocks=blocks)
        return document

    monkeypatch.setattr(ingest, "load", load)
    kept_notes = int(
        store.scalar("SELECT COUNT(*) FROM notes WHERE document_id = ?", (learned["same.md"],)) or 0
    )
    results = {
        Path(r.path).name: r for r in add_paths(store, [same, changed], settings, FakeEngine())
    }
    assert results["same.md"].status == "unchanged"
    assert results["changed.md"].status == "updated"
    documents = {d.name: d for d in store.documents()}
    assert documents["same.md"].loader_version == "blocks-test"
    assert documents["same.md"].state == "ready"
    assert _notes(store) == kept_notes  # the changed file's notes went with its old chunks
    assert kept_notes > 0
