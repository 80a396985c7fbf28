"""The answer log in the store, and the sleep-time tokens an answer inherits.

Sleep-time tokens are what the digest spent on a document (its `digest_steps`), plus an even
share of the library-wide steps (brief, cross-document notes). An answer that used some documents
carries, for each of them, that document's sleep-time tokens divided by the number of questions
asked about it so far (this one included): the more a document is asked about, the cheaper its
digest becomes per question, which is the paper's amortization argument.

Each digest token is carried once in all: when a question is logged, the earlier answers about
the same documents are re-shared (a document's tokens / the questions now asked about it), so
their shares fall as the new one takes its part. Summed over the log, the shares never exceed
what the digest spent on the documents asked about (they used to: the first question carried a
document's digest in full, the second half of it again, the third a third... 1.8× the digest
after three questions). A share never rises after it is logged, so the money saved only grows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from nocturne.answer.result import Answer
from nocturne.library import sleep_tokens
from nocturne.library.answer_log import (
    AnswerRecord,
    answers_sharing,
    insert_answer,
    lower_sleep_shares,
    question_counts,
    questions_asked_about,
)
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


def _sleep_tokens_of(store: Store, wanted: list[int]) -> dict[int, int]:
    """As `sleep_tokens_by_document` counts them, for these documents only: the whole library's
    sums were read for every answer (60 ms at 10,000 documents)."""
    tokens_by_document = sleep_tokens.tokens_of_documents(store, wanted)
    library_wide = sleep_tokens.library_wide_tokens(store)
    count = sleep_tokens.document_count(store) if library_wide else 0
    if count:
        for document_id in sleep_tokens.existing_documents(store, wanted):
            tokens_by_document[document_id] = (
                tokens_by_document.get(document_id, 0) + library_wide // count
            )
    return tokens_by_document


def sleep_share(store: Store, document_ids: list[int]) -> tuple[int, float]:
    """(sleep-time tokens of these documents, their share for one more question)."""
    wanted = sorted(set(document_ids))
    tokens_by_document = _sleep_tokens_of(store, wanted)
    total = 0
    amortized = 0.0
    for document_id in wanted:
        tokens = tokens_by_document.get(document_id, 0)
        total += tokens
        amortized += tokens / (questions_asked_about(store, document_id) + 1)
    return total, amortized


def reshare_sleep_tokens(store: Store, document_ids: Sequence[int]) -> None:
    """Re-share these documents' digest among every answer about them, now that one more
    question is logged: each answer's share becomes, over its documents, the document's
    sleep-time tokens / the questions asked about it (lowered only, never raised)."""
    sharing = answers_sharing(store, document_ids)
    if not sharing:
        return
    used = sorted({d for answer in sharing for d in answer.document_ids})
    tokens = _sleep_tokens_of(store, used)
    asked = question_counts(store, used)
    shares = {
        # Hundredths rounded down, so that the shares never add up to more than was spent.
        answer.id: math.floor(
            100 * sum(tokens.get(d, 0) / asked[d] for d in answer.document_ids if asked[d])
        )
        / 100
        for answer in sharing
    }
    lower_sleep_shares(store, shares)


def record_answer(store: Store, question: str, answer: Answer, model_id: str = "") -> int:
    """Log one answer and the documents it used, and re-share the digest of those documents
    among the answers about them (`reshare_sleep_tokens`); returns its id."""
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
    with store.transaction():
        answer_id = insert_answer(store, record, answer.document_ids)
        reshare_sleep_tokens(store, answer.document_ids)
    return answer_id
