"""How sure an answer is, from signals measured on the way to it — never from the model's word.

- an outline or definition lookup, or a section whose title says all that was asked: high;
- a learned answer: low when the evidence holds little of the question, lacks the kind of
  answer asked for (a number for "how many"), or holds two that fit it equally well, or a
  sentence beside it answers as well (no short answer is then shown), else medium — never
  high: measured on SQuAD 2.0, learned answers whose evidence held nearly all of the question
  and stood clear of the next sentence were right 22 times in 94, most of the others being
  questions the article does not answer in its own words (`nocturne bench` prints this
  calibration);
- summaries and comparisons: medium; an abstention: medium (the library may say it in words
  Nocturne does not match).
Low answers are shown as "best guess — check the source"; `nocturne bench` prints accuracy per
level, which is how these thresholds are held to account.
"""

from __future__ import annotations

from nocturne.answer.answer_type import TYPED, holds_expected_answer
from nocturne.answer.learned import rival_evidence
from nocturne.answer.retrieval import Evidence, Retrieval
from nocturne.answer.short_answers import typed_answer

HIGH = "high"
MEDIUM = "medium"
LOW = "low"

LOW_COVERAGE = 0.35


def evidence_confidence(retrieval: Retrieval, chosen: Evidence, supported_phrase: bool) -> str:
    query = retrieval.query
    kind = query.answer_type if query is not None else None
    asked = query.asked if query is not None else retrieval.question
    typed = kind in TYPED
    holds = holds_expected_answer(kind, chosen.text, asked) if typed else True
    if chosen.coverage < LOW_COVERAGE or not holds:
        return LOW
    if typed and query is not None:
        found = typed_answer(query, [chosen.text])
        if found is not None and found.ambiguous:
            return LOW  # two answers of the kind asked for fit the question equally well
        if chosen is retrieval.evidence[0] and rival_evidence(retrieval) is not None:
            return LOW  # so does the sentence beside it
    return MEDIUM
