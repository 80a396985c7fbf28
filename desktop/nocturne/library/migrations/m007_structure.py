"""Document structure: titles and aliases, the section tree, and each chunk's section.

`sections` holds one row per heading (number, title, level, page, parent), `chunks.section_id`
says which section a chunk lies in (chunks never span sections), and `sections_fts` makes the
titles searchable, so "which section covers X" has something to go on. `documents.title` and
`document_aliases` ("LGPL-2.1" ~ "GNU Lesser General Public License version 2.1") let a question
that names a document search that document. `documents.loader_version` records which loader
read the text, so an improved loader re-reads unchanged files once.
"""

import sqlite3

from nocturne.library.migrations import execute_script


def migrate(conn: sqlite3.Connection) -> None:
    execute_script(
        conn,
        """
        ALTER TABLE documents ADD COLUMN title TEXT NOT NULL DEFAULT '';
        ALTER TABLE documents ADD COLUMN loader_version TEXT NOT NULL DEFAULT '';

        CREATE TABLE document_aliases (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            alias TEXT NOT NULL,
            PRIMARY KEY (document_id, alias)
        );
        CREATE INDEX document_aliases_alias ON document_aliases(alias);

        CREATE TABLE sections (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            parent_id INTEGER REFERENCES sections(id) ON DELETE CASCADE,
            number TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL,
            level INTEGER NOT NULL,
            page INTEGER,
            UNIQUE (document_id, ordinal)
        );
        CREATE INDEX sections_document ON sections(document_id);

        ALTER TABLE chunks ADD COLUMN section_id INTEGER REFERENCES sections(id) ON DELETE SET NULL;
        CREATE INDEX chunks_section ON chunks(section_id);

        CREATE VIRTUAL TABLE sections_fts USING fts5(
            title, content='sections', content_rowid='id', tokenize='porter unicode61'
        );
        CREATE TRIGGER sections_ai AFTER INSERT ON sections BEGIN
            INSERT INTO sections_fts(rowid, title) VALUES (new.id, new.title);
        END;
        CREATE TRIGGER sections_ad AFTER DELETE ON sections BEGIN
            INSERT INTO sections_fts(sections_fts, rowid, title)
                VALUES ('delete', old.id, old.title);
        END;
        """,
    )
