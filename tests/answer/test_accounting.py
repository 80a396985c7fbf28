"""Savings arithmetic: what an answer saved against the baseline, with the sleep-time share."""

from __future__ import annotations

import pytest

from nocturne.answer.accounting import answer_cost_usd, effective_tokens, savings
from nocturne.engine.base import Usage


def test_savings_against_the_baseline() -> None:
    result = savings(Usage(90, 10), Usage(950, 50), price_per_million=2.5)
    assert result.tokens == 900
    assert result.ratio == 10.0
    assert result.baseline_cost_usd == pytest.approx(1000 * 2.5 / 1e6)
    assert result.saved_usd == pytest.approx(900 * 2.5 / 1e6)


def test_sleep_tokens_are_charged_at_one_factor_th_of_a_question_token() -> None:
    used = Usage(90, 10)
    assert effective_tokens(used, amortized_sleep_tokens=500, factor=10) == 150
    result = savings(used, Usage(950, 50), 2.5, amortized_sleep_tokens=500, factor=10)
    assert result.saved_usd == pytest.approx((1000 - 150) * 2.5 / 1e6)
    assert answer_cost_usd(used, 500, 10, 2.5) == pytest.approx(150 * 2.5 / 1e6)


def test_instant_answers_report_the_whole_baseline_as_saved() -> None:
    result = savings(Usage(), Usage(400, 64), 1.0)
    assert result.tokens == 464
    assert result.saved_usd == pytest.approx(464 / 1e6)


def test_the_ratio_of_an_answer_that_used_no_model_is_a_bound_over_one_token() -> None:
    """Not baseline / 0: it used less than one token, so "at least 331× fewer" holds (and a
    "≥ 5× fewer" threshold compares right); the savings line does not show it."""
    assert savings(Usage(), Usage(300, 31), 1.0).ratio == 331.0
    assert savings(Usage(0, 1), Usage(300, 31), 1.0).ratio == 331.0  # one token: the same
    assert savings(Usage(), Usage(), 1.0).ratio == 1.0  # nothing used, nothing to read
    assert savings(Usage(50, 0), Usage(), 1.0).ratio == 0.0  # used more than nothing
