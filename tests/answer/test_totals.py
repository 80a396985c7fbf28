"""Totals and history of logged answers, for `nocturne status` and the window's savings panel."""

from __future__ import annotations

import pytest

from nocturne.answer.ask import ask
from nocturne.answer.ledger import record_answer
from nocturne.answer.plain import PENDING_ROUTE
from nocturne.answer.result import Answer, Savings, SleepShare, Timing
from nocturne.answer.totals import AnswerTotals, answer_summary, answer_totals, format_answer_totals
from nocturne.engine.base import Usage
from nocturne.library.store import Store
from nocturne.settings import Settings

from .conftest import Library
from fakes.engine import FakeEngine


def log(
    store: Store,
    mode: str,
    used: int,
    baseline: int,
    *,
    route: str = "",
    amortized: float = 0.0,
    first_token_s: float = 0.1,
    question: str = "q",
) -> None:
    answer = Answer(
        answer="a",
        mode=mode,
        citations=[],
        usage=Usage(used, 0),
        baseline=Usage(baseline, 0),
        baseline_method="raw-bm25-prompt-tokenized",
        savings=Savings(max(0, baseline - used), 1.0, 0.0, 0.0),
        timing=Timing(first_token_s, 1.0),
        sleep=SleepShare(0, amortized),
        abstained=route == "abstain",
        route=route,
    )
    record_answer(store, question, answer)


def test_the_log_matches_the_savings_lines(digested: Library, settings: Settings) -> None:
    engine = FakeEngine(["2,249 yards"])
    answers = [
        ask(digested.store, engine, "How many yards did Peyton Manning throw for?", settings),
        ask(digested.store, engine, "When was Nikola Tesla born?", settings),
        ask(digested.store, engine, "What is the capital of Australia?", settings),
    ]
    totals = answer_totals(digested.store)
    assert totals["answers"] == 3
    assert totals["tokens"] == sum(a.usage.total for a in answers)
    assert totals["baseline_tokens"] == sum(a.baseline.total for a in answers)
    assert totals["saved_tokens"] == sum(a.savings.tokens for a in answers)
    assert totals["baseline_cost_usd"] == pytest.approx(
        sum(a.savings.baseline_cost_usd for a in answers)
    )
    assert totals["saved_usd"] == pytest.approx(sum(a.savings.saved_usd for a in answers), abs=1e-6)
    assert totals["abstained"] == 1
    assert totals["by_mode"]["instant"]["answers"] == 1
    assert totals["history"][0]["question"].startswith("How many yards")
    used = digested.store.query("SELECT document_id FROM answer_documents ORDER BY answer_id")
    assert len(used) == 2
    line = format_answer_totals(totals)
    assert f"{totals['tokens']} tokens instead of {totals['baseline_tokens']}" in line
    assert str(answers[0].usage.total) in answers[0].savings_line()


def test_no_answers_yet(store) -> None:  # type: ignore[no-untyped-def]
    totals = answer_totals(store)
    assert totals["answers"] == 0 and totals["ratio"] is None
    assert format_answer_totals(totals) == "Answers: none yet"


def test_the_ratio_counts_only_answers_that_could_save_something(store: Store) -> None:
    log(store, "learned", 100, 1000)
    log(store, "instant", 0, 1000)
    log(store, "raw", 1000, 1000)  # the baseline itself
    log(store, "learned", 50, 50, route="abstain")  # no answer
    totals = answer_summary(store, price_per_million=2.0, factor=10)
    assert (totals.answers, totals.tokens, totals.baseline_tokens) == (4, 1150, 3050)
    assert (totals.ratio_answers, totals.ratio_tokens, totals.ratio_baseline_tokens) == (
        2,
        100,
        2000,
    )
    assert totals.ratio == 20.0
    assert totals.saved_tokens == 1900


def test_money_saved_charges_each_answer_its_share_of_the_digest(store: Store) -> None:
    log(store, "learned", 100, 1000, amortized=500)  # 1000 - 100 - 500 / 10 = 850
    log(store, "learned", 100, 120, amortized=5000)  # would be negative: 0
    totals = answer_summary(store, price_per_million=2.0, factor=10)
    assert totals.money_tokens == pytest.approx(850)
    assert totals.saved_usd == pytest.approx(850 * 2.0 / 1_000_000)
    cheaper = answer_summary(store, price_per_million=1.0, factor=10)
    assert cheaper.saved_usd == pytest.approx(totals.saved_usd / 2)


def test_the_money_of_the_status_is_at_one_price_with_the_shares_as_they_are_now(
    store: Store,
) -> None:
    """What the answers cost is their tokens and digest shares now (a share falls as later
    questions take their part), at the price `saved_usd` is at, not the sum of what each line
    said when it was asked (that counted the digest again with every question)."""
    log(store, "learned", 100, 1000, amortized=500)
    settings = Settings({"reference_price_per_million": 2.0, "question_token_factor": 10.0})
    totals = answer_totals(store, settings=settings)
    assert totals["cost_usd"] == pytest.approx((100 + 500 / 10) * 2.0 / 1e6)
    assert totals["baseline_cost_usd"] == pytest.approx(1000 * 2.0 / 1e6)
    assert totals["saved_usd"] == pytest.approx((1000 - 150) * 2.0 / 1e6)


def test_the_summary_uses_the_settings_defaults_unless_given_others(store: Store) -> None:
    defaults = Settings()
    totals = answer_summary(store)
    assert totals.price_per_million == defaults.reference_price_per_million
    assert totals.factor == defaults.question_token_factor
    assert totals.ratio is None and totals.saved_usd == 0.0


def test_no_ratio_before_an_answer_that_counts_for_it() -> None:
    totals = AnswerTotals(1, 1000, 1000, 0, 0, 0, 0, 0.0, 2.0, 10.0)
    assert totals.ratio is None


def test_per_mode_counts_median_times_and_a_bounded_history(store: Store) -> None:
    for n, seconds in enumerate((0.3, 0.1, 0.2)):
        log(store, "learned", 10, 100, first_token_s=seconds, question=f"learned {n}")
    log(store, "instant", 0, 100, first_token_s=0.001, question="instant")
    totals = answer_totals(store, history_limit=2)
    assert totals["by_mode"]["learned"] == {
        "answers": 3,
        "tokens": 30,
        "median_first_token_s": 0.2,
    }
    assert totals["by_mode"]["instant"]["answers"] == 1
    assert [h["question"] for h in totals["history"]] == ["learned 2", "instant"]  # oldest first
    assert totals["ratio"] == 13.33  # 400 baseline tokens for 30 used, rounded


def test_the_status_line_names_modes_ratio_and_money(store: Store) -> None:
    log(store, "learned", 100, 1000)
    log(store, "instant", 0, 1000)
    settings = Settings({"reference_price_per_million": 10.0})
    line = format_answer_totals(answer_totals(store, settings=settings))
    assert line == (
        "Answers: 2 (instant 1, learned 1); 100 tokens instead of 2000 "
        "(20.0x fewer by the answers that saved something); saved 1900 tokens, $0.0190"
    )


def test_a_no_summary_yet_reply_is_counted_apart_not_as_an_answer(store: Store) -> None:
    log(store, "learned", 100, 1000)
    log(store, "learned", 0, 0, route=PENDING_ROUTE)
    log(store, "auto", 0, 0, route=PENDING_ROUTE)
    summary = answer_summary(store)
    assert (summary.answers, summary.pending, summary.ratio_answers) == (1, 2, 1)
    totals = answer_totals(store)
    assert (totals["answers"], totals["pending"]) == (1, 2)
    assert {mode: v["answers"] for mode, v in totals["by_mode"].items()} == {"learned": 1}
    assert format_answer_totals(totals).startswith(
        "Answers: 1 (learned 1), and 2 replies waiting for the digest (no summary yet); "
        "100 tokens instead of 1000"
    )


def test_only_no_summary_yet_replies_are_not_answers_yet(store: Store) -> None:
    log(store, "learned", 0, 0, route=PENDING_ROUTE)
    totals = answer_totals(store)
    assert totals["answers"] == 0
    assert format_answer_totals(totals) == (
        "Answers: none yet; 1 reply waiting for the digest (no summary yet)"
    )


def test_the_status_line_says_how_many_answers_abstained(store: Store) -> None:
    log(store, "learned", 100, 1000)
    log(store, "learned", 60, 0, route="abstain")
    log(store, "raw", 500, 1000)
    totals = answer_totals(store)
    assert totals["abstained"] == 1
    assert format_answer_totals(totals).startswith(
        "Answers: 3 (learned 2, raw 1; 1 abstained); 660 tokens instead of 2000"
    )
