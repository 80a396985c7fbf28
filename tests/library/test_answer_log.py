"""The answer log (`library/answer_log.py`): one answer written with its documents, and the
sums and history read back for `nocturne status` and the savings panel."""

from __future__ import annotations

from dataclasses import replace

import pytest

from nocturne.library.answer_log import (
    AnswerRecord,
    AnswerSums,
    LoggedAnswer,
    ModeSums,
    SavingsSums,
    SharingAnswer,
    answer_sums,
    answers_sharing,
    insert_answer,
    lower_sleep_shares,
    question_counts,
    questions_asked_about,
    recent_answers,
    savings_sums,
    sums_by_mode,
)
from nocturne.library.store import ChunkDraft, Store

ANSWER = AnswerRecord(
    question="How long is the lease?",
    answer="Twelve months.",
    mode="auto",
    route="learned",
    model_id="m",
    prompt_tokens=100,
    completion_tokens=10,
    baseline_prompt_tokens=1000,
    baseline_completion_tokens=20,
    saved_tokens=910,
    cost_usd=0.001,
    baseline_cost_usd=0.01,
    sleep_tokens=500,
    amortized_sleep_tokens=50.0,
    first_token_s=0.5,
    total_s=2.0,
    abstained=False,
)


def _document(store: Store, name: str) -> int:
    return store.save_document(
        path=f"/docs/{name}",
        name=name,
        kind="text",
        content_hash=f"hash of {name}",
        size=10,
        mtime=0.0,
        pages=None,
        chunks=[ChunkDraft(0, None, f"The text of {name}.", 4)],
    )


def test_an_answer_is_logged_with_every_field(store: Store) -> None:
    answer_id = insert_answer(store, replace(ANSWER, abstained=True), [])
    row = store.query("SELECT * FROM answers WHERE id = ?", (answer_id,))[0]
    columns = row.keys()
    logged = {key: row[key] for key in columns if key not in ("id", "at")}
    assert logged == {**vars(ANSWER), "abstained": 1}
    assert str(row["at"]).endswith("Z")


def test_only_documents_still_in_the_library_are_linked_once_each(store: Store) -> None:
    lease, garden = _document(store, "lease.txt"), _document(store, "garden.txt")
    first = insert_answer(store, ANSWER, [lease, lease, garden, 999])
    second = insert_answer(store, ANSWER, [lease])
    assert second > first
    linked = store.query("SELECT answer_id, document_id FROM answer_documents ORDER BY 1, 2")
    assert [tuple(r) for r in linked] == [(first, lease), (first, garden), (second, lease)]
    assert (questions_asked_about(store, lease), questions_asked_about(store, garden)) == (2, 1)
    assert questions_asked_about(store, 999) == 0


def test_the_answers_sharing_a_documents_digest_and_their_shares(store: Store) -> None:
    lease, garden, shed = (_document(store, n) for n in ("lease.txt", "garden.txt", "shed.txt"))
    first = insert_answer(store, ANSWER, [lease, garden])
    insert_answer(store, replace(ANSWER, mode="raw"), [lease])  # reads the documents: no share
    third = insert_answer(store, replace(ANSWER, amortized_sleep_tokens=30.0), [garden])
    insert_answer(store, ANSWER, [shed])
    assert question_counts(store, [lease, garden, garden, 999]) == {lease: 2, garden: 2, 999: 0}
    assert question_counts(store, []) == {}
    assert answers_sharing(store, [garden]) == [
        SharingAnswer(first, 50.0, (lease, garden)),
        SharingAnswer(third, 30.0, (garden,)),
    ]
    assert [a.id for a in answers_sharing(store, [lease])] == [first]
    assert answers_sharing(store, []) == []
    lower_sleep_shares(store, {first: 20.0, third: 45.0})  # lowered, never raised
    assert [a.amortized_sleep_tokens for a in answers_sharing(store, [garden])] == [20.0, 30.0]


def test_a_logged_answer_is_undone_with_the_transaction_around_it(store: Store) -> None:
    lease = _document(store, "lease.txt")
    with pytest.raises(RuntimeError), store.transaction():
        insert_answer(store, ANSWER, [lease])
        raise RuntimeError("the caller failed")
    assert answer_sums(store).answers == 0
    assert questions_asked_about(store, lease) == 0
    assert store.scalar("SELECT COUNT(*) FROM digest_priorities") == 0


def test_an_empty_log_sums_to_zero(store: Store) -> None:
    assert answer_sums(store) == AnswerSums(0, 0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0)
    assert savings_sums(store, 10.0) == SavingsSums(0, 0, 0, 0.0)
    assert sums_by_mode(store) == []
    assert recent_answers(store, 5) == []


def test_answer_sums_add_up_every_answer(store: Store) -> None:
    insert_answer(store, ANSWER, [])
    insert_answer(store, replace(ANSWER, mode="raw", prompt_tokens=900, total_s=3.0), [])
    insert_answer(store, replace(ANSWER, abstained=True, saved_tokens=0), [])
    sums = answer_sums(store)
    assert sums == AnswerSums(
        answers=3,
        tokens=110 + 910 + 110,
        baseline_tokens=3 * 1020,
        saved_tokens=2 * 910,
        cost_usd=pytest.approx(0.003),
        baseline_cost_usd=pytest.approx(0.03),
        amortized_sleep_tokens=150.0,
        seconds=7.0,
        abstained=1,
    )


def test_the_ratio_leaves_out_raw_answers_and_abstentions(store: Store) -> None:
    insert_answer(store, ANSWER, [])  # counted: 110 used, 1020 baseline
    insert_answer(store, replace(ANSWER, prompt_tokens=200), [])  # counted: 210, 1020
    insert_answer(store, replace(ANSWER, mode="raw"), [])
    insert_answer(store, replace(ANSWER, route="abstain"), [])
    sums = savings_sums(store, 0.0)
    assert (sums.ratio_answers, sums.ratio_tokens, sums.ratio_baseline_tokens) == (2, 320, 2040)
    # With no factor the digest's share is not counted: baseline less used, for every answer.
    assert sums.money_tokens == pytest.approx(910 + 810 + 910 + 910)


def test_the_money_saved_takes_the_digest_share_and_never_goes_below_zero(store: Store) -> None:
    insert_answer(store, ANSWER, [])  # 1020 - 110 - 50 / 10 = 905
    insert_answer(store, replace(ANSWER, prompt_tokens=1500), [])  # cost more than the baseline
    insert_answer(store, replace(ANSWER, amortized_sleep_tokens=20000.0), [])  # share too big
    assert savings_sums(store, 10.0).money_tokens == pytest.approx(905.0)
    assert savings_sums(store, 100.0).money_tokens == pytest.approx(909.5 + 710.0)


def test_sums_by_mode_list_every_first_token_time_fastest_first(store: Store) -> None:
    for mode, first_token_s in (("auto", 0.9), ("raw", 2.0), ("auto", 0.3), ("auto", 0.6)):
        insert_answer(store, replace(ANSWER, mode=mode, first_token_s=first_token_s), [])
    by_mode = {sums.mode: sums for sums in sums_by_mode(store)}
    assert by_mode == {
        "auto": ModeSums("auto", 3, 330, (0.3, 0.6, 0.9)),
        "raw": ModeSums("raw", 1, 110, (2.0,)),
    }


def test_recent_answers_are_the_last_ones_oldest_first(store: Store) -> None:
    ids = [insert_answer(store, replace(ANSWER, question=f"q{i}"), []) for i in range(5)]
    recent = recent_answers(store, 3)
    assert [(a.id, a.question) for a in recent] == [(ids[2], "q2"), (ids[3], "q3"), (ids[4], "q4")]
    assert recent[0] == LoggedAnswer(
        id=ids[2],
        at=recent[0].at,
        question="q2",
        mode="auto",
        route="learned",
        tokens=110,
        baseline_tokens=1020,
        saved_tokens=910,
        cost_usd=0.001,
        baseline_cost_usd=0.01,
        first_token_s=0.5,
        total_s=2.0,
        amortized_sleep_tokens=50.0,
    )
    assert [a.question for a in recent_answers(store, 10)] == [f"q{i}" for i in range(5)]
