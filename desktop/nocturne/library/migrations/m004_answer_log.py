"""The answer log: every question answered, its mode, tokens against the baseline, and documents.

`nocturne status` and the window's savings panel read their totals and history from here, and
the amortized sleep-time share of an answer counts the earlier answers about the same documents.
Dense vectors for notes and chunks (optional embedding model) are cached in `embeddings`.
"""

import sqlite3

from nocturne.library.migrations import execute_script


def migrate(conn: sqlite3.Connection) -> None:
    execute_script(
        conn,
        """
        CREATE TABLE answers (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
            question TEXT NOT NULL,
            answer TEXT NOT NULL,
            mode TEXT NOT NULL,
            route TEXT NOT NULL DEFAULT '',
            model_id TEXT NOT NULL DEFAULT '',
            prompt_tokens INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL,
            baseline_prompt_tokens INTEGER NOT NULL,
            baseline_completion_tokens INTEGER NOT NULL,
            saved_tokens INTEGER NOT NULL,
            cost_usd REAL NOT NULL,
            baseline_cost_usd REAL NOT NULL,
            sleep_tokens INTEGER NOT NULL DEFAULT 0,
            amortized_sleep_tokens REAL NOT NULL DEFAULT 0,
            first_token_s REAL NOT NULL,
            total_s REAL NOT NULL,
            abstained INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE answer_documents (
            answer_id INTEGER NOT NULL REFERENCES answers(id) ON DELETE CASCADE,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            PRIMARY KEY (answer_id, document_id)
        );
        CREATE INDEX answer_documents_document ON answer_documents(document_id);

        CREATE TABLE embeddings (
            owner TEXT NOT NULL,
            owner_id INTEGER NOT NULL,
            model_id TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (owner, owner_id, model_id)
        );
        """,
    )
