"""The model-free reference that auto mode must beat (`nocturne bench`): the best BM25 sentence.

Every sentence of the library goes into an in-memory FTS5 table; a question's answer is simply
the top-ranked sentence. No digest, no model — if Nocturne cannot do better than this, its
learned context is not earning its keep.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from nocturne.library.search import fts_query
from nocturne.library.sentences import split_sentences
from nocturne.library.store import Store


@dataclass(frozen=True)
class ReferenceHit:
    sentence: str
    chunk_id: int
    document_name: str
    page: int | None


class SentenceIndex:
    """BM25 over every sentence of every chunk (built once, in memory)."""

    def __init__(self, store: Store) -> None:
        self.conn = sqlite3.connect(":memory:")
        self.conn.execute(
            "CREATE VIRTUAL TABLE sentences USING fts5(text, chunk_id UNINDEXED, "
            "document UNINDEXED, page UNINDEXED, tokenize='porter unicode61')"
        )
        rows = store.query(
            "SELECT c.id, c.text, c.page, d.name FROM chunks c "
            "JOIN documents d ON d.id = c.document_id"
        )
        seen: set[str] = set()
        for row in rows:
            for sentence in split_sentences(row["text"]):
                if sentence in seen:  # the overlap between chunks repeats sentences
                    continue
                seen.add(sentence)
                self.conn.execute(
                    "INSERT INTO sentences(text, chunk_id, document, page) VALUES (?, ?, ?, ?)",
                    (sentence, row["id"], row["name"], row["page"]),
                )
        self.size = len(seen)

    def best(self, question: str, limit: int = 1) -> list[ReferenceHit]:
        query = fts_query(question)
        if not query:
            return []
        try:
            rows = self.conn.execute(
                "SELECT text, chunk_id, document, page FROM sentences WHERE sentences MATCH ? "
                "ORDER BY bm25(sentences) LIMIT ?",
                (query, limit),
            ).fetchall()
        except sqlite3.OperationalError:
            return []
        return [ReferenceHit(r[0], int(r[1]), r[2], r[3]) for r in rows]

    def close(self) -> None:
        self.conn.close()
