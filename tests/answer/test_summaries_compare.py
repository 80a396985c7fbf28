"""Section and document summaries made of whole sentences, the "not digested yet" answer, and
comparisons of two named documents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nocturne.answer.query import analyse
from nocturne.answer.summaries import is_comparison, is_summary
from nocturne.library.sentences import split_sentences
from nocturne.library.store import Store
from nocturne.settings import Settings

from .test_structure_answers import MANUAL, ask, digest, ingest

SECTION_4_3 = MANUAL.split("### 4.3 The frobnicate script\n\n", 1)[1].split("\n\n###", 1)[0]


@pytest.fixture
def docs(store: Store, settings: Settings, tmp_path: Path) -> dict[str, int]:
    return ingest(store, settings, tmp_path / "docs")


def whole_sentences(text: str) -> list[str]:
    sentences = split_sentences(text)
    assert all(re.search(r"[.!?]$", s) for s in sentences), sentences
    return sentences


@pytest.mark.parametrize("budget", [None, "low", "medium"])
def test_a_section_summary_is_whole_sentences_of_that_section(
    store: Store, settings: Settings, docs: dict[str, int], budget: str | None
) -> None:
    if budget:
        digest(store, budget)
    answer = ask(store, settings, "Summarise the frobnicate script in the Frobtool manual.")
    assert answer.extra["route"] == "summary:section", answer.answer
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
    assert answer.extra["route"] == "summary:pending", answer.answer
    assert "has not been digested" in answer.answer
    assert answer.confidence == "low"
    assert answer.citations == []
    digest(store, "medium")
    answer = ask(store, settings, "Summarise the boiler notes.")
    assert answer.extra["route"] == "summary:document", answer.answer
    assert answer.answer.startswith("Summary of boiler-notes: The boiler in the cellar")
    assert len(whole_sentences(answer.answer.removeprefix("Summary of boiler-notes: "))) >= 2
    assert [c.document for c in answer.citations] == ["boiler-notes.txt"]


FOR_QUESTION = "What is the Gizmo FAQ for, in a sentence or two?"


def test_what_a_titled_document_is_for_uses_the_document_summary(
    store: Store, settings: Settings, docs: dict[str, int]
) -> None:
    assert is_summary(analyse(store, FOR_QUESTION))
    answer = ask(store, settings, FOR_QUESTION)
    assert answer.extra["route"] == "summary:pending", answer.answer  # actual: summary:section
    assert "has not been digested" in answer.answer and answer.confidence == "low"
    digest(store, "medium")
    answer = ask(store, settings, FOR_QUESTION)
    assert answer.extra["route"] == "summary:document", answer.answer
    assert answer.answer.startswith("Summary of Gizmo FAQ: ")


def test_what_notes_are_for(store: Store, settings: Settings, docs: dict[str, int]) -> None:
    answer = ask(store, settings, "What are the boiler notes for, in a sentence or two?")
    assert answer.extra["route"] == "summary:pending", answer.answer  # actual: abstain


COMPARE = "Do the Frobtool manual and the Gizmo FAQ agree on where bugs are reported?"


@pytest.mark.parametrize("budget", [None, "low"])
def test_a_comparison_quotes_and_cites_both_documents(
    store: Store, settings: Settings, docs: dict[str, int], budget: str | None
) -> None:
    if budget:
        digest(store, budget)
    query = analyse(store, COMPARE)
    assert is_comparison(query)
    answer = ask(store, settings, COMPARE)
    assert answer.extra["route"] == "compare", answer.answer
    lines = answer.answer.splitlines()
    assert lines == [
        "frobtool-manual.md: “Bugs are reported on the project's mailing list.”",
        "gizmo-faq.md: “Bugs are reported on the project's issue tracker.”",
    ]
    assert {c.document for c in answer.citations} == {"frobtool-manual.md", "gizmo-faq.md"}
    assert answer.confidence == "medium"
    assert sorted(answer.extra["document_ids"]) == sorted(
        [docs["frobtool-manual.md"], docs["gizmo-faq.md"]]
    )


def test_what_is_and_is_not_a_summary_or_comparison(store: Store, docs: dict[str, int]) -> None:
    assert is_summary(analyse(store, "Summarise the frobnicate script in the Frobtool manual."))
    assert not is_summary(analyse(store, "How long does the Frobtool manual keep report files?"))
    assert not is_summary(analyse(store, "Summarise the frobnicate script."))  # no document named
    assert not is_comparison(analyse(store, "Where are bugs reported in the Gizmo FAQ?"))
