"""The answer log in the store, and the sleep-time tokens an answer inherits.

Sleep-time tokens are what the digest spent on a document (its `digest_steps`), plus an even
share of the library-wide steps (brief, cross-document notes). An answer that used some documents
carries, for each of them, that document's sleep-time tokens divided by the number of questions
asked about it so far (this one included): the more a document is asked about, the cheaper its
digest becomes per question, which is the paper's amortization argument.
"""

from __future__ import annotations

from nocturne.answer.result import Answer
from nocturne.library.store import Store


def sleep_tokens_by_document(store: Store) -> dict[int, int]:
    """Digest tokens per document, library-wide steps spread evenly over the documents."""
    per_document = {
        int(row[0]): int(row[1] or 0)
        for row in store.query(
            "SELECT document_id, SUM(prompt_tokens + completion_tokens) FROM digest_steps "
            "WHERE document_id IS NOT NULL GROUP BY document_id"
        )
    }
    library_wide = int(
        store.scalar(
            "SELECT SUM(prompt_tokens + completion_tokens) FROM digest_steps "
            "WHERE document_id IS NULL"
        )
        or 0
    )
    documents = [int(row[0]) for row in store.query("SELECT id FROM documents")]
    if library_wide and documents:
        share = library_wide // len(documents)
        for document_id in documents:
            per_document[document_id] = per_document.get(document_id, 0) + share
    return per_document


def questions_asked_about(store: Store, document_id: int) -> int:
    return int(
        store.scalar("SELECT COUNT(*) FROM answer_documents WHERE document_id = ?", (document_id,))
        or 0
    )


def sleep_share(store: Store, document_ids: list[int]) -> tuple[int, float]:
    """(sleep-time tokens of these documents, their share for one more question)."""
    tokens_by_document = sleep_tokens_by_document(store)
    total = 0
    amortized = 0.0
    for document_id in sorted(set(document_ids)):
        tokens = tokens_by_document.get(document_id, 0)
        total += tokens
        amortized += tokens / (questions_asked_about(store, document_id) + 1)
    return total, amortized


def record_answer(store: Store, question: str, answer: Answer, model_id: str = "") -> int:
    """Log one answer and the documents it used; returns its id."""
    document_ids = sorted(set(answer.extra.get("document_ids", [])))
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO answers(question, answer, mode, route, model_id, prompt_tokens, "
            "completion_tokens, baseline_prompt_tokens, baseline_completion_tokens, "
            "saved_tokens, cost_usd, baseline_cost_usd, sleep_tokens, amortized_sleep_tokens, "
            "first_token_s, total_s, abstained) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                question,
                answer.answer,
                answer.mode,
                str(answer.extra.get("route", answer.mode)),
                model_id,
                answer.usage.prompt_tokens,
                answer.usage.completion_tokens,
                answer.baseline.prompt_tokens,
                answer.baseline.completion_tokens,
                answer.savings.tokens,
                float(answer.extra.get("cost_usd", 0.0)),
                answer.savings.baseline_cost_usd,
                answer.sleep.tokens,
                answer.sleep.amortized_tokens_per_question,
                answer.timing.first_token_s,
                answer.timing.total_s,
                int(answer.abstained),
            ),
        )
        answer_id = int(cur.lastrowid or 0)
        conn.executemany(
            "INSERT OR IGNORE INTO answer_documents(answer_id, document_id) "
            "SELECT ?, id FROM documents WHERE id = ?",
            [(answer_id, d) for d in document_ids],
        )
    return answer_id
