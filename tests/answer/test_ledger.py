"""The answer log in the store, and the sleep-time tokens an answer inherits from the digest."""

from __future__ import annotations

import pytest

from nocturne.answer.ask import ask
from nocturne.answer.ledger import record_answer, sleep_share, sleep_tokens_by_document
from nocturne.answer.result import Answer, Citation, Savings, SleepShare, Timing
from nocturne.answer.totals import answer_totals
from nocturne.engine.base import Usage
from nocturne.library import sleep_tokens
from nocturne.library.store import Store
from nocturne.settings import Settings

from .conftest import Library
from fakes.engine import FakeEngine


def logged(answer_text: str = "308 points", **fields: object) -> Answer:
    values: dict[str, object] = {
        "answer": answer_text,
        "mode": "learned",
        "citations": [Citation("Super_Bowl_50.md", 1, 1)],
        "usage": Usage(90, 10),
        "baseline": Usage(950, 50),
        "baseline_method": "raw-bm25-prompt-tokenized",
        "savings": Savings(900, 10.0, 0.00225, 0.0025),
        "timing": Timing(0.12, 0.5),
        "sleep": SleepShare(1000, 500.0),
        "route": "learned",
        "spent_usd": 0.0003,
    }
    values.update(fields)
    return Answer(**values)  # type: ignore[arg-type]


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


def test_an_answer_is_logged_with_its_numbers_and_documents(digested: Library) -> None:
    football = digested.documents["Super_Bowl_50.md"]
    answer = logged(document_ids=(football, football, 999))  # 999: not in the library
    answer_id = record_answer(digested.store, "How many points?", answer, "model-x")
    row = digested.store.query("SELECT * FROM answers WHERE id = ?", (answer_id,))[0]
    assert (row["question"], row["answer"], row["mode"], row["route"], row["model_id"]) == (
        "How many points?",
        "308 points",
        "learned",
        "learned",
        "model-x",
    )
    assert (row["prompt_tokens"], row["completion_tokens"]) == (90, 10)
    assert (row["baseline_prompt_tokens"], row["baseline_completion_tokens"]) == (950, 50)
    assert (row["saved_tokens"], row["sleep_tokens"], row["amortized_sleep_tokens"]) == (
        900,
        1000,
        500.0,
    )
    assert (row["cost_usd"], row["baseline_cost_usd"]) == (0.0003, 0.0025)
    assert (row["first_token_s"], row["total_s"], row["abstained"]) == (0.12, 0.5, 0)
    linked = digested.store.query(
        "SELECT document_id FROM answer_documents WHERE answer_id = ?", (answer_id,)
    )
    assert [r[0] for r in linked] == [football]


def test_an_answer_without_a_route_is_logged_under_its_mode(digested: Library) -> None:
    answer_id = record_answer(digested.store, "q", logged(mode="raw", route="", abstained=True))
    row = digested.store.query("SELECT route, abstained FROM answers WHERE id = ?", (answer_id,))
    assert tuple(row[0]) == ("raw", 1)


def test_each_logged_question_lowers_the_next_share_of_a_documents_digest(
    digested: Library,
) -> None:
    tesla = digested.documents["Nikola_Tesla.md"]
    football = digested.documents["Super_Bowl_50.md"]
    assert sleep_share(digested.store, [tesla, football]) == (1400, 1400.0)
    record_answer(digested.store, "q", logged(document_ids=(football,)))
    # Tesla's 400 tokens for its first question, half of football's 1000 for its second.
    assert sleep_share(digested.store, [tesla, football]) == (1400, 900.0)
    assert sleep_share(digested.store, [tesla, tesla]) == (400, 400.0)  # each document once


def test_documents_the_digest_never_read_carry_no_sleep_time_tokens(
    digested: Library,
) -> None:
    assert sleep_share(digested.store, []) == (0, 0.0)
    assert sleep_share(digested.store, [999]) == (0, 0.0)
    # Library-wide steps are shared only among documents that exist.
    digested.add_digest_step(None, 300, "library:brief")
    assert sleep_share(digested.store, [999]) == (0, 0.0)
    tesla = digested.documents["Nikola_Tesla.md"]
    assert sleep_share(digested.store, [tesla]) == (400 + 150, 550.0)


def test_library_wide_tokens_are_split_in_whole_tokens(digested: Library) -> None:
    digested.add_document("Warsaw.md", ["Warsaw is the capital of Poland."])
    digested.add_digest_step(None, 100, "library:brief")
    tokens = sleep_tokens_by_document(digested.store)
    assert tokens[digested.documents["Warsaw.md"]] == 33  # 100 // 3, never a fraction
    assert tokens[digested.documents["Nikola_Tesla.md"]] == 433


def asked_about(store: Store, document_ids: tuple[int, ...], mode: str = "learned") -> int:
    """Log an answer about these documents with the share `ask` gives it."""
    tokens, share = sleep_share(store, list(document_ids)) if mode != "raw" else (0, 0.0)
    answer = logged(
        mode=mode, route=mode, document_ids=document_ids, sleep=SleepShare(tokens, round(share, 2))
    )
    return record_answer(store, "q", answer)


def shares(store: Store) -> dict[int, float]:
    rows = store.query("SELECT id, amortized_sleep_tokens FROM answers ORDER BY id")
    return {int(r[0]): float(r[1]) for r in rows}


def test_the_logged_shares_add_up_to_at_most_what_the_digest_spent(digested: Library) -> None:
    """Questions over overlapping documents: each digest token is carried once in all, shared
    among the questions about its document (it used to be carried again by every question:
    1,100 + 1,050 + 250 + 367 + 442, about 3,208 of a 1,600-token digest)."""
    digested.add_digest_step(None, 200, "library:brief")  # 100 more for each document
    football = digested.documents["Super_Bowl_50.md"]  # 1,100 digest tokens
    tesla = digested.documents["Nikola_Tesla.md"]  # 500
    spent = sleep_tokens.total_tokens(digested.store)
    assert spent == 1600
    first = asked_about(digested.store, (football,))
    assert shares(digested.store)[first] == 1100.0  # the first question carries it all...
    for documents in [(football, tesla), (tesla,), (football,), (football, tesla)]:
        asked_about(digested.store, documents)
        assert sum(shares(digested.store).values()) <= spent
    logged_shares = shares(digested.store)
    assert logged_shares[first] == 275.0  # ...until three more shared football's 1,100
    assert list(logged_shares.values()) == [275.0, 441.66, 166.66, 275.0, 441.66]
    assert sum(logged_shares.values()) == pytest.approx(spent, abs=0.05)
    # `nocturne status` and the window sum the same shares.
    assert answer_totals(digested.store)["amortized_sleep_tokens"] <= spent


def test_a_raw_answer_carries_no_share_and_lowers_the_others(digested: Library) -> None:
    tesla = digested.documents["Nikola_Tesla.md"]
    learned = asked_about(digested.store, (tesla,))
    raw = asked_about(digested.store, (tesla,), mode="raw")
    assert shares(digested.store) == {learned: 200.0, raw: 0.0}  # 400 over two questions


def test_a_share_never_rises_once_logged(digested: Library) -> None:
    """The digest spent more on a document after its first question: that question's share is
    not raised (its savings line and the money saved stay as they were, or grow)."""
    tesla = digested.documents["Nikola_Tesla.md"]
    first = asked_about(digested.store, (tesla,))
    digested.add_digest_step("Nikola_Tesla.md", 1600, "later")
    second = asked_about(digested.store, (tesla,))
    assert shares(digested.store) == {first: 400.0, second: 1000.0}
    assert sum(shares(digested.store).values()) <= sleep_tokens.total_tokens(digested.store)
