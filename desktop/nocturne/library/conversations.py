"""Chats kept with the library (tables `conversations` and `messages`, migration m006).

A message's answer is stored as the JSON text the caller made of it (`ui/conversations.py`
keeps the `ask --json` object plus what the window needs to redraw the card); this module only
stores and reads it back, so it knows nothing of `Answer`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from nocturne.library.store import Store


@dataclass(frozen=True)
class Conversation:
    id: int
    title: str
    updated_at: str
    message_count: int


@dataclass(frozen=True)
class StoredMessage:
    id: int
    conversation_id: int
    role: str  # user, assistant, error
    text: str
    answer: dict[str, Any] | None
    created_at: str


def create_conversation(store: Store, title: str = "") -> int:
    with store.transaction() as conn:
        cur = conn.execute("INSERT INTO conversations(title) VALUES (?)", (title,))
        return int(cur.lastrowid or 0)


def list_conversations(store: Store) -> list[Conversation]:
    """Every conversation, the most recently used first."""
    rows = store.query(
        "SELECT c.id, c.title, c.updated_at, COUNT(m.id) AS message_count FROM conversations c "
        "LEFT JOIN messages m ON m.conversation_id = c.id GROUP BY c.id "
        "ORDER BY c.updated_at DESC, c.id DESC"
    )
    return [
        Conversation(int(r["id"]), str(r["title"]), str(r["updated_at"]), int(r["message_count"]))
        for r in rows
    ]


def add_message(
    store: Store,
    conversation_id: int,
    role: str,
    text: str,
    answer: dict[str, Any] | None = None,
    title: str = "",
) -> int:
    """Append a message and mark the conversation used now; a conversation without a title
    takes `title` from its first user message."""
    record = json.dumps(answer) if answer is not None else None
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO messages(conversation_id, role, text, answer_json) VALUES (?, ?, ?, ?)",
            (conversation_id, role, text, record),
        )
        conn.execute(
            "UPDATE conversations SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), "
            "title = CASE WHEN title = '' AND ? = 'user' THEN ? ELSE title END WHERE id = ?",
            (role, title, conversation_id),
        )
        return int(cur.lastrowid or 0)


def conversation_messages(store: Store, conversation_id: int) -> list[StoredMessage]:
    rows = store.query(
        "SELECT id, conversation_id, role, text, answer_json, created_at FROM messages "
        "WHERE conversation_id = ? ORDER BY id",
        (conversation_id,),
    )
    return [
        StoredMessage(
            int(r["id"]),
            int(r["conversation_id"]),
            str(r["role"]),
            str(r["text"]),
            json.loads(r["answer_json"]) if r["answer_json"] else None,
            str(r["created_at"]),
        )
        for r in rows
    ]


def message_count(store: Store) -> int:
    """Messages in all conversations (a deleted conversation takes its messages with it)."""
    return int(store.scalar("SELECT COUNT(*) FROM messages") or 0)


def delete_conversation(store: Store, conversation_id: int) -> None:
    with store.transaction() as conn:
        conn.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))
