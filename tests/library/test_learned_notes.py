"""What question time reads of the learned context (`library/learned_notes.py`): fresh notes
only, where they come from, and the documents beside them."""

from __future__ import annotations

from nocturne.library.learned_notes import (
    DocumentEntry,
    Note,
    Source,
    chunk_count,
    chunk_source,
    cross_document_notes,
    document_name,
    document_notes,
    first_chunks,
    fresh_note_count,
    latest_library_brief,
    note_sources,
    notes_signature,
    readable_documents,
    search_notes,
)
from nocturne.library.store import ChunkDraft, Store


def _document(store: Store, name: str, *texts: str, pages: bool = False) -> tuple[int, list[int]]:
    """A document with one chunk per text (on pages 1, 2, ... when `pages`), and its chunk ids."""
    document_id = store.save_document(
        path=f"/docs/{name}",
        name=name,
        kind="pdf" if pages else "text",
        content_hash=f"hash of {name}",
        size=10,
        mtime=0.0,
        pages=len(texts) if pages else None,
        chunks=[ChunkDraft(i, i + 1 if pages else None, text, 5) for i, text in enumerate(texts)],
    )
    return document_id, [c.id for c in store.chunks(document_id)]


def _note(
    store: Store,
    kind: str,
    text: str,
    chunk_ids: list[int],
    document_id: int | None,
    *,
    answer: str | None = None,
    stale: int = 0,
    key: str = "",
) -> int:
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO notes(kind, document_id, text, answer, model_id, prompt_version, stale, "
            "key) VALUES (?, ?, ?, ?, 'm', 'v1', ?, ?)",
            (kind, document_id, text, answer, stale, key),
        )
        note_id = int(cur.lastrowid or 0)
        conn.executemany(
            "INSERT INTO note_sources(note_id, chunk_id) VALUES (?, ?)",
            [(note_id, chunk) for chunk in chunk_ids],
        )
    return note_id


def test_the_notes_signature_counts_stale_notes(store: Store) -> None:
    document_id, _ = _document(store, "lease.txt", "The deposit is 2,500 euros.")
    for stale in (0, 1, 1):
        _note(store, "fact", "x", [], document_id, stale=stale)
    count, highest, stale = notes_signature(store)
    assert (count, stale) == (3, 2) and highest == int(store.scalar("SELECT MAX(id) FROM notes"))


def test_the_signature_changes_whenever_the_learned_context_does(store: Store) -> None:
    document_id, _ = _document(store, "lease.txt", "The deposit is 2,500 euros.")
    empty = notes_signature(store)
    assert empty == (0, 0, 0)
    first = _note(store, "fact", "x", [], document_id)
    second = _note(store, "fact", "y", [], document_id)
    added = notes_signature(store)
    with store.transaction() as conn:
        conn.execute("UPDATE notes SET stale = 1 WHERE id = ?", (first,))
    marked = notes_signature(store)
    with store.transaction() as conn:
        conn.execute("DELETE FROM notes WHERE id = ?", (second,))
    removed = notes_signature(store)
    assert len({empty, added, marked, removed}) == 4
    assert fresh_note_count(store) == 0  # the one left is stale


def test_fresh_notes_are_counted_and_stale_ones_are_not(store: Store) -> None:
    document_id, _ = _document(store, "lease.txt", "The deposit is 2,500 euros.")
    _note(store, "fact", "a", [], document_id)
    _note(store, "fact", "b", [], document_id, stale=1)
    _note(store, "library_brief", "c", [], None)
    assert fresh_note_count(store) == 2


def test_note_sources_are_the_chunks_in_reading_order(store: Store) -> None:
    lease, (first, second) = _document(store, "lease.pdf", "Rent.", "Deposit.", pages=True)
    _, (plot,) = _document(store, "garden.txt", "A plot.")
    both = _note(store, "cross_document", "Both.", [second, plot, first], None)
    one = _note(store, "fact", "Rent.", [first], lease)
    alone = _note(store, "fact", "Nothing.", [], lease)
    sources = note_sources(store, [both, one, alone])
    assert sources[one] == (Source(first, lease, "lease.pdf", "/docs/lease.pdf", 1),)
    assert [(s.chunk_id, s.page) for s in sources[both]] == [(first, 1), (plot, None), (second, 2)]
    assert {s.document_name for s in sources[both]} == {"lease.pdf", "garden.txt"}
    assert alone not in sources  # a note without sources is left out, not an empty tuple
    assert note_sources(store, []) == {}


def test_a_chunk_source_says_where_a_chunk_lies(store: Store) -> None:
    lease, (_, second) = _document(store, "lease.pdf", "Rent.", "Deposit.", pages=True)
    assert chunk_source(store, second) == Source(second, lease, "lease.pdf", "/docs/lease.pdf", 2)
    assert chunk_source(store, second + 100) is None


def test_search_finds_fresh_notes_of_the_kinds_asked_for_by_text_or_answer(store: Store) -> None:
    lease, (chunk,) = _document(store, "lease.txt", "The deposit is 2,500 euros.")
    fact = _note(store, "fact", "The deposit is 2,500 euros.", [chunk], lease, key="deposit")
    question = _note(
        store, "question", "How much must be paid first?", [chunk], lease, answer="The deposit."
    )
    _note(store, "fact", "The deposit was 2,000 euros.", [chunk], lease, stale=1)
    _note(store, "definition", "Deposit: money held against damage.", [chunk], lease)
    hits = search_notes(store, "How big is the deposit?", ("fact", "question"))
    assert {hit.id for hit in hits} == {fact, question}
    by_id = {hit.id: hit for hit in hits}
    assert (by_id[fact].kind, by_id[fact].key, by_id[fact].document_id) == (
        "fact",
        "deposit",
        lease,
    )
    assert (by_id[question].answer, by_id[question].key) == ("The deposit.", "")
    assert all(isinstance(hit.score, float) for hit in hits)
    assert [h.id for h in search_notes(store, "deposit", ("fact",), limit=1)] == [fact]


def test_search_ranks_the_closer_note_first(store: Store) -> None:
    lease, (chunk,) = _document(store, "lease.txt", "Rent and deposit.")
    rent = _note(store, "fact", "Rent is paid monthly, and the deposit once.", [chunk], lease)
    deposit = _note(store, "fact", "The deposit is returned within a month.", [chunk], lease)
    hits = search_notes(store, "When is the deposit returned?", ("fact",))
    assert [hit.id for hit in hits] == [deposit, rent]
    assert hits[0].score < hits[1].score  # BM25: lower is better


def test_search_with_no_content_words_or_no_kinds_finds_nothing(store: Store) -> None:
    lease, (chunk,) = _document(store, "lease.txt", "The deposit is 2,500 euros.")
    _note(store, "fact", "The deposit is 2,500 euros.", [chunk], lease)
    assert search_notes(store, "What is it?", ("fact",)) == []
    assert search_notes(store, "", ("fact",)) == []
    assert search_notes(store, "deposit", ()) == []
    assert search_notes(store, 'deposit" OR (', ("fact",))[0].kind == "fact"  # quotes are safe


def test_document_notes_are_one_documents_fresh_notes_of_one_kind_oldest_first(
    store: Store,
) -> None:
    lease, _ = _document(store, "lease.txt", "Rent.")
    garden, _ = _document(store, "garden.txt", "Plot.")
    first = _note(store, "summary", "First.", [], lease)
    _note(store, "summary", "Old.", [], lease, stale=1)
    _note(store, "fact", "A fact.", [], lease)
    _note(store, "summary", "The garden.", [], garden)
    second = _note(store, "summary", "Second.", [], lease)
    assert document_notes(store, lease, "summary") == [
        Note(first, "First."),
        Note(second, "Second."),
    ]
    assert document_notes(store, lease, "outline") == []


def test_cross_document_notes_know_their_documents(store: Store) -> None:
    lease, (rent,) = _document(store, "lease.txt", "Rent.")
    garden, (plot,) = _document(store, "garden.txt", "Plot.")
    both = _note(store, "cross_document", "Both cost money.", [rent, plot], None)
    one = _note(store, "cross_document", "Only the lease.", [rent], None)
    _note(store, "cross_document", "Stale.", [rent, plot], None, stale=1)
    _note(store, "cross_document", "No sources.", [], None)  # in no document: not listed
    _note(store, "fact", "Rent.", [rent], lease)
    assert cross_document_notes(store) == [
        (Note(both, "Both cost money."), frozenset({lease, garden})),
        (Note(one, "Only the lease."), frozenset({lease})),
    ]


def test_the_latest_fresh_library_brief(store: Store) -> None:
    assert latest_library_brief(store) is None
    older = _note(store, "library_brief", "Older brief.", [], None)
    assert latest_library_brief(store) == Note(older, "Older brief.")
    newer = _note(store, "library_brief", "Newer brief.", [], None)
    _note(store, "library_brief", "Stale brief.", [], None, stale=1)
    assert latest_library_brief(store) == Note(newer, "Newer brief.")


def test_readable_documents_are_those_not_in_error_by_name(store: Store) -> None:
    zebra, _ = _document(store, "zebra.txt", "Z.")
    apple, _ = _document(store, "apple.txt", "A.")
    broken, _ = _document(store, "broken.txt", "B.")
    store.set_document_state(broken, "error", "unreadable")
    assert readable_documents(store) == [
        DocumentEntry(apple, "apple.txt"),
        DocumentEntry(zebra, "zebra.txt"),
    ]
    assert readable_documents(store, limit=1) == [DocumentEntry(apple, "apple.txt")]
    assert document_name(store, broken) == "broken.txt"  # named, though not readable
    assert document_name(store, zebra + apple + broken) is None


def test_chunk_count_and_the_first_chunks_of_a_document(store: Store) -> None:
    assert chunk_count(store) == 0
    lease, chunks = _document(store, "lease.pdf", "Title.", "One.", "Two.", "Three.", pages=True)
    _document(store, "garden.txt", "Plot.")
    assert chunk_count(store) == 5
    assert [s.chunk_id for s in first_chunks(store, lease)] == chunks[:3]
    assert [(s.page, s.document_name) for s in first_chunks(store, lease, 2)] == [
        (1, "lease.pdf"),
        (2, "lease.pdf"),
    ]
    assert first_chunks(store, lease + 100) == []
