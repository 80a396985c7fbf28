"""Reading a document's structure back: sections, section paths of chunks, names.

The queries behind the section tree and document names live here (SQL stays in `library/`);
callers get dataclasses, never rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nocturne.library.library_versions import library_versions
from nocturne.library.names import DocumentName, NameIndex
from nocturne.library.sections import section_label
from nocturne.library.store import Store


@dataclass(frozen=True)
class Section:
    id: int
    document_id: int
    ordinal: int
    parent_id: int | None
    number: str
    title: str
    level: int
    page: int | None

    @property
    def label(self) -> str:
        return section_label(self.number, self.title)

    @property
    def bare_title(self) -> str:
        """The title without its leading number: "4.6. match Statements" -> ". match Statements"."""
        if self.number and self.title.startswith(self.number):
            rest = self.title[len(self.number) :]
            if not rest[:1].isalnum():  # "Appendix A Glossary" does not start with "A"
                return rest
        return self.title


def _section(row: sqlite3.Row) -> Section:
    return Section(
        int(row["id"]),
        int(row["document_id"]),
        int(row["ordinal"]),
        row["parent_id"],
        str(row["number"]),
        str(row["title"]),
        int(row["level"]),
        row["page"],
    )


def sections_of(store: Store, document_id: int) -> list[Section]:
    """A document's sections in reading order."""
    rows = store.query(
        "SELECT * FROM sections WHERE document_id = ? ORDER BY ordinal", (document_id,)
    )
    return [_section(row) for row in rows]


def sections_by_id(store: Store, section_ids: Iterable[int | None]) -> list[Section]:
    ids = sorted({i for i in section_ids if i is not None})
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return [_section(r) for r in store.query(f"SELECT * FROM sections WHERE id IN ({marks})", ids)]


def sections_numbered(store: Store, document_ids: Sequence[int], number: str) -> list[Section]:
    """Sections of these documents with this number ("14" also finds "14.0")."""
    if not document_ids:
        return []
    marks = ",".join("?" * len(document_ids))
    rows = store.query(
        f"SELECT * FROM sections WHERE document_id IN ({marks}) AND number IN (?, ?) "
        "ORDER BY document_id, ordinal",
        (*document_ids, number, f"{number}.0"),
    )
    return [_section(r) for r in rows]


def section_paths(store: Store, chunk_ids: Iterable[int]) -> dict[int, tuple[Section, ...]]:
    """For each chunk that lies in a section, the path from the top section down to it."""
    ids = sorted(set(chunk_ids))
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = store.query(
        f"SELECT c.id AS chunk_id, s.* FROM chunks c JOIN sections s ON s.id = c.section_id "
        f"WHERE c.id IN ({marks})",
        ids,
    )
    leaves = {int(row["chunk_id"]): _section(row) for row in rows}
    documents = {s.document_id for s in leaves.values()}
    by_id: dict[int, Section] = {}
    for document_id in documents:
        by_id.update({s.id: s for s in sections_of(store, document_id)})
    paths: dict[int, tuple[Section, ...]] = {}
    for chunk_id, leaf in leaves.items():
        path = [leaf]
        while path[-1].parent_id is not None and path[-1].parent_id in by_id and len(path) < 12:
            path.append(by_id[path[-1].parent_id])
        paths[chunk_id] = tuple(reversed(path))
    return paths


def section_chunk_ids(store: Store, section_ids: Sequence[int]) -> dict[int, list[int]]:
    """The chunks of each section (its own text, not its subsections'), in order."""
    if not section_ids:
        return {}
    marks = ",".join("?" * len(section_ids))
    rows = store.query(
        f"SELECT section_id, id FROM chunks WHERE section_id IN ({marks}) ORDER BY ordinal",
        list(section_ids),
    )
    found: dict[int, list[int]] = {}
    for row in rows:
        found.setdefault(int(row[0]), []).append(int(row[1]))
    return found


def search_sections(
    store: Store, match: str, document_ids: Sequence[int] = (), limit: int = 10
) -> list[tuple[Section, float]]:
    """Sections whose titles match an FTS5 expression, with BM25 (lower is better)."""
    if not match:
        return []
    where = ""
    params: list[object] = [match]
    if document_ids:
        where = f" AND s.document_id IN ({','.join('?' * len(document_ids))})"
        params.extend(document_ids)
    params.append(limit)
    try:
        rows = store.query(
            "SELECT s.*, bm25(sections_fts) AS score FROM sections_fts "
            "JOIN sections s ON s.id = sections_fts.rowid "
            f"WHERE sections_fts MATCH ?{where} ORDER BY score LIMIT ?",
            params,
        )
    except sqlite3.Error:  # a malformed MATCH; a damaged or locked library is a StoreError
        return []
    return [(_section(row), float(row["score"])) for row in rows]


def document_catalog(store: Store) -> list[DocumentName]:
    """Every readable document's file name, title and aliases (read again only once a name
    changed: `library_versions`)."""
    version = library_versions(store).names
    return list(store.cached("document_catalog", version, lambda: _read_catalog(store)))


def name_index(store: Store) -> NameIndex:
    """The catalog's names indexed for matching a question against them, kept like the
    catalog."""
    version = library_versions(store).names
    return store.cached(
        "name_index",
        version,
        lambda: NameIndex(document_catalog(store), reuse=store.kept("name_index")),
    )


def _read_catalog(store: Store) -> tuple[DocumentName, ...]:
    rows = store.query(
        "SELECT d.id, d.name, d.title, GROUP_CONCAT(a.alias, char(31)) AS aliases "
        "FROM documents d LEFT JOIN document_aliases a ON a.document_id = d.id "
        "WHERE d.state != 'error' AND d.chunk_count > 0 GROUP BY d.id ORDER BY d.id"
    )
    return tuple(
        DocumentName(
            int(row["id"]),
            str(row["name"]),
            str(row["title"] or ""),
            tuple(str(row["aliases"]).split("\x1f")) if row["aliases"] else (),
        )
        for row in rows
    )


@dataclass(frozen=True)
class KeyedNote:
    """A fresh note looked up by its key (an outline entry, a definition, a reference)."""

    id: int
    document_id: int | None
    text: str
    answer: str
    key: str


def keyed_notes(
    store: Store, kind: str, key: str, document_ids: Sequence[int] = (), limit: int = 5
) -> list[KeyedNote]:
    """Fresh notes of `kind` with exactly this key, optionally within some documents."""
    where = ""
    params: list[object] = [kind, key]
    if document_ids:
        where = f" AND document_id IN ({','.join('?' * len(document_ids))})"
        params.extend(document_ids)
    params.append(limit)
    rows = store.query(
        "SELECT id, document_id, text, answer, key FROM notes "
        f"WHERE kind = ? AND key = ? AND stale = 0{where} ORDER BY id DESC LIMIT ?",
        params,
    )
    return [
        KeyedNote(int(r["id"]), r["document_id"], str(r["text"]), str(r["answer"] or ""), r["key"])
        for r in rows
    ]


def notes_from_chunks(store: Store, kind: str, chunk_ids: Sequence[int]) -> list[str]:
    """Texts of fresh notes of `kind` written from any of these chunks."""
    if not chunk_ids:
        return []
    marks = ",".join("?" * len(chunk_ids))
    rows = store.query(
        "SELECT DISTINCT n.id, n.text FROM notes n JOIN note_sources s ON s.note_id = n.id "
        f"WHERE n.kind = ? AND n.stale = 0 AND s.chunk_id IN ({marks}) ORDER BY n.id",
        (kind, *chunk_ids),
    )
    return [str(row["text"]) for row in rows]


def references_from(store: Store, section_id: int) -> list[KeyedNote]:
    """Fresh reference notes written from a section's own chunks (key: the target section id)."""
    rows = store.query(
        "SELECT DISTINCT n.id, n.document_id, n.text, n.answer, n.key FROM notes n "
        "JOIN note_sources s ON s.note_id = n.id JOIN chunks c ON c.id = s.chunk_id "
        "WHERE n.kind = 'reference' AND n.stale = 0 AND c.section_id = ? ORDER BY n.id",
        (section_id,),
    )
    return [
        KeyedNote(int(r["id"]), r["document_id"], str(r["text"]), str(r["answer"] or ""), r["key"])
        for r in rows
    ]
