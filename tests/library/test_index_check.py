"""The cheap check `nocturne status` runs of the search indexes every question reads."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from nocturne.errors import StoreError
from nocturne.library import index_check
from nocturne.library.index_check import check_search_indexes, search_indexes
from nocturne.library.store import ChunkDraft, Store

from support import damage_pages_of


def _library(home: Path, documents: int = 3) -> Path:
    """A library whose word index spans many pages (random words: little compresses)."""
    rng = random.Random(7)
    words = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=7)) for _ in range(4000)]
    with Store.open() as store:
        for number in range(documents):
            chunks = [
                ChunkDraft(i, None, " ".join(rng.choices(words, k=120)), 150) for i in range(40)
            ]
            store.save_document(
                path=f"/docs/{number}.txt",
                name=f"{number}.txt",
                kind="txt",
                content_hash=str(number),
                size=1,
                mtime=0.0,
                pages=None,
                chunks=chunks,
            )
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return home / "library.sqlite3"


def test_the_indexes_checked_are_the_libraries_full_text_tables(store: Store) -> None:
    assert search_indexes(store) == ["chunks_fts", "notes_fts", "sections_fts"]
    check_search_indexes(store)  # an empty library reads fine


@pytest.mark.parametrize(
    ("table", "index"),
    [
        ("chunks_fts_data", "chunks_fts"),
        ("chunks_fts_docsize", "chunks_fts"),
        ("sections_fts_data", "sections_fts"),
    ],
)
def test_a_damaged_index_is_the_damaged_sentence_a_question_gets(
    home: Path, table: str, index: str
) -> None:
    database = _library(home)
    with Store.open() as store:
        word = str(store.scalar("SELECT text FROM chunks LIMIT 1")).split()[0]
    damage_pages_of(database, table)
    with Store.open() as store:
        with pytest.raises(StoreError) as checked:
            check_search_indexes(store)
        with pytest.raises(StoreError) as searched:  # a search ranked as a question's is
            store.query(
                f"SELECT rowid FROM {index} WHERE {index} MATCH ? ORDER BY bm25({index})", (word,)
            )
    assert checked.value.condition == "damaged"
    assert str(checked.value).startswith(f"the library database {database} is damaged (")
    assert str(checked.value).endswith("); your documents themselves are not affected")
    assert searched.value.condition == "damaged"


def test_one_damaged_page_in_the_middle_of_the_index_is_found(home: Path) -> None:
    database = _library(home)
    with Store.open() as store:
        leaves = [
            row[0]
            for row in store.query(
                "SELECT pageno FROM dbstat WHERE name = 'chunks_fts_data' AND pagetype = 'leaf' "
                "ORDER BY pageno"
            )
        ]
        size = store.scalar("PRAGMA page_size")
        check_search_indexes(store)  # sound before
    assert len(leaves) > 10
    middle = leaves[len(leaves) // 2]
    with open(database, "r+b") as handle:
        handle.seek((middle - 1) * size)
        handle.write(b"\xff" * size)
    with Store.open() as store, pytest.raises(StoreError) as raised:
        check_search_indexes(store)
    assert raised.value.condition == "damaged"


def test_the_walk_stops_when_its_time_is_spent(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no time at all, only the opening searches run: a damaged leaf far in is not
    reached, and the check says nothing rather than take long."""
    database = _library(home)
    with Store.open() as store:
        last = store.scalar(
            "SELECT max(pageno) FROM dbstat WHERE name = 'chunks_fts_data' AND pagetype = 'leaf'"
        )
        size = store.scalar("PRAGMA page_size")
    with open(database, "r+b") as handle:
        handle.seek((last - 1) * size)
        handle.write(b"\xff" * size)
    monkeypatch.setattr(index_check, "_STEPS_BETWEEN_CLOCK_READS", 1)  # the clock read each step
    with Store.open() as store:
        check_search_indexes(store, budget_s=0.0)
        with pytest.raises(StoreError):
            check_search_indexes(store)
