"""Comparisons of two named documents: each one's best sentence on what was asked, or what each
is for, the topics both cover and what only one covers; always citing both."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nocturne.answer.comparisons import _terms, answer_comparison, is_comparison, own_words
from nocturne.answer.query import Query, analyse
from nocturne.answer.text_match import IdfTable
from nocturne.library.names import NamedDocuments
from nocturne.library.store import Store
from nocturne.settings import Settings

from .test_structure_answers import ask, digest, ingest


@pytest.fixture
def docs(store: Store, settings: Settings, tmp_path: Path) -> dict[str, int]:
    return ingest(store, settings, tmp_path / "docs")


SOURCE_MARK = re.compile(r"\s*\[[^\]]*\]")
ESPRESSO = """# Espresso manual

## Cleaning

Rinse the water tank every week with warm water. Descale the machine every two months.

## Safety

Never open the boiler while the machine is hot. Keep children away from the steam wand.
"""
GARDEN = """# Garden handbook

## Cleaning

Sweep the paths every Saturday before the market opens. Tools are cleaned and dried after use.

## Plots

Each member rents one plot for a year. Plots are assigned by the committee in March.
"""
MIRRORS = """# Mirror guide

## Downloads

There are two ways to check a download:

- Compare its checksum with the published one.
- Verify its GPG signature with the project key.

## Fees

Mirrors pay no fees to the project. Each mirror is run by volunteers.
"""
UPLOADS = """# Upload rules

## Signing

Every upload must be signed with a GPG key of a maintainer. Unsigned uploads are rejected at once.

## Queue

The queue is processed four times a day by the archive software.
"""


@pytest.fixture
def handbooks(store: Store, settings: Settings, tmp_path: Path) -> dict[str, int]:
    return ingest(
        store,
        settings,
        tmp_path / "handbooks",
        {
            "espresso-manual.md": ESPRESSO,
            "garden-handbook.md": GARDEN,
            "mirror-guide.md": MIRRORS,
            "upload-rules.md": UPLOADS,
        },
    )


def compared(store: Store, question: str) -> str | None:
    found = answer_comparison(store, analyse(store, question), True, IdfTable(store))
    return None if found is None else found[0].text


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
    assert answer.route == "compare", answer.answer
    lines = [SOURCE_MARK.sub("", line) for line in answer.answer.splitlines()]
    assert lines == [
        "frobtool-manual.md: “Bugs are reported on the project's mailing list.”",
        "gizmo-faq.md: “Bugs are reported on the project's issue tracker.”",
    ]
    assert {c.document for c in answer.citations} == {"frobtool-manual.md", "gizmo-faq.md"}
    assert answer.confidence == "medium"
    assert sorted(list(answer.document_ids)) == sorted(
        [docs["frobtool-manual.md"], docs["gizmo-faq.md"]]
    )


def test_compare_two_documents_says_what_each_is_for_and_cites_both(
    store: Store, settings: Settings, docs: dict[str, int]
) -> None:
    digest(store, "medium")
    answer = ask(store, settings, "Compare the Frobtool manual and the Gizmo FAQ")
    assert answer.route == "compare", answer.answer
    lines = answer.answer.splitlines()
    # What each is for: the first sentence of the summary the digest wrote, else a quote.
    for line, name in zip(lines, ("frobtool-manual.md", "gizmo-faq.md"), strict=False):
        summary = store.scalar(
            "SELECT n.text FROM notes n JOIN documents d ON d.id = n.document_id "
            "WHERE d.name = ? AND n.kind = 'document_summary' AND n.stale = 0",
            (name,),
        )
        assert line.startswith(f"{name}: "), lines
        said = line[len(name) + 2 :]
        assert (summary and summary.startswith(said)) or said.startswith("“"), (said, summary)
    assert any(line.startswith("Only frobtool-manual.md covers: ") for line in lines), lines
    assert {c.document for c in answer.citations} == {"frobtool-manual.md", "gizmo-faq.md"}
    assert "#" not in answer.answer


def test_what_each_document_says_is_searched_with_its_own_words(
    store: Store, docs: dict[str, int]
) -> None:
    query = analyse(
        store,
        "Which word do both the Frobtool manual (for reports) and the Gizmo FAQ (for bugs) use?",
    )
    own = own_words(store, query)
    assert own[docs["frobtool-manual.md"]] == {"report"}
    assert own[docs["gizmo-faq.md"]] == {"bug"}


def test_a_question_about_one_document_or_without_a_comparing_word_is_no_comparison(
    store: Store, docs: dict[str, int]
) -> None:
    assert not is_comparison(analyse(store, "Where are bugs reported in the Gizmo FAQ?"))

    def named(text: str, *document_ids: int) -> Query:
        return Query(text, text, frozenset(), NamedDocuments(document_ids, frozenset()), None)

    assert is_comparison(named("Do X and Y both say it?", 1, 2))
    assert not is_comparison(named("What do X and Y say?", 1, 2))  # nothing compares them
    assert not is_comparison(named("Do X, Y and Z all agree?", 1, 2, 3))  # two documents only
    assert compared(store, "Where are bugs reported in the Gizmo FAQ?") is None


def test_two_documents_are_compared_by_the_topics_both_cover_and_those_only_one_does(
    store: Store, handbooks: dict[str, int]
) -> None:
    text = compared(store, "Compare the espresso manual and the garden handbook")
    assert text is not None
    assert text.splitlines() == [
        "espresso-manual.md: “Rinse the water tank every week with warm water.” [Cleaning]",
        "garden-handbook.md: “Sweep the paths every Saturday before the market opens.” [Cleaning]",
        "Both cover Cleaning / Cleaning: espresso-manual.md says “Rinse the water tank every "
        "week with warm water.” [Cleaning]; garden-handbook.md says “Sweep the paths every "
        "Saturday before the market opens.” [Cleaning].",
        "Only espresso-manual.md covers: Safety.",
        "Only garden-handbook.md covers: Plots.",
    ]


def test_documents_without_a_shared_section_title_say_so(
    store: Store, handbooks: dict[str, int]
) -> None:
    text = compared(store, "Compare the espresso manual and the mirror guide")
    assert text is not None
    lines = text.splitlines()
    assert "They have no section topic in common." in lines
    assert lines[-2:] == [
        "Only espresso-manual.md covers: Cleaning, Safety.",
        "Only mirror-guide.md covers: Downloads, Fees.",
    ]


def test_what_both_rely_on_quotes_a_list_opener_with_its_items_and_cites_both(
    store: Store, handbooks: dict[str, int]
) -> None:
    query = analyse(
        store,
        "Which tool do both the mirror guide (for checking downloads) and the upload rules "
        "(for signing uploads) rely on?",
    )
    found = answer_comparison(store, query, True, IdfTable(store))
    assert found is not None
    answer, evidence = found
    assert answer.route == "compare"
    by_document = {ev.source.document_name: ev.text for ev in evidence}
    assert by_document["upload-rules.md"] == (
        "Every upload must be signed with a GPG key of a maintainer."
    )
    # The sentence that opens a list ends in ":", so its items are quoted with it.
    mirrors = by_document["mirror-guide.md"]
    assert mirrors.startswith("There are two ways to check a download: Compare its checksum")
    assert "Verify its GPG signature with the project key." in mirrors
    assert {s.document_name for s in answer.sources} == {"mirror-guide.md", "upload-rules.md"}


def test_terms_two_documents_can_agree_on_are_numbers_names_and_codes() -> None:
    assert _terms("Press Ctrl+C to stop; GPG signs it in 8 seconds.") == {
        "press",
        "ctrl+c",
        "gpg",
        "8",
    }
    assert _terms("the tank holds water") == set()  # ordinary words are no terms
    # A shouted disclaimer agrees with nothing.
    assert _terms("BECAUSE THE PROGRAM IS LICENSED FREE OF CHARGE, THERE IS NO WARRANTY.") == set()
