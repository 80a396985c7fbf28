"""Savings arithmetic, sleep-time amortization, and the answer log behind `status`."""

from __future__ import annotations

import pytest

from nocturne.answer.accounting import answer_cost_usd, effective_tokens, savings
from nocturne.answer.ask import ask
from nocturne.answer.ledger import sleep_share, sleep_tokens_by_document
from nocturne.answer.raw import baseline_for
from nocturne.answer.totals import answer_totals, format_answer_totals
from nocturne.engine.base import Usage
from nocturne.settings import Settings

from .conftest import Library
from fakes.engine import FakeEngine


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


def test_library_wide_digest_steps_are_shared_between_documents(digested: Library) -> None:
    digested.add_digest_step(None, 200, "library:brief")
    tokens = sleep_tokens_by_document(digested.store)
    assert tokens[digested.documents["Super_Bowl_50.md"]] == 1100
    assert tokens[digested.documents["Nikola_Tesla.md"]] == 500
    # An answer reads the same sums for its own documents only (issue 15: no library-wide scan).
    for document_id in digested.documents.values():
        assert sleep_share(digested.store, [document_id])[0] == tokens.get(document_id, 0)


def test_sleep_share_falls_with_each_question_about_the_document(
    digested: Library, settings: Settings
) -> None:
    tesla = digested.documents["Nikola_Tesla.md"]
    assert sleep_share(digested.store, [tesla]) == (400, 400.0)
    first = ask(digested.store, FakeEngine(), "When was Nikola Tesla born?", settings)
    assert (first.sleep.tokens, first.sleep.amortized_tokens_per_question) == (400, 400.0)
    second = ask(digested.store, FakeEngine(), "When was Nikola Tesla born?", settings)
    assert second.sleep.amortized_tokens_per_question == 200.0
    third = ask(digested.store, FakeEngine(), "When was Nikola Tesla born?", settings)
    assert third.sleep.amortized_tokens_per_question == pytest.approx(133.33, abs=0.01)


def test_the_baseline_is_the_raw_prompt_tokenized_not_run(
    digested: Library, settings: Settings
) -> None:
    engine = FakeEngine(["2,249 yards"])
    question = "What did Peyton Manning throw for?"
    answer = ask(digested.store, engine, question, settings)
    expected, _ = baseline_for(digested.store, engine, question, settings)
    assert answer.baseline == expected
    assert [c.purpose for c in engine.calls] == ["answer:learned"]  # raw was never run


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


def test_the_json_contract_keeps_its_names_for_the_typed_fields() -> None:
    from nocturne.answer.result import Savings

    saved = Savings(tokens=900, ratio=10.0, saved_usd=0.002, baseline_cost_usd=0.0025)
    assert saved.to_json() == {
        "tokens": 900,
        "ratio": 10.0,
        "cost_usd": 0.002,
        "baseline_cost_usd": 0.0025,
    }
