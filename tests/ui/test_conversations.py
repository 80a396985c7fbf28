"""Persisted chats and the savings numbers derived from them (no Qt)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne.answer.ask import ask
from nocturne.engine.logged import LoggedEngine
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.ui import conversations as chats
from nocturne.ui.savings_data import SavingsPoint, SavingsSummary, savings_summary

from fakes.engine import FakeEngine


def test_migration_creates_the_tables(store: Store) -> None:
    assert "m006_conversations" in store.applied_migrations()
    columns = {row[1] for row in store.query("PRAGMA table_info(messages)")}
    assert {"conversation_id", "role", "text", "answer_json"} <= columns


def test_messages_round_trip_with_the_answer(
    store: Store, settings: Settings, lease_file: Path
) -> None:
    engine = FakeEngine(["Twelve months."])
    list(add_paths(store, [lease_file], settings, engine))
    answer = ask(store, LoggedEngine(engine, store), "How long is the lease?", settings, "raw")
    conversation = chats.create_conversation(store)
    chats.add_message(store, conversation, "user", "How long is the lease?")
    chats.add_message(store, conversation, "assistant", answer.answer, answer)
    listed = chats.list_conversations(store)
    assert [(c.title, c.message_count) for c in listed] == [("How long is the lease?", 2)]
    user, assistant = chats.conversation_messages(store, conversation)
    assert user.answer is None and assistant.answer is not None
    assert assistant.answer["mode"] == "raw"
    assert assistant.answer["citations"][0]["path"] == str(lease_file)
    assert assistant.answer["savings_line"] == answer.savings_line()
    summary = savings_summary(store)
    assert summary.answers == 1 and summary.used_tokens == answer.usage.total
    assert summary.seconds_per_raw_token is not None
    chats.delete_conversation(store, conversation)
    assert chats.list_conversations(store) == []
    assert store.scalar("SELECT COUNT(*) FROM messages") == 0


def test_long_questions_make_short_titles() -> None:
    title = chats.title_for("word " * 40)
    assert len(title) == chats.TITLE_LENGTH and title.endswith("…")


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
    from nocturne.engine.base import Usage

    store.log_model_call(purpose="digest:facts", model_id="m", usage=Usage(300, 40), seconds=1)
    store.log_model_call(purpose="answer:raw", model_id="m", usage=Usage(100, 10), seconds=1)
    assert savings_summary(store).sleep_tokens == 340


def test_prompt_speed_is_the_median_of_answer_calls(store: Store) -> None:
    from nocturne.engine.base import Usage
    from nocturne.ui.savings_data import prompt_seconds_per_token

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
