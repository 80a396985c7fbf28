"""A person's history — conversations and the answer log — carried from a library set aside into
the one that replaces it, so a rebuild or a restore does not lose the chats.

A rebuild starts an empty library and adds the documents again; a restore puts back a backup taken
before the last conversations. Either way the set-aside file (`library.sqlite3.damaged-<time>`)
still holds what could be read of them. `carry_history` copies its conversations, their messages
and its answers into the new library, skipping what the new one already has (the backup's own
copy), and links each answer to the documents it used by their path, as far as those are in the
new library. A damaged file is read as far as it goes: rows past the damage are left behind, and
nothing is written when nothing could be read.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from nocturne.library.store import Store, text_param

_ANSWER_COLUMNS = (
    "at, question, answer, mode, route, model_id, prompt_tokens, completion_tokens, "
    "baseline_prompt_tokens, baseline_completion_tokens, saved_tokens, cost_usd, "
    "baseline_cost_usd, sleep_tokens, amortized_sleep_tokens, first_token_s, total_s, abstained"
)


@dataclass(frozen=True)
class KeptHistory:
    conversations: int = 0
    messages: int = 0
    answers: int = 0

    def line(self) -> str:
        """What was kept, in words ('' when nothing was)."""
        if not (self.conversations or self.answers):
            return ""
        parts = []
        if self.conversations:
            parts.append(_count(self.conversations, "conversation"))
        if self.answers:
            parts.append(_count(self.answers, "answer") + " in the savings history")
        return "kept " + " and ".join(parts) + " from the old library"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _readable_rows(conn: sqlite3.Connection, sql: str) -> Iterator[sqlite3.Row]:
    """The rows of `sql` up to the first one that cannot be read."""
    with contextlib.suppress(sqlite3.Error):
        yield from conn.execute(sql)


def _open_read_only(path: Path) -> sqlite3.Connection | None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    conn.row_factory = sqlite3.Row
    conn.text_factory = lambda b: b.decode("utf-8", "surrogateescape")
    return conn


def carry_history(store: Store, source: Path | None) -> KeptHistory:
    """Copy the conversations and answers of the library file `source` that `store` lacks."""
    if source is None or not source.exists():
        return KeptHistory()
    old = _open_read_only(source)
    if old is None:
        return KeptHistory()
    try:
        conversations = list(
            _readable_rows(old, "SELECT id, title, created_at, updated_at FROM conversations")
        )
        messages = list(
            _readable_rows(
                old,
                "SELECT conversation_id, role, text, answer_json, created_at FROM messages "
                "ORDER BY id",
            )
        )
        answers = list(_readable_rows(old, f"SELECT id, {_ANSWER_COLUMNS} FROM answers"))
        used = list(
            _readable_rows(
                old,
                "SELECT a.answer_id, d.path FROM answer_documents a "
                "JOIN documents d ON d.id = a.document_id",
            )
        )
    finally:
        old.close()
    return _write(store, conversations, messages, answers, used)


def _write(
    store: Store,
    conversations: list[sqlite3.Row],
    messages: list[sqlite3.Row],
    answers: list[sqlite3.Row],
    used: list[sqlite3.Row],
) -> KeptHistory:
    kept_conversations = kept_messages = kept_answers = 0
    with store.transaction() as conn:
        have = {
            (str(r["created_at"]), str(r["title"]))
            for r in conn.execute("SELECT created_at, title FROM conversations")
        }
        new_ids: dict[int, int] = {}
        for row in conversations:
            if (str(row["created_at"]), str(row["title"])) in have:
                continue
            cur = conn.execute(
                "INSERT INTO conversations(title, created_at, updated_at) VALUES (?, ?, ?)",
                (row["title"], row["created_at"], row["updated_at"]),
            )
            new_ids[int(row["id"])] = int(cur.lastrowid or 0)
            kept_conversations += 1
        for row in messages:
            conversation = new_ids.get(int(row["conversation_id"]))
            if conversation is None:  # the new library has that conversation already, or none
                continue
            conn.execute(
                "INSERT INTO messages(conversation_id, role, text, answer_json, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (conversation, row["role"], row["text"], row["answer_json"], row["created_at"]),
            )
            kept_messages += 1
        logged = {
            (str(r["at"]), str(r["question"]))
            for r in conn.execute("SELECT at, question FROM answers")
        }
        paths_by_answer: dict[int, list[str]] = {}
        for row in used:
            paths_by_answer.setdefault(int(row["answer_id"]), []).append(str(row["path"]))
        marks = ", ".join("?" * len(_ANSWER_COLUMNS.split(",")))
        for row in answers:
            if (str(row["at"]), str(row["question"])) in logged:
                continue
            cur = conn.execute(
                f"INSERT INTO answers({_ANSWER_COLUMNS}) VALUES ({marks})", tuple(row)[1:]
            )
            answer_id = int(cur.lastrowid or 0)
            conn.executemany(
                "INSERT OR IGNORE INTO answer_documents(answer_id, document_id) "
                "SELECT ?, id FROM documents WHERE path = CAST(? AS TEXT)",
                [(answer_id, text_param(path)) for path in paths_by_answer.get(int(row["id"]), [])],
            )
            kept_answers += 1
    return KeptHistory(kept_conversations, kept_messages, kept_answers)
