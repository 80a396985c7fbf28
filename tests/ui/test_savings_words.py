"""Savings totals only grow, money follows the price in Settings, the numbers explain
themselves, and the chart has two scales, a legend and marked abstentions (issue 12, #4–#6)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from PySide6.QtGui import QImage

from nocturne.engine.base import Usage
from nocturne.library.store import Store
from nocturne.ui.savings_data import SavingsPoint, SavingsSummary, savings_summary


def log_answer(
    store: Store, at: str, *, tokens: int, baseline: int, total_s: float, route: str = "learned"
) -> None:
    store.conn.execute(
        "INSERT INTO answers(at, question, answer, mode, route, prompt_tokens, "
        "completion_tokens, baseline_prompt_tokens, baseline_completion_tokens, saved_tokens, "
        "cost_usd, baseline_cost_usd, first_token_s, total_s, amortized_sleep_tokens) "
        "VALUES (?, 'q', 'a', 'learned', ?, ?, 0, ?, 0, ?, 0, 0, 0.1, ?, 0)",
        (at, route, tokens, baseline, max(0, baseline - tokens), total_s),
    )
    store.conn.commit()


def log_call(store: Store, at: str, prompt_tokens: int, first_token_s: float) -> None:
    store.log_model_call(
        purpose="answer:learned",
        model_id="m",
        usage=Usage(prompt_tokens, 5),
        seconds=first_token_s,
        first_token_s=first_token_s,
    )
    store.conn.execute(
        "UPDATE model_calls SET at = ? WHERE id = (SELECT MAX(id) FROM model_calls)", (at,)
    )
    store.conn.commit()


def test_time_saved_never_goes_down_as_answers_accumulate(store: Store) -> None:
    log_call(store, "2026-01-01T10:00:00.000Z", 200, 4.0)  # 20 ms per prompt token
    log_answer(store, "2026-01-01T10:00:01.000Z", tokens=100, baseline=1200, total_s=0.5)
    first = savings_summary(store).seconds_saved()
    assert first == pytest.approx(1200 * 0.02 - 0.5)
    totals = [first]
    for n in range(6):  # later calls are faster: before, every past answer was re-priced
        log_call(store, f"2026-01-01T10:0{n + 1}:00.000Z", 200, 1.0)
        log_answer(store, f"2026-01-01T10:0{n + 1}:01.000Z", tokens=100, baseline=300, total_s=3.5)
        totals.append(savings_summary(store).seconds_saved())
    assert all(b >= a for a, b in itertools.pairwise(totals))


def test_a_raw_or_unanswered_answer_does_not_pull_the_ratio_down() -> None:
    learned = SavingsPoint("t1", "learned", 160, 1131, 971, 0.0, 0.2)
    summary = SavingsSummary(points=[learned])
    before = summary.ratio
    summary.points.append(SavingsPoint("t2", "raw", 1500, 1131, 0, 0.0, 9.0))
    summary.points.append(SavingsPoint("t3", "learned", 80, 80, 0, 0.0, 0.1, route="abstain"))
    assert summary.ratio == pytest.approx(before) == pytest.approx(1131 / 160)
    assert summary.saved_tokens == 971  # a sum of per-answer savings, never below zero


def test_money_uses_the_price_in_settings(window: Any) -> None:
    summary = SavingsSummary(
        points=[SavingsPoint("t1", "learned", 100, 1_000_100, 1_000_000, 9.9, 1.0)]
    )
    window.savings.set_prices(2.5, 10.0)
    window.savings.set_summary(summary)
    assert window.savings.money.value.text() == "$2.50"
    window.savings.set_prices(10.0, 10.0)
    window.savings.set_summary(summary)
    assert window.savings.money.value.text() == "$10.00"
    assert "$10 per million" in window.savings.money.toolTip()


def test_how_is_this_computed(window: Any) -> None:
    how = window.savings.how
    assert how.text().endswith("How is this computed?</a>")
    assert "baseline" in how.toolTip() and "sleep-time" in how.toolTip()
    box = window.savings.explain()
    assert "only grow" in box.text()


def test_chart_has_two_scales_a_legend_and_marks_abstentions(window: Any) -> None:
    points = [SavingsPoint(f"t{i}", "learned", 150, 1100, 950, 0.0, 0.2) for i in range(12)]
    points.append(SavingsPoint("t12", "learned", 60, 60, 0, 0.0, 0.1, route="abstain"))
    window.resize(1000, 700)
    window.savings.set_summary(SavingsSummary(points=points))
    legend = window.savings.legend.text()
    words = legend.replace("&nbsp;", " ")
    assert "total saved" in words and "no answer" in words and "used" in words
    assert window.savings.total_chart.isVisibleTo(window)
    for chart in (window.savings.chart, window.savings.total_chart):
        image = QImage(chart.size(), QImage.Format.Format_ARGB32)
        image.fill(0)
        chart.render(image)
        assert chart.width() > 150 and chart.height() >= 60
    # The total has its own axis: its top label is the total, not the bars' peak.
    assert window.savings.total_chart.accessibleName() == "Tokens saved in total"


def test_tiny_amounts_are_written_as_money_not_exponents() -> None:
    from nocturne.answer.plain import _money

    assert _money(7.0e-05) == "$0.00007"
    assert _money(4.7e-07) == "under $0.000001"
    assert _money(0.0029) == "$0.0029"


def test_the_last_answer_line_says_no_model_was_needed(window: Any) -> None:
    window.savings.set_summary(
        SavingsSummary(points=[SavingsPoint("t1", "learned", 0, 645, 645, 0.0, 0.03)])
    )
    assert window.savings.last.text().startswith("Last answer: no model needed instead of 645")
