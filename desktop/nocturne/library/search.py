"""Keyword search with SQLite FTS5 and its BM25 ranking.

Questions are turned into an OR of their content words (quoted, so punctuation in the question can
never become FTS syntax); BM25 then rewards passages that contain the rarer words.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from dataclasses import dataclass

from nocturne.library.store import Store

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves s t don also may might must shall
    many much one two us per via""".split()
)
# A key combination ("Ctrl+L") is one word, as in `library.words`; in a MATCH it is the phrase
# of its parts, which the index holds side by side.
_WORD = re.compile(r"\b(?:ctrl|alt|shift|meta|cmd|super|option)(?:\+\w+)+|[\w][\w'-]*", re.UNICODE)


def content_words(text: str) -> list[str]:
    """Lower-cased words of `text` that carry meaning (no stopwords, no single letters)."""
    words = []
    for match in _WORD.finditer(text.lower()):
        word = match.group(0).strip("'-")
        if word.endswith("'s"):  # "the tenant's name": FTS reads "tenant's" as "tenant" + "s"
            word = word[:-2]
        if len(word) > 1 and word not in STOPWORDS:
            words.append(word)
    return words


def fts_query(text: str) -> str:
    """An FTS5 MATCH expression: the distinct content words of `text`, OR-ed and quoted."""
    seen: dict[str, None] = {}
    for word in content_words(text):
        seen.setdefault(word.replace('"', ""), None)
    return " OR ".join(f'"{word}"' for word in seen)


@dataclass(frozen=True)
class ChunkHit:
    chunk_id: int
    document_id: int
    document_name: str
    document_path: str
    page: int | None
    text: str
    token_count: int
    score: float  # BM25 as SQLite reports it: lower is better


def search_chunks(
    store: Store, question: str, limit: int = 20, document_ids: tuple[int, ...] = ()
) -> list[ChunkHit]:
    """The best chunks for `question`, optionally only within some documents."""
    query = fts_query(question)
    if not query:
        return []
    within = ""
    if document_ids:
        within = f" AND c.document_id IN ({','.join('?' * len(document_ids))})"
    try:
        if document_ids:
            rows = store.query(
                "SELECT c.id, c.document_id, d.name, d.path, c.page, c.text, c.token_count, "
                "bm25(chunks_fts) AS score FROM chunks_fts "
                "JOIN chunks c ON c.id = chunks_fts.rowid "
                f"JOIN documents d ON d.id = c.document_id WHERE chunks_fts MATCH ?{within} "
                "ORDER BY score LIMIT ?",
                (query, *document_ids, limit),
            )
        else:
            # The best rows first, then their text: joining every match before the sort read
            # the text of tens of thousands of chunks at 10,000 documents (twice the time).
            rows = store.query(
                "SELECT c.id, c.document_id, d.name, d.path, c.page, c.text, c.token_count, "
                "best.score FROM (SELECT rowid, bm25(chunks_fts) AS score FROM chunks_fts "
                "WHERE chunks_fts MATCH ? ORDER BY score LIMIT ?) best "
                "JOIN chunks c ON c.id = best.rowid JOIN documents d ON d.id = c.document_id "
                "ORDER BY best.score",
                (query, limit),
            )
    except sqlite3.OperationalError:
        return []
    return [ChunkHit(*row) for row in rows]


def term_counts(store: Store, term: str) -> tuple[int, int]:
    """How many chunks, and how many section titles, contain a word starting with `term`."""
    match = f'"{term.replace(chr(34), "")}"*'
    counts = []
    for table in ("chunks_fts", "sections_fts"):
        try:
            counts.append(
                int(store.scalar(f"SELECT COUNT(*) FROM {table} WHERE {table} MATCH ?", (match,)))
            )
        except sqlite3.Error:
            counts.append(0)
    return counts[0], counts[1]


def phrase_occurs(store: Store, phrase: str) -> bool:
    """Whether any chunk or section title holds these words in this order ("Debian 14")."""
    tokens = [w.replace('"', "") for w in phrase.split() if w.strip('"')]
    if not tokens:
        return False
    match = '"' + " ".join(tokens) + '"'
    for table in ("chunks_fts", "sections_fts"):
        try:
            if store.scalar(f"SELECT 1 FROM {table} WHERE {table} MATCH ? LIMIT 1", (match,)):
                return True
        except sqlite3.Error:
            continue
    return False


def term_share(store: Store, term: str, document_ids: tuple[int, ...]) -> float:
    """The share of these documents' chunks that contain a word starting with `term`."""
    if not document_ids:
        return 0.0
    marks = ",".join("?" * len(document_ids))
    match = f'"{term.replace(chr(34), "")}"*'
    try:
        found = int(
            store.scalar(
                "SELECT COUNT(*) FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid "
                f"WHERE chunks_fts MATCH ? AND c.document_id IN ({marks})",
                (match, *document_ids),
            )
        )
        total = int(
            store.scalar(
                f"SELECT COUNT(*) FROM chunks WHERE document_id IN ({marks})", document_ids
            )
        )
    except sqlite3.Error:
        return 0.0
    return found / total if total else 0.0


def spelled_out(store: Store, acronym: str, limit: int = 50) -> list[str]:
    """What the library writes out as `acronym`: runs of capitalised words whose initials spell
    it ("Human Resources" for HR), the most frequent first (at most three)."""
    if not (2 <= len(acronym) <= 5 and acronym.isalpha() and acronym.isupper()):
        return []
    match = " + ".join(f'"{letter}"*' for letter in acronym.lower())
    try:
        rows = store.query(
            "SELECT c.text FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid "
            "WHERE chunks_fts MATCH ? LIMIT ?",
            (match, limit),
        )
    except sqlite3.OperationalError:
        return []
    written = re.compile(r"\b" + r"[\s-]+".join(f"({letter}[a-z]+)" for letter in acronym) + r"\b")
    found = Counter(" ".join(m.groups()) for row in rows for m in written.finditer(str(row[0])))
    return [phrase for phrase, _ in found.most_common(3)]
