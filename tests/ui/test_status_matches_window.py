"""`nocturne status` and the window show the same numbers for the same library (issue 14): the
documents ready and in error, the digest's steps and its horizon, the sleep-time tokens, and the
tokens, ratio, money and answers saved. Both read one computation (`sleeptime.progress`,
`answer.status.AnswerTotals`); where the window shows less than everything (its chart draws
the most recent answers), its tiles are still the totals, and the test compares like with like.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nocturne.cli import main
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime.digest_report import expected_model_id
from nocturne.sleeptime.runner import DigestRunner
from nocturne.ui.background_digest import CoreBackground, DigestSnapshot
from nocturne.ui.digest_status_bar import describe
from nocturne.ui.savings_data import CHART_HISTORY
from nocturne.ui.savings_view import money, short_number

from fakes.digest_replies import digest_reply
from fakes.engine import FakeEngine


@pytest.fixture
def settings(home: Path) -> Settings:
    """A price and factor other than the defaults, saved where `nocturne status` reads them."""
    chosen = Settings.load()
    chosen.set("reference_price_per_million", 10.0)
    chosen.set("question_token_factor", 4.0)
    chosen.save()
    return chosen


def _log_answer(store: Store, *, mode: str, route: str, used: int, base: int, share: float) -> None:
    store.conn.execute(
        "INSERT INTO answers(question, answer, mode, route, prompt_tokens, completion_tokens, "
        "baseline_prompt_tokens, baseline_completion_tokens, saved_tokens, cost_usd, "
        "baseline_cost_usd, first_token_s, total_s, amortized_sleep_tokens) "
        "VALUES ('q', 'a', ?, ?, ?, 0, ?, 0, ?, 0, 0, 0.1, 0.3, ?)",
        (mode, route, used, base, max(0, base - used), share),
    )


def _library(window: Any, qtbot: Any, tmp_path: Path, lease_file: Path) -> Store:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")  # a document in error
    window.add_paths([str(lease_file), str(empty)])
    qtbot.waitUntil(lambda: len(window.library.model.rows) == 2, timeout=10000)
    store: Store = window.backend.store()
    model_id = expected_model_id(window.settings) or "fake-model"
    # Half the medium budget: the low steps are done, the summaries are left.
    DigestRunner(store, FakeEngine(responder=digest_reply, model_id=model_id), "low").run()
    # More answers than the chart draws, and some whose digest share outweighs what they saved
    # (money is never below zero per answer), a raw one and an abstention (left out of "× fewer").
    for n in range(CHART_HISTORY + 20):
        _log_answer(store, mode="learned", route="learned", used=150, base=1100, share=n % 7 * 900)
    _log_answer(store, mode="raw", route="raw", used=1500, base=1100, share=0.0)
    _log_answer(store, mode="learned", route="abstain", used=60, base=0, share=0.0)
    store.conn.commit()
    window.refresh()
    qtbot.waitUntil(
        lambda: any(r.state == "ready" for r in window.library.model.rows), timeout=10000
    )
    return store


def _cli_status(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["status", "--json"]) == 0
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    return report


def test_status_and_the_window_show_the_same_numbers(
    window: Any, qtbot: Any, tmp_path: Path, lease_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _library(window, qtbot, tmp_path, lease_file)
    report = _cli_status(capsys)
    answers, digest, totals = report["answers"], report["digest"], report["totals"]

    # Documents: the list's states, counted as status counts them.
    documents, ready, errors = window.document_counts()
    assert (documents, ready, errors) == (totals["documents"], totals["ready"], totals["errors"])
    assert (ready, errors) == (1, 1)
    assert describe(DigestSnapshot("done"), documents, errors, ready) == (
        "1 document digested · 1 could not be read (see the library)"
    )

    # Steps and the horizon: what the status bar shows while the digest waits.
    core = CoreBackground(window.settings, window.backend.store, start_scheduler=False)
    snapshot = core.snapshot()
    assert (snapshot.done_steps, snapshot.total_steps) == (
        digest["steps_done"],
        digest["steps_total"],
    )
    assert 0 < digest["steps_done"] < digest["steps_total"]
    assert snapshot.horizon == report["horizon"]["text"]
    window.show_snapshot(snapshot)
    label = window.digest_status.label.full_text()
    assert f"{digest['steps_done']}/{digest['steps_total']} steps" in label
    assert report["horizon"]["text"] in label

    # The savings tiles: every answer's totals, at the price and factor in Settings.
    window.refresh_savings()
    qtbot.waitUntil(
        lambda: window.savings.answers.value.text() == str(answers["answers"]), timeout=10000
    )
    tiles = window.savings
    assert answers["answers"] == CHART_HISTORY + 22 > len(tiles.chart.summary.points)
    assert tiles.tokens.value.text() == short_number(answers["saved_tokens"])
    assert tiles.tokens.toolTip().startswith(f"{answers['saved_tokens']:,} tokens")
    assert tiles.ratio.value.text() == f"{answers['ratio']:.1f}×"
    assert tiles.money.value.text() == money(answers["saved_usd"])
    assert tiles.sleep.value.text() == short_number(digest["sleep_tokens_logged"])
    assert digest["sleep_tokens_logged"] > 0

    # And the numbers are the rules the panel explains, not just equal to each other.
    learned = [(150, 1100, n % 7 * 900) for n in range(CHART_HISTORY + 20)]
    money_tokens = sum(max(0.0, base - used - share / 4.0) for used, base, share in learned)
    assert answers["saved_usd"] == pytest.approx(money_tokens * 10.0 / 1e6, abs=1e-8)
    assert answers["ratio"] == pytest.approx(1100 / 150, abs=0.01)  # raw and abstention left out
    assert answers["saved_tokens"] == 950 * len(learned)
    # The chart's running total ends at the tile's total (it starts from the earlier answers).
    assert tiles.chart.summary.cumulative_saved_tokens()[-1] == answers["saved_tokens"]
    store.close()
