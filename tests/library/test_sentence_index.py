"""The model-free reference (`library/sentence_index.py`): every distinct sentence of the library
in BM25, and the best one for a question."""

from __future__ import annotations

import sqlite3

import pytest

from nocturne.library.sentence_index import ReferenceHit, SentenceIndex
from nocturne.library.store import ChunkDraft, Store


def _document(store: Store, name: str, *chunks: tuple[int | None, str]) -> list[int]:
    """A document of these (page, text) chunks; its chunk ids."""
    document_id = store.save_document(
        path=f"/docs/{name}",
        name=name,
        kind="text",
        content_hash=f"hash of {name}",
        size=10,
        mtime=0.0,
        pages=None,
        chunks=[ChunkDraft(i, page, text, 20) for i, (page, text) in enumerate(chunks)],
    )
    return [c.id for c in store.chunks(document_id)]


def test_an_empty_library_has_no_sentences_to_quote(store: Store) -> None:
    index = SentenceIndex(store)
    assert index.size == 0
    assert index.best("Where was Tesla born?") == []
    index.close()


def test_the_best_sentence_comes_with_its_chunk_document_and_page(store: Store) -> None:
    first, second = _document(
        store,
        "lease.pdf",
        (1, "The lease runs for twelve months. Rent is due on the first day."),
        (2, "The deposit is 2,500 euros. It is returned when the keys are handed back."),
    )
    (garden,) = _document(store, "garden.txt", (None, "A garden plot costs 40 euros a year."))
    index = SentenceIndex(store)
    assert index.size == 5
    assert index.best("How much is the deposit?") == [
        ReferenceHit("The deposit is 2,500 euros.", second, "lease.pdf", 2)
    ]
    assert index.best("What does a garden plot cost?") == [
        ReferenceHit("A garden plot costs 40 euros a year.", garden, "garden.txt", None)
    ]
    assert index.best("When is rent due?")[0].chunk_id == first
    index.close()


def test_a_sentence_repeated_by_the_overlap_between_chunks_is_indexed_once(store: Store) -> None:
    first, _ = _document(
        store,
        "lease.txt",
        (None, "Rent is due on the first day. The deposit is 2,500 euros."),
        (None, "The deposit is 2,500 euros. Keys are handed over in May."),
    )
    index = SentenceIndex(store)
    assert index.size == 3
    hits = index.best("deposit euros", limit=5)
    assert [(h.sentence, h.chunk_id) for h in hits] == [("The deposit is 2,500 euros.", first)]
    index.close()


def test_the_limit_caps_the_hits_best_first(store: Store) -> None:
    _document(
        store,
        "boiler.txt",
        (
            None,
            "The boiler is serviced every May by the boiler company. "
            "The boiler room is locked. The garden has a shed.",
        ),
    )
    index = SentenceIndex(store)
    hits = index.best("boiler serviced", limit=5)
    assert [h.sentence for h in hits] == [
        "The boiler is serviced every May by the boiler company.",
        "The boiler room is locked.",
    ]
    assert len(index.best("boiler", limit=1)) == 1
    index.close()


@pytest.mark.parametrize("question", ["", "???", "What is it?", "Who was where and when?"])
def test_a_question_without_content_words_finds_nothing(store: Store, question: str) -> None:
    _document(store, "lease.txt", (None, "What is it? It is the lease, where it was signed."))
    index = SentenceIndex(store)
    assert index.best(question) == []
    index.close()


def test_the_index_is_built_once_and_does_not_follow_the_library(store: Store) -> None:
    _document(store, "lease.txt", (None, "The deposit is 2,500 euros."))
    index = SentenceIndex(store)
    _document(store, "garden.txt", (None, "A garden plot costs 40 euros a year."))
    assert index.best("garden plot") == []
    index.close()
    with pytest.raises(sqlite3.ProgrammingError):
        index.best("deposit")
