import os
import sqlite3
from pathlib import Path

import pytest

from nocturne.errors import StoreError
from nocturne.library.migrations import all_migrations
from nocturne.library.store import ChunkDraft, Store


def test_migrations_build_the_schema_in_memory() -> None:
    store = Store.open(":memory:")
    names = [name for name, _ in all_migrations()]
    assert store.applied_migrations() == names
    assert names[:2] == ["m001_initial", "m002_learned_context"]
    tables = {row[0] for row in store.query("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {
        "documents",
        "chunks",
        "chunks_fts",
        "model_calls",
        "notes",
        "note_sources",
        "digest_steps",
    } <= tables


def test_reopening_runs_no_migration_twice_and_uses_wal(home: Path) -> None:
    first = Store.open()
    first.close()
    second = Store.open()
    assert second.scalar("PRAGMA journal_mode") == "wal"
    assert second.scalar("PRAGMA busy_timeout") == 10_000
    assert second.scalar("SELECT COUNT(*) FROM _migrations") == len(all_migrations())


def test_data_dir_is_private(home: Path) -> None:
    Store.open().close()
    assert (home.stat().st_mode & 0o777) == 0o700


def _save(store: Store, text: str = "Alpha beta gamma.") -> int:
    return store.save_document(
        path="/x/doc.txt",
        name="doc.txt",
        kind="text",
        content_hash="h1",
        size=10,
        mtime=0.0,
        pages=None,
        chunks=[ChunkDraft(0, None, text, 4)],
    )


def test_fts_follows_chunk_replacement(store: Store) -> None:
    doc = _save(store, "The boiler is serviced yearly.")
    assert store.scalar("SELECT COUNT(*) FROM chunks_fts WHERE chunks_fts MATCH 'boiler'") == 1
    again = _save(store, "The roof is inspected monthly.")
    assert again == doc
    assert store.scalar("SELECT COUNT(*) FROM chunks_fts WHERE chunks_fts MATCH 'boiler'") == 0
    assert store.scalar("SELECT COUNT(*) FROM chunks_fts WHERE chunks_fts MATCH 'roof'") == 1


def test_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError), store.transaction() as conn:
        conn.execute("INSERT INTO documents(path, name) VALUES ('/a', 'a')")
        conn.execute("INSERT INTO documents(path, name) VALUES ('/a', 'a')")
    assert store.scalar("SELECT COUNT(*) FROM documents") == 0


def test_changing_a_document_drops_what_was_learned_from_it(store: Store) -> None:
    doc = _save(store)
    chunk_id = store.scalar("SELECT id FROM chunks WHERE document_id = ?", (doc,))
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO notes(kind, document_id, text, model_id, prompt_version) "
            "VALUES ('fact', ?, 'Alpha beta.', 'm', 'v1')",
            (doc,),
        )
        conn.execute("INSERT INTO note_sources VALUES (?, ?)", (cur.lastrowid, chunk_id))
        conn.execute(
            "INSERT INTO notes(kind, text, model_id, prompt_version) "
            "VALUES ('library_brief', 'All.', 'm', 'v1')"
        )
    _save(store, "Changed text now.")
    assert store.scalar("SELECT COUNT(*) FROM notes WHERE document_id = ?", (doc,)) == 0
    assert store.scalar("SELECT stale FROM notes WHERE kind = 'library_brief'") == 1
    assert store.document(doc).learned_stale == 1


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "not-a-db.sqlite3"
    target.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError) as info:
        Store.open(target)
    assert str(info.value).startswith(f"the library database {target} is damaged (")


def test_model_calls_are_logged_and_totalled(store: Store) -> None:
    from nocturne.engine.base import Usage

    store.log_model_call(purpose="answer:raw", model_id="m", usage=Usage(100, 10), seconds=1.5)
    store.log_model_call(purpose="answer:raw", model_id="m", usage=Usage(50, 5), seconds=0.5)
    totals = store.model_call_totals()["answer:raw"]
    assert totals == {"calls": 2, "prompt_tokens": 150, "completion_tokens": 15, "seconds": 2.0}


def test_can_write_asks_the_file_system_for_the_file_its_folder_and_the_wal(
    store: Store, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`os.access` is patched: tests may run as root, for whom a read-only file is writable."""
    assert store.can_write()
    asked: list[str] = []
    refused = {str(home / "library.sqlite3-wal")}

    def access(path: object, mode: int, **_kwargs: object) -> bool:
        asked.append(str(path))
        return str(path) not in refused

    monkeypatch.setattr(os, "access", access)
    assert not store.can_write()
    assert str(home / "library.sqlite3") in asked and str(home) in asked
    refused.clear()
    assert store.can_write()
