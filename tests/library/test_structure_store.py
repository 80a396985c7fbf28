"""The structure in the store: migrations m007/m008, and ingest of sections, titles and aliases
(the queries that read them back are tested in test_structure.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from nocturne.library.ingest import LOADER_VERSION, IngestResult, add_paths
from nocturne.library.migrations import all_migrations
from nocturne.library.store import Store
from nocturne.library.structure import document_catalog, keyed_notes, sections_of
from nocturne.settings import Settings

from fakes.engine import FakeEngine

MANUAL = """# Camlidl manual

This manual describes Camlidl, a stub generator for Caml.

## 4 Building

Building a library takes three steps.

### 4.3 The camlidldll script

The camlidldll script builds a DLL from the generated stubs. See section 4.4 for errors.

### 4.4 Error handling

Errors are reported on the standard error stream.

## 5 Hints on writing IDL files

Keep interfaces small.
"""


def columns(store: Store, table: str) -> set[str]:
    return {row["name"] for row in store.query(f"PRAGMA table_info({table})")}


def add(store: Store, settings: Settings, *paths: Path) -> list[IngestResult]:
    return list(add_paths(store, paths, settings, FakeEngine()))


@pytest.fixture
def manual(tmp_path: Path) -> Path:
    path = tmp_path / "camlidl-1.04.md"
    path.write_text(MANUAL)
    return path


def test_final_schema_in_memory() -> None:
    store = Store.open(":memory:")
    names = store.applied_migrations()
    assert "m007_structure" in names and "m008_note_keys" in names
    tables = {r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"sections", "document_aliases", "sections_fts"} <= tables
    assert {"section_id"} <= columns(store, "chunks")
    assert {"key"} <= columns(store, "notes")
    assert {"title", "loader_version"} <= columns(store, "documents")
    assert {
        "id",
        "document_id",
        "ordinal",
        "parent_id",
        "number",
        "title",
        "level",
        "page",
    } == columns(store, "sections")
    indexes = {r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"notes_key", "chunks_section", "sections_document", "document_aliases_alias"} <= (
        indexes
    )
    store.close()


def test_m007_and_m008_upgrade_a_library_with_data() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    later = {}
    for name, migrate in all_migrations():
        if name >= "m007":
            later[name] = migrate
            continue
        migrate(conn)
    conn.execute("INSERT INTO documents(path, name) VALUES ('/d/a.txt', 'a.txt')")
    conn.execute(
        "INSERT INTO chunks(document_id, ordinal, text, token_count) VALUES (1, 0, 'Old text.', 2)"
    )
    conn.execute(
        "INSERT INTO notes(kind, document_id, text, model_id, prompt_version) "
        "VALUES ('fact', 1, 'Old text.', 'm', 'v')"
    )
    for name in sorted(later):
        later[name](conn)
    document = conn.execute("SELECT title, loader_version FROM documents").fetchone()
    assert (document["title"], document["loader_version"]) == ("", "")
    assert conn.execute("SELECT section_id FROM chunks").fetchone()[0] is None
    assert conn.execute("SELECT key FROM notes").fetchone()[0] == ""
    # The section FTS index follows inserts and deletes through its triggers.
    conn.execute(
        "INSERT INTO sections(document_id, ordinal, number, title, level) "
        "VALUES (1, 0, '1', 'Boiler maintenance', 1)"
    )
    assert (
        conn.execute(
            "SELECT COUNT(*) FROM sections_fts WHERE sections_fts MATCH 'boiler'"
        ).fetchone()[0]
        == 1
    )
    conn.execute("UPDATE chunks SET section_id = 1")
    conn.execute("DELETE FROM sections")
    assert (
        conn.execute(
            "SELECT COUNT(*) FROM sections_fts WHERE sections_fts MATCH 'boiler'"
        ).fetchone()[0]
        == 0
    )
    assert conn.execute("SELECT section_id FROM chunks").fetchone()[0] is None  # SET NULL
    conn.close()


def test_ingest_stores_sections_chunk_sections_title_and_aliases(
    store: Store, settings: Settings, manual: Path
) -> None:
    [result] = add(store, settings, manual)
    assert result.status == "added", result.line()
    document = store.document(result.document_id or 0)
    assert document is not None
    assert document.title == "Camlidl manual"
    assert document.loader_version == LOADER_VERSION
    sections = sections_of(store, int(document.id))
    assert [(s.number, s.title, s.level) for s in sections] == [
        ("", "Camlidl manual", 1),
        ("4", "4 Building", 2),
        ("4.3", "4.3 The camlidldll script", 3),
        ("4.4", "4.4 Error handling", 3),
        ("5", "5 Hints on writing IDL files", 2),
    ]
    by_title = {s.title: s for s in sections}
    assert by_title["4.3 The camlidldll script"].parent_id == by_title["4 Building"].id
    assert by_title["4 Building"].parent_id == by_title["Camlidl manual"].id
    assert by_title["Camlidl manual"].parent_id is None
    assert [s.ordinal for s in sections] == list(range(5))
    chunks = store.chunks(int(document.id))
    # Every chunk knows its section, and no heading is glued into a chunk's text.
    assert all(c.section_id is not None for c in chunks)
    texts: dict[int, list[str]] = {s.id: [] for s in sections}
    for chunk in chunks:
        texts[chunk.section_id].append(chunk.text)
    assert any(
        "camlidldll script builds" in t for t in texts[by_title["4.3 The camlidldll script"].id]
    )
    assert all("Error handling" not in t for c in chunks for t in [c.text])
    aliases = {
        r[0]
        for r in store.query(
            "SELECT alias FROM document_aliases WHERE document_id = ?", (document.id,)
        )
    }
    assert {"camlidl 1.04", "camlidl", "camlidl manual"} <= aliases


def _note(store: Store, kind: str, key: str, document_id: int | None, stale: int = 0) -> int:
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO notes(kind, document_id, text, answer, model_id, prompt_version, "
            "stale, key) VALUES (?, ?, ?, ?, 'extractive', 'v', ?, ?)",
            (kind, document_id, f"{kind} {key}", f"answer {key}", stale, key),
        )
        return int(cur.lastrowid or 0)


def test_unchanged_file_is_not_read_again(store: Store, settings: Settings, manual: Path) -> None:
    [first] = add(store, settings, manual)
    sections = [s.id for s in sections_of(store, first.document_id or 0)]
    [again] = add(store, settings, manual)
    assert again.status == "unchanged"
    assert again.document_id == first.document_id
    assert [s.id for s in sections_of(store, first.document_id or 0)] == sections


def test_a_document_read_by_an_older_loader_is_read_again(
    store: Store, settings: Settings, manual: Path
) -> None:
    [first] = add(store, settings, manual)
    doc = first.document_id or 0
    with store.transaction() as conn:
        conn.execute("UPDATE documents SET loader_version = 'pages-0' WHERE id = ?", (doc,))
        conn.execute("UPDATE chunks SET section_id = NULL WHERE document_id = ?", (doc,))
        conn.execute("DELETE FROM sections WHERE document_id = ?", (doc,))
    _note(store, "outline", "4.3", doc)
    [again] = add(store, settings, manual)
    assert again.status == "updated"
    assert again.document_id == doc
    document = store.document(doc)
    assert document is not None and document.loader_version == LOADER_VERSION
    assert len(sections_of(store, doc)) == 5
    assert all(c.section_id is not None for c in store.chunks(doc))
    assert keyed_notes(store, "outline", "4.3") == []  # learned from the old reading: gone
    [third] = add(store, settings, manual)
    assert third.status == "unchanged"


def test_a_changed_file_replaces_its_sections_and_aliases(
    store: Store, settings: Settings, manual: Path
) -> None:
    [first] = add(store, settings, manual)
    manual.write_text("# Renamed guide\n\n## 1 Only section\n\nOne line of text.\n")
    [again] = add(store, settings, manual)
    assert again.status == "updated" and again.document_id == first.document_id
    doc = first.document_id or 0
    assert [s.title for s in sections_of(store, doc)] == ["Renamed guide", "1 Only section"]
    assert (
        store.scalar("SELECT COUNT(*) FROM sections_fts WHERE sections_fts MATCH 'camlidldll'") == 0
    )
    aliases = {r[0] for r in store.query("SELECT alias FROM document_aliases")}
    assert "renamed guide" in aliases and "camlidl manual" not in aliases
    assert document_catalog(store)[0].title == "Renamed guide"


@pytest.mark.parametrize(
    "file_name",
    [
        "Ünïcødé notes (v2) — final!.md",
        "...md",
        "-.md",
        "2023.md",
        "a b  c.md",
        "💾 backup [copy].md",
        "x" * 200 + ".md",
    ],
)
def test_a_document_with_a_weird_file_name(
    store: Store, settings: Settings, tmp_path: Path, file_name: str
) -> None:
    path = tmp_path / file_name
    path.write_text("Some text about the boiler, which is serviced in May.\n")
    [result] = add(store, settings, path)
    assert result.status == "added", result.line()
    [entry] = document_catalog(store)
    assert entry.name == file_name
    assert entry.title  # never empty: the file stem at least
    assert all(alias.strip() == alias and alias for alias in entry.aliases)
    assert sections_of(store, entry.document_id) == []
    assert all(c.section_id is None for c in store.chunks(entry.document_id))
