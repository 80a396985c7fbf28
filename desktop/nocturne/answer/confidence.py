"""How sure an answer is, from signals measured on the way to it — never from the model's word.

- an outline or definition lookup, or a section whose title says all that was asked: high;
- a learned answer: high when its evidence holds nearly all of the question, holds the kind of
  answer asked for (a number for "how many"), and stands clear of the next-best sentence;
  low when the evidence holds little of the question or lacks the kind of answer asked for;
  medium otherwise;
- summaries and comparisons: medium; an abstention: medium (the library may say it in words
  Nocturne does not match).
Low answers are shown as "best guess — check the source"; `nocturne bench` prints accuracy per
level, which is how these thresholds are held to account.
"""

from __future__ import annotations

from nocturne.answer.answer_type import holds_expected_answer
from nocturne.answer.retrieval import Evidence, Retrieval

HIGH = "high"
MEDIUM = "medium"
LOW = "low"

HIGH_COVERAGE = 0.8
HIGH_MARGIN = 0.1
LOW_COVERAGE = 0.35


def evidence_confidence(retrieval: Retrieval, chosen: Evidence, supported_phrase: bool) -> str:
    query = retrieval.query
    kind = query.answer_type if query is not None else None
    asked = query.asked if query is not None else retrieval.question
    typed = kind in ("number", "date", "name", "code")
    holds = holds_expected_answer(kind, chosen.text, asked) if typed else True
    if chosen.coverage < LOW_COVERAGE or not holds:
        return LOW
    others = [ev.score for ev in retrieval.evidence if ev.text != chosen.text][:1]
    margin = chosen.score - others[0] if others else 1.0
    if (
        chosen.coverage >= HIGH_COVERAGE
        and margin >= HIGH_MARGIN
        and (supported_phrase or not typed)
    ):
        return HIGH
    return MEDIUM
