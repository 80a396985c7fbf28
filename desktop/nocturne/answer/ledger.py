"""The answer log in the store, and the sleep-time tokens an answer inherits.

Sleep-time tokens are what the digest spent on a document (its `digest_steps`), plus an even
share of the library-wide steps (brief, cross-document notes). An answer that used some documents
carries, for each of them, that document's sleep-time tokens divided by the number of questions
asked about it so far (this one included): the more a document is asked about, the cheaper its
digest becomes per question, which is the paper's amortization argument.
"""

from __future__ import annotations

from nocturne.answer.result import Answer
from nocturne.library import sleep_tokens
from nocturne.library.answer_log import AnswerRecord, insert_answer, questions_asked_about
from nocturne.library.store import Store


def sleep_tokens_by_document(store: Store) -> dict[int, int]:
    """Digest tokens per document, library-wide steps spread evenly over the documents."""
    per_document = sleep_tokens.tokens_per_document(store)
    library_wide = sleep_tokens.library_wide_tokens(store)
    documents = sleep_tokens.document_ids(store)
    if library_wide and documents:
        share = library_wide // len(documents)
        for document_id in documents:
            per_document[document_id] = per_document.get(document_id, 0) + share
    return per_document


def sleep_share(store: Store, document_ids: list[int]) -> tuple[int, float]:
    """(sleep-time tokens of these documents, their share for one more question)."""
    wanted = sorted(set(document_ids))
    # As `sleep_tokens_by_document` counts them, for these documents only: the whole library's
    # sums were read for every answer (60 ms at 10,000 documents).
    tokens_by_document = sleep_tokens.tokens_of_documents(store, wanted)
    library_wide = sleep_tokens.library_wide_tokens(store)
    count = sleep_tokens.document_count(store) if library_wide else 0
    if count:
        for document_id in sleep_tokens.existing_documents(store, wanted):
            tokens_by_document[document_id] = (
                tokens_by_document.get(document_id, 0) + library_wide // count
            )
    total = 0
    amortized = 0.0
    for document_id in wanted:
        tokens = tokens_by_document.get(document_id, 0)
        total += tokens
        amortized += tokens / (questions_asked_about(store, document_id) + 1)
    return total, amortized


def record_answer(store: Store, question: str, answer: Answer, model_id: str = "") -> int:
    """Log one answer and the documents it used; returns its id."""
    record = AnswerRecord(
        question=question,
        answer=answer.answer,
        mode=answer.mode,
        route=answer.answered_by,
        model_id=model_id,
        prompt_tokens=answer.usage.prompt_tokens,
        completion_tokens=answer.usage.completion_tokens,
        baseline_prompt_tokens=answer.baseline.prompt_tokens,
        baseline_completion_tokens=answer.baseline.completion_tokens,
        saved_tokens=answer.savings.tokens,
        cost_usd=answer.spent_usd,
        baseline_cost_usd=answer.savings.baseline_cost_usd,
        sleep_tokens=answer.sleep.tokens,
        amortized_sleep_tokens=answer.sleep.amortized_tokens_per_question,
        first_token_s=answer.timing.first_token_s,
        total_s=answer.timing.total_s,
        abstained=answer.abstained,
    )
    return insert_answer(store, record, answer.document_ids)
