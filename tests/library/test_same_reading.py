"""reads_as_stored: a document read again is kept only when every chunk, section and the title
read as stored."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from nocturne.library.ingest import Candidate, Prepared, _chunk, _prepare, add_paths
from nocturne.library.same_reading import reads_as_stored
from nocturne.library.store import Store
from nocturne.settings import Settings

from fakes.engine import FakeEngine

MANUAL = "# Manual\n\n## Setup\n\nPlug it in.\n\n## Care\n\nWipe it dry after use.\n"


def test_only_the_very_same_reading_is_the_same(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "manual.md"
    path.write_text(MANUAL)
    list(add_paths(store, [path], settings, FakeEngine()))
    document = store.documents()[0]
    prepared = _prepare(store, Candidate(path, True), settings, reread=True)
    assert isinstance(prepared, Prepared)
    chunked = _chunk(prepared, settings, FakeEngine())
    chunks, sections, title = chunked.chunks, chunked.sections, chunked.title
    assert reads_as_stored(store, document, chunks, sections, title)
    assert not reads_as_stored(store, document, chunks, sections, "Another title")
    other_text = [replace(chunks[0], text=chunks[0].text + " Now."), *chunks[1:]]
    assert not reads_as_stored(store, document, other_text, sections, title)
    other_page = [replace(chunks[0], page=7), *chunks[1:]]
    assert not reads_as_stored(store, document, other_page, sections, title)
    renamed = [*sections[:-1], replace(sections[-1], title="Cleaning")]
    assert not reads_as_stored(store, document, chunks, renamed, title)
    assert not reads_as_stored(store, document, chunks[:-1], sections, title)
    assert not reads_as_stored(store, document, chunks, sections[:-1], title)
