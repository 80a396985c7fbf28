"""The numbers behind the savings panel: per-answer amounts, totals that only grow, the reading
speed measured up to each answer, and what is read from the library."""

from __future__ import annotations

import itertools

import pytest

from nocturne.answer.totals import AnswerTotals
from nocturne.engine.base import Usage
from nocturne.library.reading_speed import PromptReading
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.ui.savings_data import (
    SavingsPoint,
    SavingsSummary,
    median_speed,
    prompt_seconds_per_token,
    savings_summary,
    with_reading_speeds,
)


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


def test_savings_totals_and_time_estimate() -> None:
    summary = SavingsSummary(
        points=[
            SavingsPoint("t1", "learned", 100, 1000, 900, 0.002, 0.5),
            SavingsPoint("t2", "raw", 800, 800, 0, 0.0, 4.0),
        ],
        sleep_tokens=5000,
        seconds_per_raw_token=0.005,
    )
    assert summary.saved_tokens == 900
    assert summary.ratio == pytest.approx(1000 / 100)  # the raw answer is the baseline itself
    assert summary.cumulative_saved_tokens() == [900, 900]
    assert summary.seconds_saved() == pytest.approx(1000 * 0.005 - 0.5)
    assert SavingsSummary().seconds_saved() is None


def test_sleep_tokens_come_from_the_digest_calls(store: Store) -> None:
    store.log_model_call(purpose="digest:facts", model_id="m", usage=Usage(300, 40), seconds=1)
    store.log_model_call(purpose="answer:raw", model_id="m", usage=Usage(100, 10), seconds=1)
    assert savings_summary(store).sleep_tokens == 340


def test_prompt_speed_is_the_median_of_answer_calls(store: Store) -> None:
    assert prompt_seconds_per_token(store) is None
    for first_token_s in (12.0, 0.5, 0.6):  # the first call also loaded the model
        store.log_model_call(
            purpose="answer:learned",
            model_id="m",
            usage=Usage(100, 5),
            seconds=first_token_s + 0.2,
            first_token_s=first_token_s,
        )
    store.log_model_call(
        purpose="answer:learned", model_id="m", usage=Usage(10, 5), seconds=9.0, first_token_s=9.0
    )  # too short to measure reading
    store.log_model_call(
        purpose="digest:facts", model_id="m", usage=Usage(100, 5), seconds=9.0, first_token_s=9.0
    )
    assert prompt_seconds_per_token(store) == pytest.approx(0.006)


def test_an_answer_without_a_measured_speed_has_no_time_saved() -> None:
    point = SavingsPoint("t1", "learned", 100, 1000, 900, 0.0, 0.5)
    assert point.baseline_seconds() is None and point.seconds_saved() == 0.0
    timed = SavingsPoint("t1", "learned", 100, 1000, 900, 0.0, 0.5, seconds_per_raw_token=0.01)
    assert timed.baseline_seconds() == pytest.approx(10.0)
    assert timed.seconds_saved() == pytest.approx(9.5)
    slow = SavingsPoint("t1", "learned", 100, 10, 0, 0.0, 3.0, seconds_per_raw_token=0.01)
    assert slow.seconds_saved() == 0.0  # slower than the baseline: nothing saved, never less


def test_raw_answers_and_abstentions_save_no_time_and_do_not_count_for_the_ratio() -> None:
    raw = SavingsPoint("t", "raw", 900, 900, 0, 0.0, 9.0, seconds_per_raw_token=0.1)
    abstained = SavingsPoint("t", "learned", 10, 900, 0, 0.0, 0.1, "abstain", 0.0, 0.1)
    for point in (raw, abstained):
        assert not point.counts_for_ratio and point.seconds_saved() == 0.0
    assert abstained.abstained and not raw.abstained


def test_an_answers_money_takes_off_its_share_of_the_digest_at_the_factor() -> None:
    point = SavingsPoint("t", "learned", 100_000, 1_100_000, 1_000_000, 0.0, 1.0, "", 500_000)
    assert point.saved_usd_at(2.0, 10.0) == pytest.approx((1_100_000 - 150_000) * 2 / 1e6)
    assert point.saved_usd_at(2.0, 0.0) == pytest.approx(1_000_000 * 2 / 1e6)  # no share
    costly = SavingsPoint("t", "learned", 100, 200, 100, 0.0, 1.0, "", 50_000)
    assert costly.saved_usd_at(2.0, 10.0) == 0.0  # never below zero


def test_a_summary_of_points_alone_totals_its_points() -> None:
    summary = SavingsSummary(
        points=[
            SavingsPoint("t1", "learned", 100, 1000, 900, 0.25, 0.5),
            SavingsPoint("t2", "instant", 0, 500, 500, 0.125, 0.1),
        ]
    )
    assert summary.answers == 2 and summary.ratio_answers == 2
    assert (summary.used_tokens, summary.baseline_tokens, summary.saved_tokens) == (100, 1500, 1400)
    assert summary.saved_usd == pytest.approx(0.375)
    assert summary.ratio_tokens == (100, 1500) and summary.ratio == pytest.approx(15.0)
    assert summary.cumulative_saved_tokens() == [900, 1400]
    assert summary.seconds_saved() is None  # no speed measured at all
    nothing_used = SavingsSummary(points=[SavingsPoint("t", "instant", 0, 500, 500, 0.0, 0.1)])
    assert nothing_used.ratio == 0.0  # shown as "—", not a division by zero


def totals(**kw: float) -> AnswerTotals:
    base: dict[str, float] = dict(
        answers=600,
        tokens=60_000,
        baseline_tokens=660_000,
        saved_tokens=600_000,
        ratio_answers=590,
        ratio_tokens=50_000,
        ratio_baseline_tokens=650_000,
        money_tokens=400_000.0,
        price_per_million=2.5,
        factor=10.0,
    )
    base.update(kw)
    return AnswerTotals(**base)  # type: ignore[arg-type]


def test_with_the_librarys_totals_the_tiles_count_every_answer_not_only_the_charts() -> None:
    recent = [
        SavingsPoint("t1", "learned", 100, 1000, 900, 0.0, 0.5),
        SavingsPoint("t2", "learned", 100, 200, 100, 0.0, 0.5),
    ]
    summary = SavingsSummary(points=recent, totals=totals())
    assert summary.answers == 600 and summary.saved_tokens == 600_000
    assert summary.ratio_tokens == (50_000, 650_000) and summary.ratio_answers == 590
    assert summary.ratio == pytest.approx(13.0)
    # The running total starts from the answers before the chart's and ends at the tile's.
    assert summary.cumulative_saved_tokens() == [599_900, 600_000]
    assert summary.saved_usd_at(2.5) == pytest.approx(1.0)  # the totals' money tokens
    # Another factor than the totals were summed at: the chart's points are priced instead.
    assert summary.saved_usd_at(2.5, factor=5.0) == pytest.approx(1000 * 2.5 / 1e6)


def test_the_summarys_speed_prices_the_answers_that_have_none_of_their_own() -> None:
    summary = SavingsSummary(
        points=[
            SavingsPoint("t1", "learned", 100, 1000, 900, 0.0, 0.5),
            SavingsPoint("t2", "learned", 100, 1000, 900, 0.0, 0.5, seconds_per_raw_token=0.002),
        ],
        seconds_per_raw_token=0.01,
    )
    assert summary.seconds_saved() == pytest.approx((10.0 - 0.5) + (2.0 - 0.5))


def test_each_answer_is_priced_at_the_speed_measured_up_to_it() -> None:
    readings = [
        PromptReading("2026-01-01T10:00:00Z", 0.03),
        PromptReading("2026-01-01T11:00:00Z", 0.01),
        PromptReading("2026-01-01T12:00:00Z", 0.02),
    ]
    points = [
        SavingsPoint(at, "learned", 1, 2, 1, 0.0, 0.1)
        for at in (
            "2026-01-01T09:00:00Z",  # before any measurement: the first one ever made
            "2026-01-01T10:30:00Z",
            "2026-01-01T11:30:00Z",
            "2026-01-01T12:30:00Z",
        )
    ]
    speeds = [p.seconds_per_raw_token for p in with_reading_speeds(readings, points)]
    assert speeds == [0.03, 0.03, 0.03, 0.02]  # the (upper) median of the calls until then
    assert with_reading_speeds([], points) == points


def test_the_median_speed_ignores_one_slow_first_call() -> None:
    assert median_speed([]) is None
    readings = [PromptReading(f"t{i}", s) for i, s in enumerate((0.12, 0.005, 0.006))]
    assert median_speed(readings) == 0.006


def test_money_read_from_the_library_is_at_the_price_in_settings(store: Store) -> None:
    log_answer(store, "2026-01-01T10:00:01.000Z", tokens=0, baseline=1_000_000, total_s=0.1)
    assert savings_summary(store, Settings({"reference_price_per_million": 4.0})).saved_usd_at(
        4.0
    ) == pytest.approx(4.0)
    summary = savings_summary(store, Settings({"reference_price_per_million": 4.0}))
    assert summary.totals is not None and summary.totals.price_per_million == 4.0
    assert [p.baseline_tokens for p in summary.points] == [1_000_000]
    assert savings_summary(store).totals.price_per_million == Settings().reference_price_per_million
