"""The savings panel: money follows the price in Settings, the tiles and the last answer's line
explain themselves, and the chart has two scales, a legend and marked abstentions (issue 12,
#4–#6)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QImage

from nocturne.ui.savings_data import SavingsPoint, SavingsSummary
from nocturne.ui.savings_view import (
    SavingsPane,
    axis_scale,
    duration,
    legend_html,
    money,
    short_number,
)


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


def test_the_last_answer_line_says_no_model_was_needed(window: Any) -> None:
    window.savings.set_summary(
        SavingsSummary(points=[SavingsPoint("t1", "learned", 0, 645, 645, 0.0, 0.03)])
    )
    assert window.savings.last.text().startswith(
        "Last answer: no model needed (reading the documents: 645 tokens)"
    )


def test_short_numbers_money_and_durations() -> None:
    assert [short_number(v) for v in (0, 999, 1000, 12_345, 1_500_000, -2000)] == [
        "0",
        "999",
        "1.0k",
        "12k",
        "1.5M",
        "-2.0k",
    ]
    assert [money(v) for v in (0, 0.005, 1.234)] == ["$0", "$0.0050", "$1.23"]
    assert [duration(v) for v in (None, 30, 90, 7200)] == ["—", "30.0 s", "1.5 min", "2.0 h"]


def test_the_legend_marks_abstentions_only_when_there_are_some() -> None:
    assert "no&nbsp;answer" in legend_html(True)
    assert "no&nbsp;answer" not in legend_html(False)
    assert "used" in legend_html(False) and "total&nbsp;saved" in legend_html(False)


def pane(qtbot: Any) -> SavingsPane:
    made = SavingsPane()
    qtbot.addWidget(made)
    made.resize(320, 700)
    made.show()
    return made


def test_before_any_answer_the_tiles_say_nothing_was_measured(qtbot: Any) -> None:
    savings = pane(qtbot)
    savings.set_summary(SavingsSummary())
    assert savings.tokens.value.text() == "0" and savings.ratio.value.text() == "—"
    assert savings.time.value.text() == "—"
    assert savings.time.toolTip().startswith("not measured yet")
    assert savings.answers.value.text() == "0"
    assert not savings.legend.isVisible() and not savings.total_chart.isVisible()
    assert savings.last.text() == "No answers yet."


def test_the_last_answer_line_for_an_abstention_and_a_raw_answer(qtbot: Any) -> None:
    savings = pane(qtbot)
    savings.set_summary(
        SavingsSummary(points=[SavingsPoint("t1", "learned", 60, 60, 0, 0.0, 0.1, "abstain")])
    )
    assert savings.last.text() == "Last answer: none found, so nothing saved."
    savings.set_summary(SavingsSummary(points=[SavingsPoint("t2", "raw", 1500, 1500, 0, 0.0, 9)]))
    assert savings.last.text() == (
        "Last answer read the documents themselves: 1,500 tokens (nothing saved)."
    )
    savings.set_summary(
        SavingsSummary(points=[SavingsPoint("t3", "learned", 150, 1100, 950, 0.0, 0.2)])
    )
    assert savings.last.text() == ("Last answer: 150 tokens instead of 1,100, saved 950 ($0.0024)")


def test_the_tiles_explain_their_numbers_in_their_tooltips(qtbot: Any) -> None:
    savings = pane(qtbot)
    savings.set_summary(
        SavingsSummary(
            points=[SavingsPoint("t1", "learned", 150, 1100, 950, 0.0, 0.2)],
            sleep_tokens=12_500,
            seconds_per_raw_token=0.01,
        )
    )
    assert savings.ratio.value.text() == "7.3×"
    assert savings.ratio.toolTip().startswith(
        "150 tokens used instead of 1,100 by the 1 answer that saved something"
    )
    assert savings.time.value.text() == "10.8 s"
    assert "(the last" not in savings.time.toolTip()
    assert savings.sleep.value.text() == "12k"
    assert savings.tokens.accessibleName() == "tokens saved: 950"
    assert savings.chart.accessibleDescription() == "1 answer; 950 tokens saved in total"


def test_time_saved_says_when_it_covers_only_the_recent_answers(qtbot: Any) -> None:
    from nocturne.answer.totals import AnswerTotals

    savings = pane(qtbot)
    every = AnswerTotals(900, 9000, 99000, 90000, 900, 9000, 99000, 80000.0, 2.5, 10.0)
    savings.set_summary(
        SavingsSummary(
            points=[SavingsPoint("t1", "learned", 150, 1100, 950, 0.0, 0.2)],
            seconds_per_raw_token=0.01,
            totals=every,
        )
    )
    assert savings.answers.value.text() == "900"
    assert savings.time.toolTip().endswith("(the last answer)")
    point = SavingsPoint("t2", "learned", 150, 1100, 950, 0.0, 0.2)
    savings.set_summary(
        SavingsSummary(
            points=[point] * 2_000,
            seconds_per_raw_token=0.01,
            totals=AnswerTotals(2_500, 9000, 99000, 90000, 900, 9000, 99000, 80000.0, 2.5, 10.0),
        )
    )
    assert savings.time.toolTip().endswith("(the last 2,000 answers)")


def test_the_explanation_names_the_cost_factor_in_settings(qtbot: Any) -> None:
    savings = pane(qtbot)
    savings.set_prices(2.5, 4)
    assert "counted at 1/4 of a question-time token" in savings.how.toolTip()
    box = savings.explain()
    assert "1/4 of" in box.text() and not box.isModal()
    box.close()


def labels(ticks: tuple[float, ...]) -> list[str]:
    return [short_number(tick) for tick in ticks]


def test_axis_ticks_are_distinct_whole_numbers_for_tiny_and_zero_ranges() -> None:
    """A lone abstention read "1 / 0 / 0" on both axes (0.5 printed as 0)."""
    assert axis_scale(0) == (1.0, (0.0,))  # nothing to show: one line at 0
    assert labels(axis_scale(1)[1]) == ["0", "1", "2"]
    assert labels(axis_scale(3)[1]) == ["0", "2", "4"]
    assert labels(axis_scale(99)[1]) == ["0", "50", "100"]
    assert labels(axis_scale(995)[1]) == ["0", "498", "995"]  # large: the peak itself
    for peak in (*range(0, 300), 999, 1001, 9_999, 10_001, 15_770, 1_999_999):
        top, ticks = axis_scale(peak)
        assert (top >= peak and ticks[-1] == top) or ticks == (0.0,)
        assert len(set(labels(ticks))) == len(ticks), (peak, labels(ticks))
        if top < 100:
            assert all(tick == int(tick) for tick in ticks)  # each label where its value is


def test_a_single_abstention_draws_one_zero_line_on_both_charts(qtbot: Any) -> None:
    savings = pane(qtbot)
    savings.resize(320, 500)
    savings.show()
    savings.set_summary(
        SavingsSummary(points=[SavingsPoint("t1", "learned", 0, 0, 0, 0.0, 0.1, "abstain")])
    )
    for chart in (savings.chart, savings.total_chart):
        chart.grab()  # paints it
        assert labels(chart.ticks) == ["0"]
