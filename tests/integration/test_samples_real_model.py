"""Summaries and comparisons end to end with the real bundled model: the sample documents are
added and digested at budget medium (which writes section and document summaries), then a
summary of the lease and a comparison of two samples are asked for."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nocturne.answer.ask import answer_question
from nocturne.library.ingest import add_paths
from nocturne.library.sentences import split_sentences
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime.runner import DigestRunner

pytestmark = pytest.mark.integration

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"
USED = ("lease-agreement.pdf", "espresso-machine-manual.md", "community-garden-handbook.html")
SOURCE_MARK = re.compile(r"\s*\[[^\]]*\]")


@pytest.fixture(scope="module")
def digested(tmp_path_factory: pytest.TempPathFactory, real_engine: Any) -> Iterator[Store]:
    root = tmp_path_factory.mktemp("summaries")
    folder = root / "docs"
    folder.mkdir()
    for name in USED:  # only the documents asked about: the digest is what takes the time
        shutil.copy(SAMPLES / name, folder / name)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NOCTURNE_HOME", str(root / "home"))  # never the real data folder
        store = Store.open(root / "library.sqlite3")
        results = list(add_paths(store, [folder], Settings(), real_engine))
        assert all(r.status == "added" for r in results), [r.line() for r in results]
        result = DigestRunner(store, real_engine, "medium").run()
        assert result.reason == "done" and result.done == result.total
    yield store
    store.close()


def test_the_lease_summary_is_whole_sourced_sentences(
    digested: Store, settings: Settings, real_engine: Any
) -> None:
    answer = answer_question(
        digested, real_engine, "Summarize the lease", settings, use_kv_cache=False
    )
    assert answer.extra["route"] == "summary:document", answer.answer
    body = answer.answer.split(": ", 1)[1]
    sentences = split_sentences(SOURCE_MARK.sub("", body))
    assert len(sentences) >= 3, sentences
    assert all(re.search(r"[.!?]$", s) for s in sentences), sentences
    assert "…" not in answer.answer and "#" not in answer.answer
    assert {c.document for c in answer.citations} == {"lease-agreement.pdf"}


def test_a_comparison_cites_both_documents(
    digested: Store, settings: Settings, real_engine: Any
) -> None:
    answer = answer_question(
        digested,
        real_engine,
        "Compare the espresso machine manual and the garden handbook",
        settings,
        use_kv_cache=False,
    )
    assert answer.extra["route"] == "compare", answer.answer
    assert {c.document for c in answer.citations} == {
        "espresso-machine-manual.md",
        "community-garden-handbook.html",
    }, answer.answer
    assert "espresso-machine-manual.md" in answer.answer
    assert "community-garden-handbook.html" in answer.answer
    assert "#" not in answer.answer
