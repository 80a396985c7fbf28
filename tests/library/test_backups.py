"""Backups of the library database, and getting a damaged library back: through the library
functions and, end to end, through the command line (damage the file, get the library back)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from nocturne import paths
from nocturne.errors import KnownError, StoreError
from nocturne.library.backups import (
    KEEP,
    backup_if_due,
    database_problem,
    list_backups,
    make_backup,
    restore_backup,
)
from nocturne.library.store import Store

from support import FAKE_ENGINE, cli_env, damage_pages_of

NOON = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def nocturne(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nocturne", *args],
        capture_output=True,
        text=True,
        env=cli_env(home, NOCTURNE_ENGINE=FAKE_ENGINE),
        timeout=300,
    )


def damage(database: Path) -> None:
    """Overwrite the file's header: SQLite then says "file is not a database"."""
    data = bytearray(database.read_bytes())
    data[0:16] = b"garbage garbage!"
    database.write_bytes(bytes(data))


def test_a_backup_is_a_checked_copy_and_only_the_last_few_are_kept(store: Store) -> None:
    store.record_error(path="/docs/a.txt", name="a.txt", kind="text", error="the file is empty")
    taken = [make_backup(store, "daily", NOON + timedelta(days=i)) for i in range(KEEP + 2)]
    kept = list_backups()
    assert [b.path for b in kept] == [b.path for b in reversed(taken)][:KEEP]
    assert kept[0].reason == "daily" and kept[0].taken_at == NOON + timedelta(days=KEEP + 1)
    assert database_problem(kept[0].path) == ""
    copy = sqlite3.connect(kept[0].path)
    assert copy.execute("SELECT name FROM documents").fetchall() == [("a.txt",)]
    copy.close()


def test_the_daily_backup_waits_a_day(store: Store) -> None:
    assert backup_if_due(store, NOON) is None  # an empty library: nothing to keep
    store.record_error(path="/docs/a.txt", name="a.txt", kind="text", error="the file is empty")
    assert backup_if_due(store, NOON) is not None
    assert backup_if_due(store, NOON + timedelta(hours=23)) is None
    assert backup_if_due(store, NOON + timedelta(hours=24)) is not None
    assert len(list_backups()) == 2


def test_restoring_without_a_good_backup_says_what_to_do_instead(home: Path) -> None:
    with pytest.raises(KnownError, match=r"no good backup.*nocturne rebuild"):
        restore_backup()


def test_a_damaged_library_is_not_backed_up_over_the_good_copies(store: Store) -> None:
    make_backup(store, "daily", NOON)
    store.close()
    damage(paths.db_path())
    with pytest.raises(StoreError) as raised:
        Store.open()
    assert raised.value.condition == "damaged"
    assert database_problem() != ""
    assert len(list_backups()) == 1


def test_damage_then_restore_through_the_command_line(home: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "lease.txt").write_text("The deposit is 2,500 euros.")
    assert nocturne(home, "add", str(docs)).returncode == 0
    backed = nocturne(home, "backup")
    assert backed.returncode == 0 and "1 backup(s) kept" in backed.stdout
    damage(home / "library.sqlite3")

    broken = nocturne(home, "status")
    assert broken.returncode == 1
    assert "is damaged" in broken.stderr and "Traceback" not in broken.stderr
    assert "`nocturne restore` puts back the backup of" in broken.stderr
    assert "`nocturne rebuild`" in broken.stderr

    restored = nocturne(home, "restore")
    assert restored.returncode == 0, restored.stderr
    assert "kept the library it replaces as" in restored.stdout
    assert "the library holds 1 document(s)" in restored.stdout
    assert "lease.txt" in nocturne(home, "status").stdout
    assert list(home.glob("library.sqlite3.damaged-*")), "the damaged file is kept aside"


def test_damage_then_rebuild_from_the_original_files(home: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "lease.txt").write_text("The deposit is 2,500 euros.")
    (docs / "trip.md").write_text("The return flight TP 672 leaves Lisbon at 18:40.")
    assert nocturne(home, "add", str(docs)).returncode == 0
    assert nocturne(home, "backup").returncode == 0
    damage(home / "library.sqlite3")  # its header is gone: the paths come from the backup

    rebuilt = nocturne(home, "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "kept the damaged library as" in rebuilt.stdout
    assert rebuilt.stdout.count("added ") == 2
    status = nocturne(home, "status").stdout
    assert "lease.txt" in status and "trip.md" in status
    with Store.open(home / "library.sqlite3") as store:
        assert [r["path"] for r in store.query("SELECT path FROM watched_folders")] == [str(docs)]


def test_a_rebuild_adds_the_folders_first_and_the_files_outside_them(tmp_path: Path) -> None:
    from nocturne.library.backups import Recovery

    folder = tmp_path / "docs"
    folder.mkdir()
    inside, outside = folder / "a.txt", tmp_path / "b.txt"
    for path in (inside, outside):
        path.write_text("x")
    recovery = Recovery(None, files=(str(inside), str(outside), str(folder)))
    assert recovery.paths_to_add() == [str(folder), str(outside)]


def test_restoring_skips_a_newer_backup_that_holds_no_documents(store: Store) -> None:
    store.record_error(path="/docs/a.txt", name="a.txt", kind="text", error="the file is empty")
    full = make_backup(store, "daily", NOON)
    store.remove_document(store.documents()[0].id)
    make_backup(store, "manual", NOON + timedelta(hours=1))  # taken after everything went
    store.close()
    recovery = restore_backup()
    assert recovery.source is not None and recovery.source.path == full.path
    assert recovery.source.documents == 1
    assert recovery.kept_as is not None and ".replaced-" in recovery.kept_as.name  # it was fine


def test_a_long_integrity_report_is_cut_to_its_first_complaints() -> None:
    from nocturne.library.backups import _first_complaints

    report = "*** in database main ***\n" + "\n".join(
        f"On tree page 43 cell {n}: Extends off end of page" for n in range(20)
    )
    assert _first_complaints(report, 1) == (
        "On tree page 43 cell 0: Extends off end of page; "
        "On tree page 43 cell 1: Extends off end of page (and 18 more)"
    )
    assert _first_complaints("file is not a database", 1) == "file is not a database"


def _chat(database: Path, question: str) -> None:
    from nocturne.library import conversations as chats

    with Store.open(database) as store:
        chat = chats.create_conversation(store)
        chats.add_message(store, chat, "user", question, title=question)
        chats.add_message(store, chat, "assistant", "2,500 euros.", {"mode": "auto"})


def _titles(database: Path) -> list[str]:
    from nocturne.library import conversations as chats

    with Store.open(database) as store:
        return sorted(c.title for c in chats.list_conversations(store))


def test_a_restore_keeps_the_conversations_since_the_backup(home: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "lease.txt").write_text("The deposit is 2,500 euros. " * 30)
    assert nocturne(home, "add", str(docs)).returncode == 0
    _chat(home / "library.sqlite3", "How much is the deposit?")
    assert nocturne(home, "backup").returncode == 0
    _chat(home / "library.sqlite3", "When is it returned?")  # after the backup
    damage_pages_of(home / "library.sqlite3", "chunks")  # damaged part way in

    restored = nocturne(home, "restore")
    assert restored.returncode == 0, restored.stderr
    assert "kept 1 conversation from the old library" in restored.stdout
    assert _titles(home / "library.sqlite3") == ["How much is the deposit?", "When is it returned?"]


def test_a_rebuild_keeps_the_conversations_and_the_answers(home: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "lease.txt").write_text("The deposit is 2,500 euros. " * 30)
    assert nocturne(home, "add", str(docs)).returncode == 0
    asked = nocturne(home, "ask", "How much is the deposit?")
    assert asked.returncode == 0, asked.stderr
    _chat(home / "library.sqlite3", "How much is the deposit?")
    damage_pages_of(home / "library.sqlite3", "chunks")

    rebuilt = nocturne(home, "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "added " in rebuilt.stdout
    assert (
        "kept 1 conversation and 1 answer in the savings history from the old library"
        in rebuilt.stdout
    )
    assert _titles(home / "library.sqlite3") == ["How much is the deposit?"]
    with Store.open(home / "library.sqlite3") as store:
        (document,) = store.documents()
        linked = store.scalar(
            "SELECT COUNT(*) FROM answer_documents WHERE document_id = ?", (document.id,)
        )
    assert linked == 1  # the answer is linked to the document added again


def test_a_rebuild_whose_documents_moved_says_so_not_that_the_list_is_unreadable(
    home: Path, tmp_path: Path
) -> None:
    from nocturne.library.backups import start_rebuild
    from nocturne.library.store import ChunkDraft

    moved = tmp_path / "lease.txt"
    moved.write_text("The deposit is 2,500 euros.", encoding="utf-8")
    with Store.open() as store:
        store.save_document(
            path=str(moved),
            name="lease.txt",
            kind="text",
            content_hash="h",
            size=1,
            mtime=0,
            pages=None,
            chunks=[ChunkDraft(0, None, "The deposit is 2,500 euros.", 6)],
        )
    moved.unlink()  # moved elsewhere since
    recovery = start_rebuild()
    assert recovery.paths_to_add() == [] and recovery.missing == (str(moved),)
    assert recovery.nothing_to_add().startswith(
        "The one document the damaged file lists is no longer where it was ("
    )
    unreadable = start_rebuild()  # the new, empty library lists nothing
    assert unreadable.missing == ()
    assert unreadable.nothing_to_add().startswith("The list of your documents could not be read")
