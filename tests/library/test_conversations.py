"""Chats kept with the library (`library/conversations.py`): stored, listed, read back, deleted."""

from __future__ import annotations

import sqlite3

import pytest

from nocturne.library import conversations as chats
from nocturne.library.store import Store


def test_a_conversation_keeps_its_messages_in_order_with_their_answers(store: Store) -> None:
    conversation = chats.create_conversation(store)
    chats.add_message(store, conversation, "user", "How long is the lease?", title="How long?")
    record = {"answer": "Twelve months.", "citations": [{"document": "lease.txt", "page": 1}]}
    chats.add_message(store, conversation, "assistant", "Twelve months.", record, "ignored")
    chats.add_message(store, conversation, "error", "the model is missing")
    (listed,) = chats.list_conversations(store)
    assert (listed.id, listed.title, listed.message_count) == (conversation, "How long?", 3)
    question, answer, error = chats.conversation_messages(store, conversation)
    assert (question.role, question.text) == ("user", "How long is the lease?")
    assert question.answer is None
    assert answer.answer == record and answer.conversation_id == conversation
    assert (error.role, error.answer) == ("error", None)
    assert question.id < answer.id < error.id and question.created_at


def test_only_the_first_user_message_names_a_conversation(store: Store) -> None:
    conversation = chats.create_conversation(store)
    chats.add_message(store, conversation, "assistant", "Hello", None, "from the assistant")
    chats.add_message(store, conversation, "user", "first", title="first")
    chats.add_message(store, conversation, "user", "second", title="second")
    assert chats.list_conversations(store)[0].title == "first"
    named = chats.create_conversation(store, "kept")
    chats.add_message(store, named, "user", "other", title="other")
    assert {c.title for c in chats.list_conversations(store)} == {"first", "kept"}


def test_the_most_recently_used_comes_first(store: Store) -> None:
    older = chats.create_conversation(store, "older")
    newer = chats.create_conversation(store, "newer")
    assert [c.id for c in chats.list_conversations(store)] == [newer, older]
    with store.transaction() as conn:  # both used long ago (no test waits for the clock)
        conn.execute("UPDATE conversations SET updated_at = '2000-01-01T00:00:00.000Z'")
    chats.add_message(store, older, "user", "again")
    assert [c.id for c in chats.list_conversations(store)] == [older, newer]


def test_deleting_a_conversation_deletes_its_messages(store: Store) -> None:
    kept = chats.create_conversation(store, "kept")
    gone = chats.create_conversation(store, "gone")
    chats.add_message(store, kept, "user", "a")
    chats.add_message(store, gone, "user", "b")
    chats.delete_conversation(store, gone)
    assert [c.id for c in chats.list_conversations(store)] == [kept]
    assert chats.conversation_messages(store, gone) == []
    assert chats.message_count(store) == 1


def test_a_failed_write_leaves_nothing_behind(store: Store) -> None:
    conversation = chats.create_conversation(store)
    with pytest.raises(RuntimeError), store.transaction():
        chats.add_message(store, conversation, "user", "half")
        raise RuntimeError("stop")
    assert chats.conversation_messages(store, conversation) == []


def test_an_answer_is_read_back_as_the_object_that_was_stored(store: Store) -> None:
    conversation = chats.create_conversation(store, "lease")
    record = {"answer": "Zwölf Monate — “twelve”.", "tokens": [3, 4.5], "cached": False, "x": None}
    chats.add_message(store, conversation, "assistant", "Zwölf Monate.", record)
    chats.add_message(store, conversation, "assistant", "no record", {})
    stored, empty = chats.conversation_messages(store, conversation)
    assert stored.answer == record
    assert empty.answer == {}  # an empty record comes back empty, not as none


def test_an_unknown_role_is_refused_and_changes_nothing(store: Store) -> None:
    conversation = chats.create_conversation(store)
    with pytest.raises(sqlite3.IntegrityError):
        chats.add_message(store, conversation, "system", "not a role", title="never")
    assert chats.conversation_messages(store, conversation) == []
    (listed,) = chats.list_conversations(store)
    assert (listed.title, listed.message_count) == ("", 0)


def test_a_conversation_without_messages_is_listed_with_none(store: Store) -> None:
    assert chats.list_conversations(store) == []
    assert chats.message_count(store) == 0
    conversation = chats.create_conversation(store, "empty")
    (listed,) = chats.list_conversations(store)
    assert (listed.id, listed.title, listed.message_count) == (conversation, "empty", 0)
    assert listed.updated_at.endswith("Z")
