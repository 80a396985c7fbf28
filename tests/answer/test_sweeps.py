"""The measurements behind ask.py's thresholds: the instant-answer sweep over the similarity of
the best anticipated question, and the abstention sweep over the best sentence's coverage."""

from __future__ import annotations

from dataclasses import dataclass

from nocturne.answer.sweeps import (
    ABSTAIN_GRID,
    INSTANT_GRID,
    TARGET_PRECISION,
    sweep_abstention,
    sweep_instant,
)
from nocturne.library.store import Store

from .conftest import Library


@dataclass(frozen=True)
class Item:
    question: str
    answers: tuple[str, ...]
    unanswerable: bool = False


POINTS = Item("How many points did the Panthers defense give up?", ("308",))
BORN = Item("When was Nikola Tesla born?", ("1856",))
CAPITAL = Item("What is the capital of Australia?", (), True)
MANNING_BORN = Item("When was Peyton Manning born?", (), True)
COLLEGE = Item("Which college did Luke Kuechly attend before the league?", ("Kuechly",))


def row(grid: list[dict[str, object]], threshold: float) -> dict[str, object]:
    return next(r for r in grid if r["threshold"] == threshold)


def test_the_grids() -> None:
    assert (INSTANT_GRID[0], INSTANT_GRID[-1], len(INSTANT_GRID)) == (0.4, 1.0, 13)
    assert (ABSTAIN_GRID[0], ABSTAIN_GRID[-1], len(ABSTAIN_GRID)) == (0.0, 0.6, 13)


def test_the_instant_threshold_is_the_lowest_whose_answers_are_precise_enough(
    digested: Library,
) -> None:
    # A stored answer to a neighbouring question: "born" meets "retire" only half-way.
    digested.add_note(
        "question",
        "When did Peyton Manning retire?",
        ["Super_Bowl_50.md#2"],
        answer="Peyton Manning retired in 2016.",
    )
    sweep = sweep_instant(digested.store, [POINTS, BORN, CAPITAL, MANNING_BORN])
    assert sweep["target_precision"] == TARGET_PRECISION
    grid = sweep["grid"]
    # Down to 0.45 the Manning match (similarity 0.56) is served, and it is wrong.
    assert row(grid, 0.45) == {"threshold": 0.45, "hits": 3, "hit_rate": 0.75, "precision": 0.6667}
    assert row(grid, 0.6) == {"threshold": 0.6, "hits": 2, "hit_rate": 0.5, "precision": 1.0}
    assert sweep["recommended"] == 0.6
    assert sweep_instant(digested.store, [POINTS, MANNING_BORN], 1.01)["recommended"] is None


def test_without_questions_nothing_is_recommended(store: Store) -> None:
    sweep = sweep_instant(store, [])
    assert sweep["recommended"] is None
    assert row(sweep["grid"], 0.4) == {
        "threshold": 0.4,
        "hits": 0,
        "hit_rate": 0,
        "precision": None,
    }
    assert row(sweep_abstention(store, [])["grid"], 0.2) == {
        "threshold": 0.2,
        "answerable_top1_accuracy": None,
        "unanswerable_abstained": None,
        "overall_accuracy": None,
    }


def test_the_abstention_sweep_trades_answered_questions_for_refused_ones(
    digested: Library,
) -> None:
    grid = sweep_abstention(digested.store, [POINTS, COLLEGE, CAPITAL, MANNING_BORN])["grid"]
    # No evidence at all for the capital: refused at every threshold. The Manning question's
    # best sentence covers two thirds of it: answered at every threshold, wrongly.
    assert row(grid, 0.0) == {
        "threshold": 0.0,
        "answerable_top1_accuracy": 1.0,
        "unanswerable_abstained": 0.5,
        "overall_accuracy": 0.75,
    }
    # The college question's best sentence covers 0.28 of it: refused from 0.3 on.
    assert row(grid, 0.25)["answerable_top1_accuracy"] == 1.0
    assert row(grid, 0.3) == {
        "threshold": 0.3,
        "answerable_top1_accuracy": 0.5,
        "unanswerable_abstained": 0.5,
        "overall_accuracy": 0.5,
    }
