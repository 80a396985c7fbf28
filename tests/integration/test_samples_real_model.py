"""The sample documents end to end with the real bundled model: added, digested at budget medium
(which writes section and document summaries), then asked what a new user asks — each answer
correct, readable (no cut phrase, no filler, no Markdown) and citing the right document."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nocturne.answer.ask import answer_question
from nocturne.answer.bench import is_cut, short_part
from nocturne.answer.raw import NOT_FOUND
from nocturne.library.ingest import add_paths
from nocturne.library.sentences import split_sentences
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime.runner import DigestRunner

pytestmark = pytest.mark.integration

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"
USED = (
    "lease-agreement.pdf",
    "espresso-machine-manual.md",
    "community-garden-handbook.html",
    "lisbon-trip-notes.txt",
)
SOURCE_MARK = re.compile(r"\s*\[[^\]]*\]")


@pytest.fixture(scope="module")
def digested(tmp_path_factory: pytest.TempPathFactory, real_engine: Any) -> Iterator[Store]:
    root = tmp_path_factory.mktemp("samples")
    folder = root / "docs"
    folder.mkdir()
    for name in USED:
        shutil.copy(SAMPLES / name, folder / name)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NOCTURNE_HOME", str(root / "home"))  # never the real data folder
        store = Store.open(root / "library.sqlite3")
        # The digest is what takes the time: budget medium (which writes document summaries)
        # for the lease that is summarised, budget low (structure, facts, questions) for the
        # rest — about a tenth of a medium digest of all four.
        lease = [folder / "lease-agreement.pdf"]
        for paths, budget in ((lease, "medium"), ([folder], "low")):
            results = list(add_paths(store, paths, Settings(), real_engine))
            assert all(r.status in ("added", "unchanged") for r in results), [
                r.line() for r in results
            ]
            result = DigestRunner(store, real_engine, budget).run()
            assert result.reason == "done" and result.done == result.total
    yield store
    store.close()


def test_the_lease_summary_is_whole_sourced_sentences(
    digested: Store, settings: Settings, real_engine: Any
) -> None:
    answer = answer_question(
        digested, real_engine, "Summarize the lease", settings, use_kv_cache=False
    )
    assert answer.route == "summary:document", answer.answer
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
    assert answer.route == "compare", answer.answer
    assert {c.document for c in answer.citations} == {
        "espresso-machine-manual.md",
        "community-garden-handbook.html",
    }, answer.answer
    assert "espresso-machine-manual.md" in answer.answer
    assert "community-garden-handbook.html" in answer.answer
    assert "#" not in answer.answer


@pytest.mark.parametrize(
    ("question", "document", "expected"),
    [
        ("What is the deposit?", "lease-agreement.pdf", ("2,500 euros",)),
        # The end of the lease is its start and its term: both pieces, from the lease.
        ("When does the lease end?", "lease-agreement.pdf", ("1 October 2026", "12 months")),
        ("When is the return flight from Lisbon?", "lisbon-trip-notes.txt", ("TP 672", "18:40")),
        ("How much water does the tank hold?", "espresso-machine-manual.md", ("1.8 litres",)),
    ],
)
def test_the_samples_are_answered_correctly_and_readably(
    digested: Store,
    settings: Settings,
    real_engine: Any,
    question: str,
    document: str,
    expected: tuple[str, ...],
) -> None:
    answer = answer_question(digested, real_engine, question, settings, use_kv_cache=False)
    assert not answer.abstained, answer.answer
    for part in expected:
        assert part in answer.answer, answer.answer
    assert answer.citations[0].document == document, answer.answer
    short = short_part(answer.answer)
    assert not is_cut(short, answer.answer), answer.answer
    for filler in ("the answer", "#", "(not supported"):
        assert filler not in answer.answer.lower(), answer.answer


def test_what_the_documents_do_not_say_is_said_plainly(
    digested: Store, settings: Settings, real_engine: Any
) -> None:
    answer = answer_question(
        digested, real_engine, "What is the Wi-Fi password?", settings, use_kv_cache=False
    )
    assert answer.abstained and answer.answer.startswith(NOT_FOUND), answer.answer
