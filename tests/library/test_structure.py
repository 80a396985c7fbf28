"""Reading a document's structure back (`library/structure.py`): sections and their paths, the
chunks of a section, the catalog of names, and notes found by key, by chunk or by section."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne.library.ingest import IngestResult, add_paths
from nocturne.library.sections import SectionDraft
from nocturne.library.store import ChunkDraft, Store
from nocturne.library.structure import (
    Section,
    document_catalog,
    keyed_notes,
    name_index,
    notes_from_chunks,
    references_from,
    search_sections,
    section_chunk_ids,
    section_paths,
    sections_by_id,
    sections_numbered,
    sections_of,
)
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


def add(store: Store, settings: Settings, *paths: Path) -> list[IngestResult]:
    return list(add_paths(store, paths, settings, FakeEngine()))


@pytest.fixture
def manual(tmp_path: Path) -> Path:
    path = tmp_path / "camlidl-1.04.md"
    path.write_text(MANUAL)
    return path


def _note(store: Store, kind: str, key: str, document_id: int | None, stale: int = 0) -> int:
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO notes(kind, document_id, text, answer, model_id, prompt_version, "
            "stale, key) VALUES (?, ?, ?, ?, 'extractive', 'v', ?, ?)",
            (kind, document_id, f"{kind} {key}", f"answer {key}", stale, key),
        )
        return int(cur.lastrowid or 0)


def _sourced_note(
    store: Store, kind: str, text: str, chunk_ids: list[int], stale: int = 0, key: str = ""
) -> int:
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO notes(kind, text, model_id, prompt_version, stale, key) "
            "VALUES (?, ?, 'm', 'v', ?, ?)",
            (kind, text, stale, key),
        )
        conn.executemany(
            "INSERT INTO note_sources(note_id, chunk_id) VALUES (?, ?)",
            [(cur.lastrowid, chunk) for chunk in chunk_ids],
        )
        return int(cur.lastrowid or 0)


def _outline(store: Store) -> tuple[int, dict[str, int], list[int]]:
    """A stored document "1 Lease" > "1.1 Rent", "1.2 Deposit", with one chunk in each of
    those three sections: its id, its section ids by number, its chunk ids."""
    document_id = store.save_document(
        path="/docs/lease.txt",
        name="lease.txt",
        kind="text",
        content_hash="h",
        size=10,
        mtime=0.0,
        pages=None,
        sections=[
            SectionDraft(0, None, "1", "1 Lease", 1, None),
            SectionDraft(1, 0, "1.1", "1.1 Rent", 2, None),
            SectionDraft(2, 0, "1.2", "1.2 Deposit", 2, None),
        ],
        chunks=[
            ChunkDraft(0, None, "This lease is for a flat.", 6, section=0),
            ChunkDraft(1, None, "Rent is 900 euros. See 1.2.", 7, section=1),
            ChunkDraft(2, None, "The deposit is 2,500 euros.", 7, section=2),
        ],
    )
    sections = {s.number: s.id for s in sections_of(store, document_id)}
    return document_id, sections, [c.id for c in store.chunks(document_id)]


def test_structure_queries(store: Store, settings: Settings, manual: Path) -> None:
    [result] = add(store, settings, manual)
    doc = int(result.document_id or 0)
    sections = {s.number: s for s in sections_of(store, doc)}
    chunks = store.chunks(doc)
    script_chunk = next(int(c.id) for c in chunks if "camlidldll script builds" in c.text)
    intro_chunk = next(int(c.id) for c in chunks if "stub generator" in c.text)
    paths = section_paths(store, [script_chunk, intro_chunk, 999_999])
    assert [s.label for s in paths[script_chunk]] == [
        "Camlidl manual",
        "4 Building",
        "4.3 The camlidldll script",
    ]
    assert [s.title for s in paths[intro_chunk]] == ["Camlidl manual"]
    assert 999_999 not in paths
    assert section_paths(store, []) == {}

    found = search_sections(store, "error", [doc])
    assert [s.number for s, _ in found] == ["4.4"]
    assert all(isinstance(score, float) for _, score in found)
    assert search_sections(store, "error", [doc + 1]) == []
    assert search_sections(store, "") == []
    assert search_sections(store, '"unbalanced AND (') == []  # bad FTS syntax is no match

    assert [s.title for s in sections_numbered(store, [doc], "4.3")] == [
        "4.3 The camlidldll script"
    ]
    assert sections_numbered(store, [], "4.3") == []
    assert [
        s.id for s in sections_by_id(store, [sections["4.4"].id, None, sections["4.4"].id])
    ] == [sections["4.4"].id]
    own = section_chunk_ids(store, [sections["4.3"].id, sections["4"].id])
    assert own[sections["4.3"].id] == [script_chunk]
    assert sections["4"].id in own  # "Building a library takes three steps."
    assert section_chunk_ids(store, []) == {}


def test_sections_numbered_finds_a_point_zero_section(
    store: Store, tmp_path: Path, settings: Settings
) -> None:
    path = tmp_path / "guide.md"
    path.write_text("# 14.0 Glossary\n\nTerms used in this guide.\n")
    [result] = add(store, settings, path)
    assert [s.number for s in sections_numbered(store, [result.document_id or 0], "14")] == ["14.0"]


def test_document_catalog(store: Store, settings: Settings, manual: Path, tmp_path: Path) -> None:
    plain = tmp_path / "notes.txt"
    plain.write_text("The boiler is serviced in May.")
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    results = add(store, settings, manual, plain, empty)
    assert [r.status for r in results] == ["added", "added", "error"]
    catalog = document_catalog(store)
    assert [d.name for d in catalog] == ["camlidl-1.04.md", "notes.txt"]
    camlidl, notes = catalog
    assert camlidl.title == "Camlidl manual"
    assert "camlidl 1.04" in camlidl.aliases
    assert notes.title == "notes"
    assert notes.aliases == ("notes",)
    assert all(isinstance(a, str) and a for d in catalog for a in d.aliases)


def test_keyed_notes(store: Store, settings: Settings, manual: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.md"
    other.write_text("# Other\n\nSomething else entirely.\n")
    first, second = (int(r.document_id or 0) for r in add(store, settings, manual, other))
    older = _note(store, "outline", "4.3", first)
    newer = _note(store, "outline", "4.3", first)
    _note(store, "outline", "4.3", first, stale=1)
    elsewhere = _note(store, "outline", "4.3", second)
    _note(store, "definition", "4.3", first)
    _note(store, "outline", "4.3.1", first)
    found = keyed_notes(store, "outline", "4.3", [first])
    assert [n.id for n in found] == [newer, older]  # newest first, stale ones never
    assert found[0].answer == "answer 4.3" and found[0].key == "4.3"
    assert found[0].document_id == first
    assert {n.id for n in keyed_notes(store, "outline", "4.3")} == {older, newer, elsewhere}
    assert len(keyed_notes(store, "outline", "4.3", limit=1)) == 1
    assert keyed_notes(store, "outline", "9.9") == []
    assert keyed_notes(store, "outline", "4.3", [second])[0].id == elsewhere


@pytest.mark.parametrize(
    ("number", "title", "label", "bare"),
    [
        ("4.6", "4.6. match Statements", "4.6. match Statements", ". match Statements"),
        ("4.4", "Error handling", "4.4 Error handling", "Error handling"),
        ("", "Camlidl manual", "Camlidl manual", "Camlidl manual"),
        ("4.3", "4.30 Limits", "4.30 Limits", "4.30 Limits"),  # not its number: 4.30
        ("A", "Appendix A Glossary", "Appendix A Glossary", "Appendix A Glossary"),
    ],
)
def test_a_sections_label_and_bare_title(number: str, title: str, label: str, bare: str) -> None:
    section = Section(1, 1, 0, None, number, title, 1, None)
    assert (section.label, section.bare_title) == (label, bare)


def test_an_appendix_keeps_its_whole_title(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "guide.md"
    path.write_text("# Guide\n\nText.\n\n## Appendix A Glossary\n\nTerms used here.\n")
    [result] = add(store, settings, path)
    appendix = sections_of(store, result.document_id or 0)[-1]
    assert (appendix.number, appendix.title) == ("A", "Appendix A Glossary")
    assert appendix.bare_title == "Appendix A Glossary"  # not "ppendix A Glossary"


def test_sections_by_id_ignore_nones_repeats_and_missing_ids(store: Store) -> None:
    _, sections, _ = _outline(store)
    assert sections_by_id(store, []) == []
    assert sections_by_id(store, [None, None]) == []
    found = sections_by_id(store, [sections["1.2"], None, sections["1.2"], 999_999])
    assert [(s.id, s.title, s.level, s.parent_id) for s in found] == [
        (sections["1.2"], "1.2 Deposit", 2, sections["1"])
    ]


def test_a_section_path_that_loops_is_cut_short(store: Store) -> None:
    _, sections, chunks = _outline(store)
    with store.transaction() as conn:  # a damaged tree: 1 is the child of its own child
        conn.execute(
            "UPDATE sections SET parent_id = ? WHERE id = ?", (sections["1.1"], sections["1"])
        )
    path = section_paths(store, [chunks[1]])[chunks[1]]
    assert len(path) == 12
    assert path[-1].number == "1.1"


def test_a_section_path_stops_at_a_parent_of_another_document(store: Store) -> None:
    _, sections, chunks = _outline(store)
    other = store.save_document(
        path="/docs/other.txt",
        name="other.txt",
        kind="text",
        content_hash="o",
        size=1,
        mtime=0.0,
        pages=None,
        sections=[SectionDraft(0, None, "9", "9 Elsewhere", 1, None)],
        chunks=[ChunkDraft(0, None, "Elsewhere.", 2, section=0)],
    )
    (elsewhere,) = sections_of(store, other)
    with store.transaction() as conn:
        conn.execute(
            "UPDATE sections SET parent_id = ? WHERE id = ?", (elsewhere.id, sections["1"])
        )
    assert [s.number for s in section_paths(store, [chunks[2]])[chunks[2]]] == ["1", "1.2"]


def test_notes_from_chunks_are_fresh_notes_of_one_kind(store: Store) -> None:
    _, _, (intro, rent, deposit) = _outline(store)
    _sourced_note(store, "definition", "Rent: paid monthly.", [rent, intro])
    _sourced_note(store, "definition", "Old definition.", [rent], stale=1)
    _sourced_note(store, "fact", "Rent is 900 euros.", [rent])
    _sourced_note(store, "definition", "Deposit: held against damage.", [deposit])
    assert notes_from_chunks(store, "definition", [rent, intro]) == ["Rent: paid monthly."]
    assert notes_from_chunks(store, "definition", [deposit, rent]) == [
        "Rent: paid monthly.",
        "Deposit: held against damage.",
    ]  # by note, once each
    assert notes_from_chunks(store, "definition", []) == []


def test_references_from_a_section_are_those_of_its_own_chunks(store: Store) -> None:
    _, sections, (_, rent, deposit) = _outline(store)
    to_deposit = _sourced_note(
        store, "reference", "Rent refers to 1.2.", [rent], key=str(sections["1.2"])
    )
    _sourced_note(store, "reference", "Stale.", [rent], stale=1, key=str(sections["1.2"]))
    _sourced_note(store, "fact", "Rent is 900 euros.", [rent])
    _sourced_note(store, "reference", "From the deposit.", [deposit], key=str(sections["1.1"]))
    (found,) = references_from(store, sections["1.1"])
    assert (found.id, found.text, found.key, found.answer) == (
        to_deposit,
        "Rent refers to 1.2.",
        str(sections["1.2"]),
        "",
    )
    assert references_from(store, sections["1"]) == []  # its subsections' chunks are not its own


def test_the_catalog_leaves_out_documents_in_error_and_without_chunks(store: Store) -> None:
    document_id, _, _ = _outline(store)
    store.record_error(path="/docs/broken.pdf", name="broken.pdf", kind="pdf", error="unreadable")
    assert [d.name for d in document_catalog(store)] == ["lease.txt"]
    store.set_document_state(document_id, "error", "gone")
    assert document_catalog(store) == []
    assert name_index(store).by_name == {}
