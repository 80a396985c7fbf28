"""Persisted chats (tables from migration m006), without Qt so tests and workers can use them.

An answer is stored as the `ask --json` object plus what the window needs to redraw it later: the
citations' file paths, the savings line, whether it abstained and its route. Keeping the whole
object means the savings panel shows exactly the numbers the person saw under each answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from nocturne.answer.result import Answer
from nocturne.library.store import Store

TITLE_LENGTH = 60


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


def answer_record(answer: Answer, savings_line: str | None = None) -> dict[str, Any]:
    """The JSON contract of an answer, with the paths of its sources and its savings line
    (`savings_line`, the card's, when given: see `ui.answer_savings`)."""
    record = answer.to_json()
    for citation, source in zip(record["citations"], answer.citations, strict=True):
        citation["path"] = source.path
    record["savings_line"] = answer.savings_line() if savings_line is None else savings_line
    record["abstained"] = answer.abstained
    record["route"] = str(answer.extra.get("route", answer.mode))  # badge, "Digest now"
    return record


def title_for(question: str) -> str:
    text = " ".join(question.split())
    return text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1].rstrip() + "…"


def create_conversation(store: Store, title: str = "") -> int:
    with store.transaction() as conn:
        cur = conn.execute("INSERT INTO conversations(title) VALUES (?)", (title,))
        return int(cur.lastrowid or 0)


def list_conversations(store: Store) -> list[Conversation]:
    rows = store.query(
        "SELECT c.id, c.title, c.updated_at, COUNT(m.id) AS message_count FROM conversations c "
        "LEFT JOIN messages m ON m.conversation_id = c.id GROUP BY c.id "
        "ORDER BY c.updated_at DESC, c.id DESC"
    )
    return [Conversation(r["id"], r["title"], r["updated_at"], r["message_count"]) for r in rows]


def add_message(
    store: Store,
    conversation_id: int,
    role: str,
    text: str,
    answer: Answer | None = None,
    savings_line: str | None = None,
) -> int:
    """Append a message; the first question of a conversation becomes its title."""
    record = json.dumps(answer_record(answer, savings_line)) if answer is not None else None
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO messages(conversation_id, role, text, answer_json) VALUES (?, ?, ?, ?)",
            (conversation_id, role, text, record),
        )
        conn.execute(
            "UPDATE conversations SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), "
            "title = CASE WHEN title = '' AND ? = 'user' THEN ? ELSE title END WHERE id = ?",
            (role, title_for(text), conversation_id),
        )
        return int(cur.lastrowid or 0)


def conversation_messages(store: Store, conversation_id: int) -> list[StoredMessage]:
    rows = store.query(
        "SELECT * FROM messages WHERE conversation_id = ? ORDER BY id", (conversation_id,)
    )
    return [
        StoredMessage(
            r["id"],
            r["conversation_id"],
            r["role"],
            r["text"],
            json.loads(r["answer_json"]) if r["answer_json"] else None,
            r["created_at"],
        )
        for r in rows
    ]


def delete_conversation(store: Store, conversation_id: int) -> None:
    with store.transaction() as conn:
        conn.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))


def rename_conversation(store: Store, conversation_id: int, title: str) -> None:
    with store.transaction() as conn:
        conn.execute(
            "UPDATE conversations SET title = ? WHERE id = ?", (title.strip(), conversation_id)
        )
