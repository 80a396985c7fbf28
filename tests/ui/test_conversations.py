"""Persisted chats and the savings numbers derived from them (no Qt)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from nocturne.answer.ask import ask
from nocturne.engine.logged import LoggedEngine
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.ui import conversations as chats
from nocturne.ui.savings_data import savings_summary

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


def test_think_harders_note_is_stored_with_the_answer(
    store: Store, settings: Settings, lease_file: Path
) -> None:
    engine = FakeEngine(["Twelve months."])
    list(add_paths(store, [lease_file], settings, engine))
    answer = ask(store, LoggedEngine(engine, store), "How long is the lease?", settings, "raw")
    assert "note" not in chats.answer_record(answer)  # asked plainly: no note
    note = "Thought harder: searched 12 passages instead of 6."
    harder = replace(answer, extra={**answer.extra, "note": note})
    conversation = chats.create_conversation(store)
    chats.add_message(store, conversation, "assistant", harder.answer, harder)
    (stored,) = chats.conversation_messages(store, conversation)
    assert stored.answer is not None and stored.answer["note"] == note


def test_long_questions_make_short_titles() -> None:
    title = chats.title_for("word " * 40)
    assert len(title) == chats.TITLE_LENGTH and title.endswith("…")
