"""Every SQLite failure that is the environment's fault, produced for real, says what happened.

A locked database (a second connection holding the write lock), a full one (`max_page_count`),
a read-only one, a truncated or garbage file, a damaged page: each becomes a `StoreError` whose
sentence names the database file, wherever the SQL ran. Errors of our SQL stay `sqlite3` errors.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from nocturne import cli
from nocturne.errors import StoreError
from nocturne.library.store import ChunkDraft, MappedConnection, Store

from support import FAKE_ENGINE

WORDS = "The tenant pays the rent on the first day of each month by bank transfer. "


def _save(store: Store, name: str, text: str = WORDS, chunks: int = 1) -> int:
    return store.save_document(
        path=f"/docs/{name}",
        name=name,
        kind="txt",
        content_hash=name,
        size=len(text),
        mtime=0.0,
        pages=None,
        chunks=[ChunkDraft(i, None, text, 10) for i in range(chunks)],
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "library.sqlite3"


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    opened = Store.open(db)
    yield opened
    opened.close()


def _holding_the_write_lock(db: Path) -> sqlite3.Connection:
    other = sqlite3.connect(db, isolation_level=None, timeout=0.05)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_locked_database_says_another_process_holds_it(store: Store, db: Path) -> None:
    store.conn.execute("PRAGMA busy_timeout = 50")
    other = _holding_the_write_lock(db)
    try:
        with pytest.raises(StoreError) as info:
            _save(store, "a.txt")
        assert str(info.value) == (
            f"the library database {db} is busy: another Nocturne process (the window, the "
            "daemon or a digest) kept it locked; try again in a moment"
        )
        assert info.value.condition == "locked"
        # A write outside any transaction (SQL elsewhere in the code) says the same.
        with pytest.raises(StoreError, match=r"^the library database .* is busy"):
            store.conn.execute("DELETE FROM documents")
        with pytest.raises(StoreError, match=r"^the library database .* is busy"):
            store.scalar("INSERT INTO documents(path, name, kind) VALUES ('x', 'x', 'txt')")
    finally:
        other.close()
    assert not store.conn.in_transaction
    _save(store, "a.txt")  # once the other process lets go, writing works again


def test_a_full_disk_says_so_instead_of_cannot_rollback(store: Store, db: Path) -> None:
    _save(store, "small.txt")
    pages = store.scalar("PRAGMA page_count")
    store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    with pytest.raises(StoreError) as info:
        _save(store, "big.txt", WORDS * 200, chunks=20)
    assert str(info.value) == (
        f"the disk is full: the library database {db} cannot grow; free some space and try "
        "again (finished work is kept)"
    )
    assert info.value.condition == "full"
    assert not store.conn.in_transaction
    assert [row.name for row in store.documents()] == ["small.txt"]


def test_an_error_after_sqlite_rolled_back_is_not_hidden_by_rollback(store: Store) -> None:
    class Interrupted(Exception):
        pass

    with pytest.raises(Interrupted), store.transaction() as conn:
        conn.execute("INSERT INTO documents(path, name, kind) VALUES ('x', 'x', 'txt')")
        conn.execute("ROLLBACK")  # what SQLite does by itself on a full disk or an I/O error
        raise Interrupted
    assert store.documents() == []


def test_a_read_only_database_says_so(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite3"
    Store.open(db).close()
    conn = sqlite3.connect(
        f"file:{db}?mode=ro", uri=True, isolation_level=None, factory=MappedConnection
    )
    conn.database_path = db
    try:
        with pytest.raises(StoreError) as info:
            conn.execute("INSERT INTO documents(path, name, kind) VALUES ('x', 'x', 'txt')")
    finally:
        conn.close()
    assert str(info.value) == (
        f"the library database {db} is read-only (attempt to write a readonly database); "
        "make the file and its folder writable"
    )
    assert info.value.condition == "read-only"


def test_a_read_only_file_says_so(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite3"
    with Store.open(db) as store:
        _save(store, "a.txt")
    os.chmod(db, stat.S_IRUSR)
    try:
        if os.access(db, os.W_OK):
            pytest.skip("running as root: a read-only file is writable all the same")
        with Store.open(db) as store, pytest.raises(StoreError) as info:
            _save(store, "b.txt")
    finally:
        os.chmod(db, stat.S_IRUSR | stat.S_IWUSR)
    assert str(info.value).startswith(f"the library database {db} is read-only (")
    assert info.value.condition == "read-only"


def test_a_file_that_is_not_a_database_is_damaged(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite3"
    db.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError) as info:
        Store.open(db)
    assert str(info.value) == (
        f"the library database {db} is damaged (file is not a database); your documents "
        "themselves are not affected"
    )
    assert info.value.condition == "damaged"


def test_a_truncated_database_is_damaged(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite3"
    with Store.open(db) as store:
        for number in range(40):
            _save(store, f"{number}.txt", WORDS * 20, chunks=5)
    size = db.stat().st_size
    with open(db, "r+b") as handle:
        handle.truncate(size // 3)
    with pytest.raises(StoreError) as info, Store.open(db) as store:  # or opening fails
        store.documents()
        store.query("SELECT COUNT(*) FROM chunks_fts WHERE chunks_fts MATCH 'rent'")
        store.scalar("PRAGMA integrity_check")
    assert str(info.value).startswith(f"the library database {db} is damaged (")
    assert info.value.condition == "damaged"


def _damage(db: Path, table: str) -> None:
    """Overwrite the first page of `table` with garbage; the rest of the file stays sound."""
    with Store.open(db) as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root = store.scalar("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,))
        page_size = store.scalar("PRAGMA page_size")
    with open(db, "r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xee" * page_size)


@pytest.fixture
def damaged_documents(tmp_path: Path) -> Path:
    """A library whose `documents` table has a page of garbage."""
    db = tmp_path / "library.sqlite3"
    with Store.open(db) as store:
        _save(store, "a.txt")
    _damage(db, "documents")
    return db


@pytest.mark.parametrize(
    "read",
    [
        lambda store: store.document(1),
        lambda store: store.chunk(1),
        lambda store: store.documents(),
        lambda store: store.document_by_path("/docs/a.txt"),
        lambda store: store.scalar("SELECT name FROM documents WHERE id = 1"),
        lambda store: store.query("SELECT * FROM documents"),
        lambda store: store.conn.execute("SELECT * FROM documents").fetchall(),
    ],
    ids=["document", "chunk", "documents", "document_by_path", "scalar", "query", "execute"],
)
def test_every_read_of_a_damaged_table_says_damaged(damaged_documents: Path, read: object) -> None:
    with Store.open(damaged_documents) as store, pytest.raises(StoreError) as info:
        read(store)  # type: ignore[operator]
    assert str(info.value) == (
        f"the library database {damaged_documents} is damaged (database disk image is "
        "malformed); your documents themselves are not affected"
    )


def test_errors_of_our_sql_stay_sqlite_errors(store: Store) -> None:
    with pytest.raises(sqlite3.OperationalError, match="no such column"):
        store.query("SELECT no_such_column FROM documents")
    with pytest.raises(sqlite3.OperationalError, match="fts5: syntax error"):
        store.query("SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH 'AND'")


def test_a_digest_on_a_full_disk_ends_with_the_plain_message_and_keeps_finished_steps(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from nocturne.sleeptime import command

    docs = tmp_path / "docs"
    docs.mkdir()
    for number in range(6):
        sentences = [f"Clause {number}.{i} says the fee is {i * 7} euros." for i in range(300)]
        (docs / f"contract-{number}.txt").write_text(" ".join(sentences), encoding="utf-8")
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    assert cli.main(["add", str(docs)]) == 0
    db = home / "library.sqlite3"
    opened = Store.open

    def nearly_full(path: Path | str | None = None) -> Store:
        store = opened(path)
        pages = store.scalar("PRAGMA page_count")
        store.conn.execute(f"PRAGMA max_page_count = {pages + 40}")
        return store

    monkeypatch.setattr(command.Store, "open", nearly_full)
    capsys.readouterr()
    assert cli.main(["digest", "--budget", "low"]) == 1
    errors = capsys.readouterr().err.strip().splitlines()
    assert errors[-1] == (
        f"nocturne: error: the disk is full: the library database {db} cannot grow; free "
        "some space and try again (finished work is kept)"
    )
    assert "Traceback" not in "\n".join(errors)
    monkeypatch.setattr(command.Store, "open", opened)
    with Store.open(db) as store:
        assert store.scalar("SELECT COUNT(*) FROM digest_steps") > 0


def test_searches_report_a_damaged_library_instead_of_finding_nothing(tmp_path: Path) -> None:
    """One behaviour for every caller: a malformed MATCH finds nothing, a damaged (or locked)
    library is a StoreError the person sees, never an empty result that looks like an answer."""
    from nocturne.answer.retrieval import search_notes
    from nocturne.answer.text_match import IdfTable
    from nocturne.library.search import search_chunks
    from nocturne.library.structure import search_sections

    db = tmp_path / "library.sqlite3"
    with Store.open(db) as store:
        document = _save(store, "a.txt")
        with store.transaction() as conn:
            conn.execute(
                "INSERT INTO notes(kind, text, answer, document_id, model_id, prompt_version) "
                "VALUES ('question', 'When is the rent paid?', 'On the first day.', ?, 'm', 'v')",
                (document,),
            )
        assert search_notes(store, "When is the rent paid?", ("question",))
        assert search_sections(store, '"rent" AND') == []  # malformed: nothing, no error
    _damage(db, "notes")
    _damage(db, "chunks_fts_data")
    damaged = f"the library database {db} is damaged"
    with Store.open(db) as store:
        with pytest.raises(StoreError, match=damaged):
            search_notes(store, "When is the rent paid?", ("question",))
        with pytest.raises(StoreError, match=damaged):
            search_chunks(store, "When is the rent paid?")
        with pytest.raises(StoreError, match=damaged):
            IdfTable(store).idf("rent")
