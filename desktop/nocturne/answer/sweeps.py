"""Measurements behind the routing thresholds in `ask.py` (no model needed, so they are cheap).

- Instant threshold: for every question, the similarity of its best anticipated question and
  whether that stored answer is right. Each candidate threshold gives a hit rate and a precision;
  the threshold is the lowest one whose instant answers are at least as accurate as the learned
  answers to the same questions would be (`TARGET_PRECISION` if not given).
- Abstention threshold: the share of the question's words found in the best sentence. Each
  candidate gives the answerable questions still answered and the unanswerable ones refused.
"""

from __future__ import annotations

from typing import Any, Protocol

from nocturne.answer.retrieval import retrieve
from nocturne.answer.text_match import IdfTable
from nocturne.library.store import Store

INSTANT_GRID = tuple(round(0.40 + 0.05 * i, 2) for i in range(13))  # 0.40 .. 1.00
ABSTAIN_GRID = tuple(round(0.05 * i, 2) for i in range(13))  # 0.00 .. 0.60
TARGET_PRECISION = 0.8


class QuestionLike(Protocol):
    question: str
    answers: tuple[str, ...]
    unanswerable: bool


def _contains(text: str, answers: tuple[str, ...]) -> bool:
    lowered = text.lower()
    return any(a.lower() in lowered for a in answers)


def sweep_instant(
    store: Store, questions: list[Any], target_precision: float = TARGET_PRECISION
) -> dict[str, Any]:
    idf = IdfTable(store)
    observations: list[tuple[float, bool]] = []
    for item in questions:
        match = retrieve(store, item.question, idf=idf).best_anticipated
        if match is None:
            observations.append((0.0, False))
            continue
        right = not item.unanswerable and _contains(match.answer, item.answers)
        observations.append((match.similarity, right))
    rows = []
    chosen = None
    for threshold in INSTANT_GRID:
        hits = [right for similarity, right in observations if similarity >= threshold]
        precision = sum(hits) / len(hits) if hits else None
        rows.append(
            {
                "threshold": threshold,
                "hits": len(hits),
                "hit_rate": round(len(hits) / len(observations), 4) if observations else 0,
                "precision": round(precision, 4) if precision is not None else None,
            }
        )
        if chosen is None and precision is not None and precision >= target_precision:
            chosen = threshold
    return {"target_precision": target_precision, "recommended": chosen, "grid": rows}


def sweep_abstention(store: Store, questions: list[Any]) -> dict[str, Any]:
    idf = IdfTable(store)
    observations: list[tuple[float, bool, bool]] = []  # coverage, unanswerable, top-1 right
    for item in questions:
        evidence = retrieve(store, item.question, idf=idf).evidence
        best = evidence[0] if evidence else None
        observations.append(
            (
                best.coverage if best else -1.0,  # no evidence at all: always refused
                item.unanswerable,
                bool(best) and not item.unanswerable and _contains(best.text, item.answers)
                if best
                else False,
            )
        )
    answerable = [o for o in observations if not o[1]]
    unanswerable = [o for o in observations if o[1]]
    rows = []
    for threshold in ABSTAIN_GRID:
        kept_right = sum(1 for c, _, right in answerable if c >= threshold and right)
        refused = sum(1 for c, _, _ in unanswerable if c < threshold)
        rows.append(
            {
                "threshold": threshold,
                "answerable_top1_accuracy": round(kept_right / len(answerable), 4)
                if answerable
                else None,
                "unanswerable_abstained": round(refused / len(unanswerable), 4)
                if unanswerable
                else None,
                "overall_accuracy": round((kept_right + refused) / len(observations), 4)
                if observations
                else None,
            }
        )
    return {"grid": rows}
