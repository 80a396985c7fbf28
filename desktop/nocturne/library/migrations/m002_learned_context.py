"""The learned context: notes written at sleep time, their provenance, and finished digest steps.

`notes.kind` is one of: fact, question (with `answer`), chunk_summary, section_summary,
document_summary, cross_document, library_brief. Every note records the chunks it came from
(`note_sources`), hence its document and pages, plus the model, prompt version and tokens spent.
A step (one chunk's notes, one summary) commits atomically together with its `digest_steps` row,
which is how a killed digest resumes without redoing or duplicating work.
"""

import sqlite3

from nocturne.library.migrations import execute_script


def migrate(conn: sqlite3.Connection) -> None:
    execute_script(
        conn,
        """
        CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            step_id INTEGER REFERENCES digest_steps(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
            page INTEGER,
            text TEXT NOT NULL,
            answer TEXT,
            model_id TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            tokens INTEGER NOT NULL DEFAULT 0,
            stale INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        );
        CREATE INDEX notes_document ON notes(document_id, kind);

        CREATE TABLE note_sources (
            note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
            chunk_id INTEGER NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
            PRIMARY KEY (note_id, chunk_id)
        );
        CREATE INDEX note_sources_chunk ON note_sources(chunk_id);

        CREATE VIRTUAL TABLE notes_fts USING fts5(
            text, answer, content='notes', content_rowid='id', tokenize='porter unicode61'
        );
        CREATE TRIGGER notes_ai AFTER INSERT ON notes BEGIN
            INSERT INTO notes_fts(rowid, text, answer) VALUES (new.id, new.text, new.answer);
        END;
        CREATE TRIGGER notes_ad AFTER DELETE ON notes BEGIN
            INSERT INTO notes_fts(notes_fts, rowid, text, answer)
                VALUES ('delete', old.id, old.text, old.answer);
        END;
        CREATE TRIGGER notes_au AFTER UPDATE OF text, answer ON notes BEGIN
            INSERT INTO notes_fts(notes_fts, rowid, text, answer)
                VALUES ('delete', old.id, old.text, old.answer);
            INSERT INTO notes_fts(rowid, text, answer) VALUES (new.id, new.text, new.answer);
        END;

        CREATE TABLE digest_steps (
            id INTEGER PRIMARY KEY,
            step_key TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
            model_id TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            prompt_tokens INTEGER NOT NULL DEFAULT 0,
            completion_tokens INTEGER NOT NULL DEFAULT 0,
            seconds REAL NOT NULL DEFAULT 0,
            kept INTEGER NOT NULL DEFAULT 0,
            dropped INTEGER NOT NULL DEFAULT 0,
            finished_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
        );
        CREATE INDEX digest_steps_document ON digest_steps(document_id);
        """,
    )
