"""Persisted chats as the window keeps them: an answer becomes the record its card is redrawn
from (no Qt, so tests and workers can use it); the storing is `library/conversations.py`.

An answer is stored as the `ask --json` object plus what the window needs to redraw it later: the
citations' file paths, the savings line, whether it abstained and its route. Keeping the whole
object means the savings panel shows exactly the numbers the person saw under each answer.
"""

from __future__ import annotations

from typing import Any

from nocturne.answer.result import Answer
from nocturne.library import conversations as stored
from nocturne.library.conversations import Conversation, StoredMessage
from nocturne.library.store import Store

TITLE_LENGTH = 60

__all__ = [
    "Conversation",
    "StoredMessage",
    "add_message",
    "answer_record",
    "conversation_messages",
    "create_conversation",
    "delete_conversation",
    "list_conversations",
    "title_for",
]


def answer_record(answer: Answer, savings_line: str | None = None) -> dict[str, Any]:
    """The JSON contract of an answer, with the paths of its sources and its savings line
    (`savings_line`, the card's, when given: see `ui.answer_savings`)."""
    record = answer.to_json()
    for citation, source in zip(record["citations"], answer.citations, strict=True):
        citation["path"] = source.path
    record["savings_line"] = answer.savings_line() if savings_line is None else savings_line
    record["abstained"] = answer.abstained
    record["route"] = answer.answered_by  # badge, "Digest now"
    if answer.extra.get("note"):  # what Think harder did, redrawn when the chat is opened again
        record["note"] = str(answer.extra["note"])
    return record


def title_for(question: str) -> str:
    text = " ".join(question.split())
    return text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1].rstrip() + "…"


def create_conversation(store: Store, title: str = "") -> int:
    return stored.create_conversation(store, title)


def list_conversations(store: Store) -> list[Conversation]:
    return stored.list_conversations(store)


def add_message(
    store: Store,
    conversation_id: int,
    role: str,
    text: str,
    answer: Answer | None = None,
    savings_line: str | None = None,
) -> int:
    """Append a message; the first question of a conversation becomes its title."""
    record = answer_record(answer, savings_line) if answer is not None else None
    return stored.add_message(store, conversation_id, role, text, record, title_for(text))


def conversation_messages(store: Store, conversation_id: int) -> list[StoredMessage]:
    return stored.conversation_messages(store, conversation_id)


def delete_conversation(store: Store, conversation_id: int) -> None:
    stored.delete_conversation(store, conversation_id)
