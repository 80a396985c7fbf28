from nocturne.library.search import content_words, fts_query, search_chunks
from nocturne.library.store import ChunkDraft, Store


def test_query_is_safe_fts_syntax() -> None:
    assert fts_query('What is "NEAR" the (boiler) - AND rent?') == '"near" OR "boiler" OR "rent"'
    assert fts_query("what is it?") == ""
    assert content_words("The deposit's amount") == ["deposit", "amount"]


def test_a_possessive_question_finds_the_word_without_it(store: Store) -> None:
    """FTS reads "tenant's" as the phrase "tenant s", which a text saying "the Tenant" lacks."""
    store.save_document(
        path="/lease.txt",
        name="lease.txt",
        kind="text",
        content_hash="l",
        size=1,
        mtime=0,
        pages=None,
        chunks=[
            ChunkDraft(0, None, "Maria Kowalski is the Tenant.", 6),
            ChunkDraft(1, None, "The network name is RPL-Public.", 6),
        ],
    )
    texts = [hit.text for hit in search_chunks(store, "What is the tenant's name?")]
    assert "Maria Kowalski is the Tenant." in texts


def test_bm25_prefers_the_passage_with_the_rare_word(store: Store) -> None:
    store.save_document(
        path="/a.txt",
        name="a.txt",
        kind="text",
        content_hash="a",
        size=1,
        mtime=0,
        pages=None,
        chunks=[
            ChunkDraft(0, None, "The rent is due on the third day.", 8),
            ChunkDraft(1, None, "The garden is open in summer.", 7),
        ],
    )
    hits = search_chunks(store, "When is the rent due?")
    assert hits and hits[0].text.startswith("The rent")
    assert search_chunks(store, "???") == []


def test_an_acronym_is_found_spelled_out_as_the_library_writes_it(store: Store) -> None:
    from nocturne.library.search import spelled_out

    store.save_document(
        path="/h.txt",
        name="h.txt",
        kind="text",
        content_hash="h",
        size=1,
        mtime=0,
        pages=None,
        chunks=[
            ChunkDraft(0, None, "Ask Human Resources. Human Resources is on floor 2.", 9),
            ChunkDraft(1, None, "He reads the Health Report daily.", 7),
        ],
    )
    assert spelled_out(store, "HR") == ["Human Resources", "Health Report"]
    assert spelled_out(store, "XYZ") == []
    assert spelled_out(store, "hr") == []  # only an acronym written in capitals
