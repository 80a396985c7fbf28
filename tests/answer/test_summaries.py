"""Section and document summaries made of whole sentences, and the "not digested yet" answer
(comparisons of two named documents are in test_comparisons.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nocturne.answer.query import analyse
from nocturne.answer.retrieval import retrieve
from nocturne.answer.summaries import answer_summary, document_name, is_summary
from nocturne.library.sentences import split_sentences
from nocturne.library.store import Store
from nocturne.settings import Settings

from .test_structure_answers import MANUAL, ask, digest, ingest

SECTION_4_3 = MANUAL.split("### 4.3 The frobnicate script\n\n", 1)[1].split("\n\n###", 1)[0]


@pytest.fixture
def docs(store: Store, settings: Settings, tmp_path: Path) -> dict[str, int]:
    return ingest(store, settings, tmp_path / "docs")


SOURCE_MARK = re.compile(r"\s*\[[^\]]*\]")


def whole_sentences(text: str) -> list[str]:
    """The answer's sentences without their "[section, p. N]" source marks, all whole."""
    sentences = split_sentences(SOURCE_MARK.sub("", text))
    assert all(re.search(r"[.!?]$", s) for s in sentences), sentences
    return sentences


@pytest.mark.parametrize("budget", [None, "low", "medium"])
def test_a_section_summary_is_whole_sentences_of_that_section(
    store: Store, settings: Settings, docs: dict[str, int], budget: str | None
) -> None:
    if budget:
        digest(store, budget)
    answer = ask(store, settings, "Summarise the frobnicate script in the Frobtool manual.")
    assert answer.route == "summary:section", answer.answer
    prefix = "Summary of 4.3 The frobnicate script: "
    assert answer.answer.startswith(prefix), answer.answer
    sentences = whole_sentences(answer.answer.removeprefix(prefix))
    assert len(sentences) >= 2
    own = " ".join(SECTION_4_3.split())
    assert all(s in own for s in sentences), sentences
    assert answer.confidence == "medium"
    assert {c.section for c in answer.citations} == {"4.3 The frobnicate script"}


def test_a_document_summary_before_a_medium_digest_says_it_is_pending(
    store: Store, settings: Settings, docs: dict[str, int]
) -> None:
    digest(store, "low")  # no summaries at the low budget
    answer = ask(store, settings, "Summarise the boiler notes.")
    assert answer.route == "summary:pending", answer.answer
    assert answer.savings.tokens == 0 and answer.baseline == answer.usage  # nothing saved
    assert "has not been digested far enough for a summary" in answer.answer
    assert answer.confidence == "low"
    assert answer.citations == []
    digest(store, "medium")
    answer = ask(store, settings, "Summarise the boiler notes.")
    assert answer.route == "summary:document", answer.answer
    assert answer.answer.startswith("Summary of boiler-notes: "), answer.answer
    assert len(whole_sentences(answer.answer.removeprefix("Summary of boiler-notes: "))) >= 2
    assert [c.document for c in answer.citations] == ["boiler-notes.txt"]


FOR_QUESTION = "What is the Gizmo FAQ for, in a sentence or two?"


def test_what_a_titled_document_is_for_uses_the_document_summary(
    store: Store, settings: Settings, docs: dict[str, int]
) -> None:
    assert is_summary(analyse(store, FOR_QUESTION))
    answer = ask(store, settings, FOR_QUESTION)
    assert answer.route == "summary:pending", answer.answer  # actual: summary:section
    assert "has not been digested" in answer.answer and answer.confidence == "low"
    digest(store, "medium")
    answer = ask(store, settings, FOR_QUESTION)
    assert answer.route == "summary:document", answer.answer
    assert answer.answer.startswith("Summary of Gizmo FAQ: ")


def test_what_notes_are_for(store: Store, settings: Settings, docs: dict[str, int]) -> None:
    answer = ask(store, settings, "What are the boiler notes for, in a sentence or two?")
    assert answer.route == "summary:pending", answer.answer  # actual: abstain


def test_what_is_and_is_not_a_summary(store: Store, docs: dict[str, int]) -> None:
    assert is_summary(analyse(store, "Summarise the frobnicate script in the Frobtool manual."))
    assert not is_summary(analyse(store, "How long does the Frobtool manual keep report files?"))
    assert not is_summary(analyse(store, "Summarise the frobnicate script."))  # no document named


LEASE = """RESIDENTIAL LEASE

This lease is made on 1 May 2026 between Harbour Homes (the Landlord) and Ada Park (the Tenant).

1. Term. The lease starts on 1 June 2026 and runs for twelve months. It then continues until \
either party ends it.

2. Rent. The monthly rent is 900 euros, due on the first day of each month. Late rent costs a \
fee of 20 euros.

3. Deposit. The Tenant pays a deposit of 1,800 euros before moving in. The deposit is returned \
within 14 days after the lease ends.

4. Pets. Cats are allowed with written permission. Dogs are not allowed.
"""


def test_a_document_summary_covers_its_outline_in_whole_sourced_sentences(
    store: Store, settings: Settings, docs: dict[str, int]
) -> None:
    digest(store, "medium")
    answer = ask(store, settings, "Give me an overview of the Frobtool manual")
    assert answer.route == "summary:document", answer.answer
    text = answer.answer.removeprefix("Summary of Frobtool manual: ")
    sentences = whole_sentences(text)
    assert 3 <= len(sentences) <= 6, sentences
    assert "It has 3 main sections: Scripts, Output and Installation." in sentences
    assert "[4 Scripts]" in text and "[6 Output]" in text  # each part's sentence, sourced
    assert "#" not in answer.answer and "…" not in answer.answer
    assert {c.document for c in answer.citations} == {"frobtool-manual.md"}


def test_a_lease_is_summarised_by_its_clauses(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "lease"
    folder.mkdir()
    (folder / "lease.txt").write_text(LEASE, encoding="utf-8")
    from nocturne.library.ingest import add_paths

    from fakes.engine import FakeEngine

    list(add_paths(store, [folder], settings, FakeEngine()))
    digest(store, "medium")
    answer = ask(store, settings, "Summarize the lease")
    assert answer.route == "summary:document", answer.answer
    sentences = whole_sentences(answer.answer.split(": ", 1)[1])
    assert len(sentences) >= 3
    assert sentences[0].startswith("This lease is made on 1 May 2026"), sentences
    # The text loader may already see the clauses as sections; either way they are the outline.
    assert re.search(
        r"It has 4 (?:numbered clauses|main sections): Term, Rent, Deposit and Pets\.",
        answer.answer,
    ), answer.answer
    assert re.search(r"\[1\.? Term[^\]]*\]", answer.answer), answer.answer
    assert not any(s.strip(". ").upper() == s.strip(". ") for s in sentences)  # never the title


def test_without_the_digests_notes_a_summary_is_still_pending(
    store: Store, docs: dict[str, int]
) -> None:
    digest(store, "medium")
    query = analyse(store, "Summarise the boiler notes.")
    retrieval = retrieve(store, query.text, query=query)
    assert answer_summary(store, query, retrieval, use_notes=True).route == "summary:document"
    pending = answer_summary(store, query, retrieval, use_notes=False)
    assert (pending.route, pending.sources) == ("summary:pending", [])


def test_a_question_that_is_no_summary_gets_none(store: Store, docs: dict[str, int]) -> None:
    query = analyse(store, "How long does the Frobtool manual keep report files?")
    assert answer_summary(store, query, retrieve(store, query.text, query=query), True) is None


def test_a_document_is_named_by_its_title_else_its_file_name(
    store: Store, docs: dict[str, int]
) -> None:
    assert document_name(store, docs["frobtool-manual.md"]) == "Frobtool manual"
    assert document_name(store, docs["boiler-notes.txt"]) == "boiler-notes"
    assert document_name(store, 999) == "this document"
