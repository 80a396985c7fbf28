"""What the digest spent (`library/sleep_tokens.py`): sums of `digest_steps` per document,
library-wide and in all, the call log's digest tokens, and the document counts beside them."""

from __future__ import annotations

from nocturne.engine.base import Usage
from nocturne.library import sleep_tokens
from nocturne.library.store import ChunkDraft, Store


def _document(store: Store, name: str) -> int:
    return store.save_document(
        path=f"/docs/{name}",
        name=name,
        kind="text",
        content_hash=f"hash of {name}",
        size=10,
        mtime=0.0,
        pages=None,
        chunks=[ChunkDraft(0, None, f"The text of {name}.", 4)],
    )


def _step(store: Store, key: str, document_id: int | None, prompt: int, completion: int) -> None:
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO digest_steps(step_key, kind, document_id, model_id, prompt_version, "
            "prompt_tokens, completion_tokens) VALUES (?, 'chunk_notes', ?, 'm', 'v1', ?, ?)",
            (key, document_id, prompt, completion),
        )


def test_an_empty_library_spent_nothing(store: Store) -> None:
    assert sleep_tokens.tokens_per_document(store) == {}
    assert sleep_tokens.tokens_of_documents(store, [1, 2]) == {}
    assert sleep_tokens.library_wide_tokens(store) == 0
    assert sleep_tokens.total_tokens(store) == 0
    assert sleep_tokens.logged_tokens(store) == 0
    assert sleep_tokens.digested_documents(store) == 0
    assert (sleep_tokens.document_ids(store), sleep_tokens.document_count(store)) == ([], 0)


def test_steps_are_summed_per_document_library_wide_and_in_all(store: Store) -> None:
    lease, garden, waiting = (_document(store, n) for n in ("lease.txt", "garden.txt", "w.txt"))
    _step(store, "lease:1", lease, 100, 20)
    _step(store, "lease:2", lease, 50, 5)
    _step(store, "garden:1", garden, 30, 3)
    _step(store, "brief", None, 400, 40)
    _step(store, "cross", None, 7, 1)
    assert sleep_tokens.tokens_per_document(store) == {lease: 175, garden: 33}
    assert sleep_tokens.library_wide_tokens(store) == 448
    assert sleep_tokens.total_tokens(store) == 175 + 33 + 448
    assert sleep_tokens.digested_documents(store) == 2  # the waiting one has no step yet
    assert sleep_tokens.document_count(store) == 3
    assert sorted(sleep_tokens.document_ids(store)) == sorted([lease, garden, waiting])


def test_tokens_of_some_documents_only(store: Store) -> None:
    lease, garden = _document(store, "lease.txt"), _document(store, "garden.txt")
    _step(store, "lease:1", lease, 100, 20)
    _step(store, "garden:1", garden, 30, 3)
    _step(store, "brief", None, 400, 40)
    assert sleep_tokens.tokens_of_documents(store, [garden]) == {garden: 33}
    assert sleep_tokens.tokens_of_documents(store, [lease, garden, 999]) == {lease: 120, garden: 33}
    assert sleep_tokens.tokens_of_documents(store, []) == {}


def test_a_removed_document_takes_its_steps_with_it(store: Store) -> None:
    lease, garden = _document(store, "lease.txt"), _document(store, "garden.txt")
    _step(store, "lease:1", lease, 100, 20)
    _step(store, "garden:1", garden, 30, 3)
    store.remove_document(lease)
    assert sleep_tokens.tokens_per_document(store) == {garden: 33}
    assert sleep_tokens.total_tokens(store) == 33
    assert sleep_tokens.existing_documents(store, [lease, garden]) == {garden}


def test_existing_documents_are_those_still_in_the_library(store: Store) -> None:
    lease = _document(store, "lease.txt")
    assert sleep_tokens.existing_documents(store, [lease, lease + 1, -3]) == {lease}
    assert sleep_tokens.existing_documents(store, []) == set()


def test_logged_tokens_count_every_digest_call_and_nothing_else(store: Store) -> None:
    assert sleep_tokens.logged_tokens(store) == 0
    for purpose, prompt in (("digest:questions", 10), ("digest:summary", 5), ("answer:raw", 100)):
        store.log_model_call(purpose=purpose, model_id="m", usage=Usage(prompt, 1), seconds=0.1)
    assert sleep_tokens.logged_tokens(store) == 17


def test_logged_tokens_include_calls_of_steps_never_finished(store: Store) -> None:
    lease = _document(store, "lease.txt")
    _step(store, "lease:1", lease, 100, 20)
    store.log_model_call(purpose="digest:notes", model_id="m", usage=Usage(100, 20), seconds=1)
    store.log_model_call(purpose="digest:notes", model_id="m", usage=Usage(60, 0), seconds=1)
    store.log_model_call(purpose="digesting", model_id="m", usage=Usage(1000, 0), seconds=1)
    assert sleep_tokens.logged_tokens(store) == 180  # the interrupted call's 60 too
    assert sleep_tokens.total_tokens(store) == 120  # finished steps only
