"""What the digest spent, read from `digest_steps`: per document, library-wide, in all.

One place for these sums, so that the answer log's amortised share, `nocturne bench` and the
status lines count the same tokens. `logged_tokens` is the other number: what every digest model
call spent, as the call log has it, finished step or not; the difference from `total_tokens` is
work lost to interrupted steps.
"""

from __future__ import annotations

from collections.abc import Sequence

from nocturne.library.store import Store


def tokens_per_document(store: Store) -> dict[int, int]:
    """Sleep-time tokens of each document's own steps."""
    return {
        int(row[0]): int(row[1] or 0)
        for row in store.query(
            "SELECT document_id, SUM(prompt_tokens + completion_tokens) FROM digest_steps "
            "WHERE document_id IS NOT NULL GROUP BY document_id"
        )
    }


def tokens_of_documents(store: Store, document_ids: Sequence[int]) -> dict[int, int]:
    """`tokens_per_document` for these documents only (read through their index)."""
    if not document_ids:
        return {}
    marks = ",".join("?" * len(document_ids))
    return {
        int(row[0]): int(row[1] or 0)
        for row in store.query(
            "SELECT document_id, SUM(prompt_tokens + completion_tokens) FROM digest_steps "
            f"WHERE document_id IN ({marks}) GROUP BY document_id",
            tuple(document_ids),
        )
    }


def library_wide_tokens(store: Store) -> int:
    """Sleep-time tokens of the steps about the whole library (brief, cross-document notes)."""
    return int(
        store.scalar(
            "SELECT SUM(prompt_tokens + completion_tokens) FROM digest_steps "
            "WHERE document_id IS NULL"
        )
        or 0
    )


def total_tokens(store: Store) -> int:
    return int(store.scalar("SELECT SUM(prompt_tokens + completion_tokens) FROM digest_steps") or 0)


DIGEST_PURPOSES = "digest:%"
"""The `model_calls.purpose` of every digest model call (`digest:questions`, ...)."""


def logged_tokens(store: Store) -> int:
    """Tokens of every digest model call in the call log (interrupted steps' calls too)."""
    return int(
        store.scalar(
            "SELECT SUM(prompt_tokens + completion_tokens) FROM model_calls WHERE purpose LIKE ?",
            (DIGEST_PURPOSES,),
        )
        or 0
    )


def digested_documents(store: Store) -> int:
    """How many documents have at least one finished digest step."""
    return int(
        store.scalar(
            "SELECT COUNT(DISTINCT document_id) FROM digest_steps WHERE document_id IS NOT NULL"
        )
        or 0
    )


def document_ids(store: Store) -> list[int]:
    return [int(row[0]) for row in store.query("SELECT id FROM documents")]


def document_count(store: Store) -> int:
    return int(store.scalar("SELECT COUNT(*) FROM documents") or 0)


def existing_documents(store: Store, document_ids: Sequence[int]) -> set[int]:
    """Which of these documents are (still) in the library."""
    if not document_ids:
        return set()
    marks = ",".join("?" * len(document_ids))
    rows = store.query(f"SELECT id FROM documents WHERE id IN ({marks})", tuple(document_ids))
    return {int(row[0]) for row in rows}
