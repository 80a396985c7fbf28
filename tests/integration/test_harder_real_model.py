"""Think harder with the real bundled model: it reads passages one by one, never the raw pages (the
bundled model is no large model), quotes more evidence, says what it did, and still abstains."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nocturne.answer.ask import answer_question
from nocturne.answer.harder import is_large_model
from nocturne.engine.logged import LoggedEngine
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.settings import Settings

pytestmark = pytest.mark.integration

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, real_engine: Any) -> Iterator[Store]:
    """Two samples, added but not digested: Think harder works over raw sentences too."""
    root = tmp_path_factory.mktemp("harder")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NOCTURNE_HOME", str(root / "home"))  # never the real data folder
        store = Store.open(root / "library.sqlite3")
        paths = [SAMPLES / "lisbon-trip-notes.txt", SAMPLES / "espresso-machine-manual.md"]
        results = list(add_paths(store, paths, Settings(), real_engine))
        assert [r.status for r in results] == ["added", "added"], [r.line() for r in results]
    yield store
    store.close()


def purposes(store: Store) -> list[str]:
    return [str(row[0]) for row in store.query("SELECT purpose FROM model_calls ORDER BY id")]


def test_the_bundled_model_thinks_harder_without_raw_reading(
    library: Store, settings: Settings, real_engine: Any
) -> None:
    assert not is_large_model(real_engine, settings)
    engine = LoggedEngine(real_engine, library)
    before = len(purposes(library))
    answer = answer_question(
        library, engine, "When does the return flight leave Lisbon?", settings, harder=True
    )
    calls = purposes(library)[before:]
    assert calls and set(calls) == {"answer:harder"}, calls
    assert answer.mode == "learned" and not answer.abstained
    assert "18:40" in answer.answer, answer.answer
    assert answer.extra["note"].startswith("Thought harder:")
    assert [c.document for c in answer.citations][:1] == ["lisbon-trip-notes.txt"]
    assert answer.timing.total_s < 60


def test_think_harder_still_abstains(library: Store, settings: Settings, real_engine: Any) -> None:
    answer = answer_question(
        library, real_engine, "What is the Wi-Fi password of the flat?", settings, harder=True
    )
    assert answer.abstained, answer.answer
