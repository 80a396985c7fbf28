"""Follow-up questions (`answer/follow_up.py`): which questions lean on the one before, and how
they are read with it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from nocturne.answer.ask import answer_question, ask
from nocturne.answer.follow_up import FollowUp, as_follow_up, just_asked, leans_on_earlier
from nocturne.answer.query import analyse
from nocturne.settings import Settings

from .conftest import Library
from fakes.engine import FakeEngine

LEASE = (
    "The monthly rent is 1,200 euros. "
    "The rent is due on the third working day of each month. "
    "The deposit is 2,400 euros and is returned within 30 days after the keys are handed back. "
    "Pets are allowed with the landlord's written consent."
)


@pytest.mark.parametrize(
    "question",
    [
        "And when is it due?",
        "What about the deposit?",
        "How about for a child?",
        "Also, who signs it?",
        "Is it refundable?",
        "What does it cost?",
        "Can I return them?",
        "Which one is cheaper?",
        "Is it late if paid on the fifth of the month?",
        "When do they close on Sundays and public holidays?",
    ],
)
def test_questions_that_lean_on_the_one_before(question: str) -> None:
    assert leans_on_earlier(question)


@pytest.mark.parametrize(
    "question",
    [
        "How much is the rent?",
        "When is the rent due?",
        "Is there parking at the flat?",
        "Does the lease say that pets are allowed in the flat?",
        "How long does the warranty on the espresso machine last?",
        "Is it possible to bring a dog into the museum?",
        "Is it true that the deposit is returned?",
    ],
)
def test_questions_that_stand_on_their_own(question: str) -> None:
    assert not leans_on_earlier(question)


def test_a_follow_up_is_read_with_the_question_before_it() -> None:
    follow_up = as_follow_up(
        "And when is it due?", ["Who is the landlord?", "How much is the rent?"]
    )
    assert follow_up == FollowUp("And when is it due?", ("How much is the rent?",))
    assert follow_up.text == "How much is the rent? And when is it due?"
    assert follow_up.follows == "How much is the rent?"


def test_a_chain_of_follow_ups_goes_back_to_the_question_that_started_it() -> None:
    earlier = ["Who is the landlord?", "How much is the rent", "And when is it due?"]
    follow_up = as_follow_up("Is it late if paid on the fifth?", earlier)
    assert follow_up is not None
    assert follow_up.earlier == ("How much is the rent", "And when is it due?")
    assert (
        follow_up.text
        == "How much is the rent? And when is it due? Is it late if paid on the fifth?"
    )


def test_nothing_before_or_a_question_of_its_own_is_no_follow_up() -> None:
    assert as_follow_up("And when is it due?", []) is None
    assert as_follow_up("And when is it due?", ["  "]) is None
    assert as_follow_up("When is the rent due?", ["How much is the rent?"]) is None


def test_the_follow_up_asks_for_its_own_kind_of_answer_or_the_one_before_s(
    library: Library,
) -> None:
    library.add_document("lease.txt", [LEASE])
    due = analyse(library.store, "How much is the rent? And when is it due?")
    assert due.answer_type == "date"  # "and" does not hide the "when"
    assert {"rent", "due"} <= due.stems
    deposit = analyse(library.store, "How much is the rent? What about the deposit?")
    assert deposit.answer_type == "number"  # what the question before asked, of the deposit
    assert "deposit" in deposit.stems


def test_a_follow_up_in_a_conversation_is_answered_about_what_came_before(
    library: Library, settings: Settings
) -> None:
    library.add_document("lease.txt", [LEASE])
    library.add_document(
        "energy.txt",
        ["The electricity bill is due at the end of each quarter. Meter readings are monthly."],
    )
    engine = FakeEngine(["the third working day of each month"])
    alone = answer_question(library.store, engine, "And when is it due?", settings)
    assert alone.follows == ""
    assert "electricity bill is due" in engine.calls[-1].messages[-1]["content"]
    followed = ask(
        library.store,
        engine,
        "And when is it due?",
        settings,
        earlier=["How much is the rent?"],
    )
    assert followed.follows == "How much is the rent?"
    assert followed.to_json()["follows"] == "How much is the rent?"
    prompt = engine.calls[-1].messages[-1]["content"]
    assert "The rent is due on the third working day" in prompt
    assert followed.citations[0].document == "lease.txt"
    assert "third working day" in followed.answer
    assert "follows" not in alone.to_json()
    logged = library.store.query("SELECT question FROM answers ORDER BY id")
    assert [r["question"] for r in logged] == ["And when is it due?"]  # as it was asked


def test_in_a_terminal_the_conversation_is_the_questions_asked_one_soon_after_another(
    library: Library, settings: Settings
) -> None:
    library.add_document("lease.txt", [LEASE])
    engine = FakeEngine(["1,200 euros"])
    for question in ("Who is the landlord?", "How much is the rent?", "And when is it due?"):
        ask(library.store, engine, question, settings)
    at = [
        datetime.fromisoformat(r["at"].replace("Z", "+00:00"))
        for r in library.store.query("SELECT at FROM answers ORDER BY id")
    ]
    soon = at[-1] + timedelta(minutes=2)
    assert just_asked(library.store, soon) == [
        "Who is the landlord?",
        "How much is the rent?",
        "And when is it due?",
    ]
    assert just_asked(library.store, at[-1] + timedelta(minutes=11)) == []  # a new conversation
    with library.store.transaction() as conn:  # the first question was asked an hour before
        conn.execute(
            "UPDATE answers SET at = ? WHERE question = 'Who is the landlord?'",
            ((at[0] - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),),
        )
    assert just_asked(library.store, soon) == ["How much is the rent?", "And when is it due?"]
    assert just_asked(library.store, datetime.now(UTC) + timedelta(days=1)) == []


def test_a_follow_up_s_own_words_say_what_is_asked_the_earlier_ones_where(
    library: Library, settings: Settings
) -> None:
    library.add_document(
        "car-insurance.txt",
        [
            "The annual premium for the car insurance is 684 euros. Paid monthly, the premium "
            "is 57 euros per month. The policy covers theft and fire."
        ],
    )
    library.add_document("parking.txt", ["A parking space is available for 60 euros per month."])
    engine = FakeEngine(["57 euros"])
    answer = answer_question(
        library.store,
        engine,
        "And how much per month?",
        settings,
        earlier=["What is the annual car insurance premium?"],
    )
    assert answer.citations[0].document == "car-insurance.txt"  # the earlier question: where
    assert "57 euros" in answer.answer and "684" not in answer.answer  # its own words: what
    query = analyse(
        library.store, "What is the annual car insurance premium? And how much per month?"
    )
    followed = analyse(
        library.store,
        "What is the annual car insurance premium? And how much per month?",
        follow_up=True,
    )
    assert followed.context == query.context and followed.context_weight < query.context_weight
