"""What `nocturne status` reports: documents, totals and tokens, read from a real library."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nocturne.engine.base import Usage
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.status_report import format_engines, format_status, library_status

from fakes.engine import FakeEngine
from pdf_maker import write_pdf


@pytest.fixture
def library(store: Store, settings: Settings, tmp_path: Path) -> Store:
    """Three documents: a two-page PDF, a note and an empty file that could not be added."""
    docs = tmp_path / "docs"
    docs.mkdir()
    write_pdf(docs / "lease.pdf", ["Page one: the rent is due on the third.", "Page two: pets."])
    (docs / "notes.md").write_text("The boiler is serviced in May.")
    (docs / "empty.txt").write_bytes(b"")
    results = list(add_paths(store, [docs], settings, FakeEngine()))
    assert sorted(r.status for r in results) == ["added", "added", "error"]
    return store


def test_an_empty_library(store: Store, settings: Settings, home: Path) -> None:
    report = library_status(store, settings)
    assert report["data_dir"] == str(home)
    assert report["documents"] == []
    assert report["totals"] == {
        "documents": 0,
        "ready": 0,
        "errors": 0,
        "changed": 0,
        "missing": 0,
        "chunks": 0,
        "tokens": 0,
        "model_calls": 0,
        "tokens_by_purpose": {},
    }
    lines = format_status(report).splitlines()
    assert lines[:3] == [
        f"Library: {home}",
        "  (empty — add documents with: nocturne add PATH...)",
        "Totals: 0 documents (0 with errors), 0 chunks, 0 tokens",
    ]
    assert not any(line.startswith("Model tokens spent") for line in lines)


def test_documents_and_totals(library: Store, settings: Settings) -> None:
    report = library_status(library, settings)
    documents = {d["name"]: d for d in report["documents"]}
    assert set(documents) == {"lease.pdf", "notes.md", "empty.txt"}
    lease, empty = documents["lease.pdf"], documents["empty.txt"]
    assert (lease["pages"], lease["chunks"], lease["state"], lease["error"]) == (
        2,
        2,
        "queued",
        None,
    )
    assert lease["path"].endswith("/docs/lease.pdf") and lease["tokens"] > 0
    assert (empty["state"], empty["error"], empty["chunks"]) == ("error", "the file is empty", 0)
    totals = report["totals"]
    assert (totals["documents"], totals["errors"], totals["ready"]) == (3, 1, 0)
    assert totals["chunks"] == 3
    assert totals["tokens"] == sum(d["tokens"] for d in documents.values())


def test_tokens_spent_are_added_up_by_purpose(library: Store, settings: Settings) -> None:
    for purpose, prompt, completion in (
        ("digest:summary", 100, 20),
        ("answer:raw", 7, 3),
        ("digest:summary", 1, 1),
    ):
        library.log_model_call(
            purpose=purpose,
            model_id="fake",
            usage=Usage(prompt_tokens=prompt, completion_tokens=completion),
            seconds=0.5,
        )
    report = library_status(library, settings)
    assert report["totals"]["model_calls"] == 3
    assert report["totals"]["tokens_by_purpose"] == {"digest:summary": 122, "answer:raw": 10}
    assert "Model tokens spent: answer:raw 10, digest:summary 122" in format_status(report)


def _with_documents(report: dict[str, Any], documents: list[dict[str, Any]]) -> dict[str, Any]:
    totals = {
        **report["totals"],
        "documents": len(documents),
        "errors": sum(d["state"] == "error" for d in documents),
        "chunks": sum(d["chunks"] for d in documents),
        "tokens": sum(d["tokens"] for d in documents),
    }
    return {**report, "documents": documents, "totals": totals}


def test_each_document_is_one_line_with_counts_or_its_error(
    store: Store, settings: Settings
) -> None:
    documents: list[dict[str, Any]] = [
        {"name": "book.pdf", "pages": 312, "chunks": 1, "tokens": 12_345, "state": "ready"},
        {"name": "a.md", "pages": None, "chunks": 2, "tokens": 1, "state": "queued"},
        {"name": "b.txt", "pages": None, "chunks": 0, "tokens": 0, "state": "error"},
    ]
    for document, error in zip(documents, (None, None, "the file is empty"), strict=True):
        document["error"] = error
    lines = format_status(_with_documents(library_status(store, settings), documents)).splitlines()
    assert lines[1:5] == [
        "  ready     book.pdf  (312 p., 1 chunk, 12,345 tokens)",
        "  queued    a.md  (2 chunks, 1 token)",
        "  error     b.txt  (the file is empty)",
        "Totals: 3 documents (1 with errors), 3 chunks, 12,346 tokens",
    ]


def test_the_report_goes_on_with_digest_answers_and_schedule(
    store: Store, settings: Settings
) -> None:
    text = format_status(library_status(store, settings))
    sections = text.split("\n\n")
    assert sections[1].startswith("Digest (medium): ")
    assert sections[1].splitlines()[1].startswith("  whole library: ")
    assert sections[2].startswith("Answers: ")
    assert sections[3].startswith("Nightly window: ")


def test_format_engines_names_the_digest_engine_then_the_answer_engine(
    settings: Settings,
) -> None:
    lines = format_engines(settings)
    assert [line.split(":", 1)[0] for line in lines] == ["digest", "answer"]


def test_a_file_edited_or_deleted_since_it_was_read_is_said_with_its_document(
    library: Store, settings: Settings, tmp_path: Path
) -> None:
    before = library_status(library, settings)
    assert {d["name"]: d["file"] for d in before["documents"]} == {
        "lease.pdf": "same",
        "notes.md": "same",
        "empty.txt": "same",  # never read: nothing read is out of date
    }
    (tmp_path / "docs" / "notes.md").write_text("The boiler is serviced in June, not May.")
    (tmp_path / "docs" / "lease.pdf").unlink()
    report = library_status(library, settings)
    files = {d["name"]: d["file"] for d in report["documents"]}
    assert files == {"lease.pdf": "missing", "notes.md": "changed", "empty.txt": "same"}
    assert (report["totals"]["changed"], report["totals"]["missing"]) == (1, 1)
    lines = format_status(report).splitlines()
    assert lines[1:5] == [
        "  error     empty.txt  (the file is empty)",
        "  queued    lease.pdf  (2 p., 2 chunks, "
        f"{report['documents'][1]['tokens']} tokens) — file missing",
        "  queued    notes.md  (1 chunk, "
        f"{report['documents'][2]['tokens']} tokens) — changed since read: run `nocturne add` "
        "again",
        "Totals: 3 documents (1 with errors, 1 changed since read, 1 missing), 3 chunks, "
        f"{report['totals']['tokens']} tokens",
    ]


def test_a_damaged_search_index_is_said_as_a_question_would_meet_it(
    library: Store, settings: Settings, home: Path
) -> None:
    from nocturne.errors import StoreError

    from support import damage_pages_of

    library.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    library.close()
    damage_pages_of(home / "library.sqlite3", "chunks_fts_data")
    with Store.open() as damaged, pytest.raises(StoreError) as raised:
        library_status(damaged, settings)
    assert raised.value.condition == "damaged"
    assert str(raised.value) == (
        f"the library database {home / 'library.sqlite3'} is damaged (vtable constructor "
        "failed: chunks_fts); your documents themselves are not affected"
    )
