"""Whether an answer's quoted sentence is one the digest learned (`library/learned_evidence.py`):
held by a fresh note of the cited chunks, or holding one, in its text or stored answer."""

from __future__ import annotations

from nocturne.library.learned_evidence import MIN_MATCH_CHARS, learned_notes_holding
from nocturne.library.store import ChunkDraft, Store

QUOTE = "The deposit is 2,500 euros, paid before the keys are handed over."


def _chunks(store: Store, name: str, count: int = 2) -> list[int]:
    document_id = store.save_document(
        path=f"/docs/{name}",
        name=name,
        kind="text",
        content_hash=f"hash of {name}",
        size=10,
        mtime=0.0,
        pages=None,
        chunks=[ChunkDraft(i, None, f"{QUOTE} Part {i}.", 12) for i in range(count)],
    )
    return [c.id for c in store.chunks(document_id)]


def _note(
    store: Store,
    kind: str,
    text: str,
    chunk_ids: list[int],
    answer: str | None = None,
    stale: int = 0,
) -> None:
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO notes(kind, text, answer, model_id, prompt_version, stale) "
            "VALUES (?, ?, ?, 'm', 'v1', ?)",
            (kind, text, answer, stale),
        )
        conn.executemany(
            "INSERT INTO note_sources(note_id, chunk_id) VALUES (?, ?)",
            [(cur.lastrowid, chunk) for chunk in chunk_ids],
        )


def test_a_quote_the_digest_kept_as_a_note_is_learned(store: Store) -> None:
    first, second = _chunks(store, "lease.txt")
    _note(store, "fact", QUOTE, [first])
    assert learned_notes_holding(store, [first], QUOTE) == ["fact"]
    assert learned_notes_holding(store, [second, first, first], QUOTE) == ["fact"]
    assert learned_notes_holding(store, [second], QUOTE) == []  # a note of another chunk


def test_a_trimmed_quote_or_a_clause_of_a_note_both_count(store: Store) -> None:
    (chunk,) = _chunks(store, "lease.txt", 1)
    _note(store, "summary", f"In short: {QUOTE} The rent is due monthly.", [chunk])
    _note(store, "definition", "paid before the keys are handed over", [chunk])
    assert learned_notes_holding(store, [chunk], "the deposit is 2,500 euros") == ["summary"]
    assert learned_notes_holding(store, [chunk], QUOTE) == ["definition", "summary"]


def test_an_anticipated_questions_answer_is_matched_too(store: Store) -> None:
    (chunk,) = _chunks(store, "lease.txt", 1)
    _note(store, "question", "How much is the deposit?", [chunk], answer=QUOTE)
    _note(store, "question", "When are the keys handed over?", [chunk], answer=QUOTE)
    assert learned_notes_holding(store, [chunk], QUOTE) == ["question"]  # each kind once


def test_case_spacing_quotes_and_a_final_full_stop_do_not_matter(store: Store) -> None:
    (chunk,) = _chunks(store, "lease.txt", 1)
    _note(store, "fact", QUOTE, [chunk])
    quoted = "“THE   deposit is 2,500 euros,\npaid before the keys are handed over”"
    assert learned_notes_holding(store, [chunk], quoted) == ["fact"]


def test_stale_notes_never_carry_an_answer(store: Store) -> None:
    (chunk,) = _chunks(store, "lease.txt", 1)
    _note(store, "fact", QUOTE, [chunk], stale=1)
    assert learned_notes_holding(store, [chunk], QUOTE) == []


def test_short_text_says_nothing_about_which_sentence_was_quoted(store: Store) -> None:
    (chunk,) = _chunks(store, "lease.txt", 1)
    _note(store, "fact", "2,500 euros", [chunk])  # held by the quote, but a mere amount
    assert learned_notes_holding(store, [chunk], QUOTE) == []
    short_quote = "2,500 euros, paid."
    assert len(short_quote) < MIN_MATCH_CHARS
    _note(store, "summary", QUOTE, [chunk])
    assert learned_notes_holding(store, [chunk], short_quote) == []


def test_no_cited_chunks_means_no_learned_evidence(store: Store) -> None:
    (chunk,) = _chunks(store, "lease.txt", 1)
    _note(store, "fact", QUOTE, [chunk])
    assert learned_notes_holding(store, [], QUOTE) == []
    assert learned_notes_holding(store, [chunk], "Something else entirely was said here.") == []
