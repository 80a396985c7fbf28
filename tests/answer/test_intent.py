"""Questions about whole documents ("summarize X", "compare X and Y", "what is this library
about?") and the digest's notes they are answered from."""

from __future__ import annotations

import pytest

from nocturne.answer.intent import (
    EMPTY_LIBRARY,
    NO_OVERVIEW,
    Intent,
    cross_document_notes,
    detect_intent,
    document_summary,
    find_document,
    library_brief_note,
    library_is_empty,
    library_overview,
)

from .conftest import Library


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Summarize Super Bowl 50", Intent("summary", ("Super Bowl 50",))),
        ("summarise the tesla document.", Intent("summary", ("tesla document",))),
        ("What is Nikola_Tesla.md about?", Intent("summary", ("Nikola_Tesla.md",))),
        ("Give me an overview of Warsaw", Intent("summary", ("Warsaw",))),
        ("Compare Warsaw and Tesla", Intent("compare", ("Warsaw", "Tesla"))),
        (
            "What is the difference between Warsaw and Paris?",
            Intent("compare", ("Warsaw", "Paris")),
        ),
        ("What is this library about?", Intent("library", ())),
        ("Summarize my documents", Intent("library", ())),
        ("How many points did the Panthers give up?", None),
        ("What is the Panthers' defense ranking?", None),
    ],
)
def test_detect_intent(question: str, intent: Intent | None) -> None:
    assert detect_intent(question) == intent


def test_find_document_by_name(library: Library) -> None:
    assert find_document(library.store, "Super Bowl 50") == library.documents["Super_Bowl_50.md"]
    assert find_document(library.store, "tesla") == library.documents["Nikola_Tesla.md"]
    assert find_document(library.store, "Warsaw") is None


def test_a_target_of_only_question_words_or_a_weak_match_finds_no_document(
    library: Library,
) -> None:
    assert find_document(library.store, "the what") is None  # no content words at all
    # One word of four names the document: below half of the target, no match.
    assert find_document(library.store, "Tesla coil radio patents") is None
    assert find_document(library.store, "Tesla patents") == library.documents["Nikola_Tesla.md"]


def test_the_latest_document_summary_else_the_first_section_summaries(library: Library) -> None:
    tesla, page = library.documents["Nikola_Tesla.md"], "Nikola_Tesla.md#1"
    assert document_summary(library.store, tesla) is None
    sections = [
        library.add_note(
            "section_summary", f"Part {n} of the life of Tesla.", ["Nikola_Tesla.md#1"]
        )
        for n in range(1, 6)
    ]
    assert document_summary(library.store, tesla) == (
        sections[0],
        " ".join(f"Part {n} of the life of Tesla." for n in range(1, 5)),  # four at most
    )
    library.add_note("document_summary", "An old summary.", [page])
    latest = library.add_note("document_summary", "Tesla, inventor.", [page])
    library.add_note("document_summary", "A stale summary.", [page], stale=1)
    assert document_summary(library.store, tesla) == (latest, "Tesla, inventor.")


def test_cross_document_notes_must_touch_every_document_asked_about(library: Library) -> None:
    both = library.add_note(
        "cross_document", "Both mention New York.", ["Super_Bowl_50.md#1", "Nikola_Tesla.md#1"]
    )
    library.add_note("cross_document", "Only football here.", ["Super_Bowl_50.md#1"])
    football = library.documents["Super_Bowl_50.md"]
    tesla = library.documents["Nikola_Tesla.md"]
    assert cross_document_notes(library.store, [football, tesla]) == [
        (both, "Both mention New York.")
    ]
    assert [text for _, text in cross_document_notes(library.store, [football])] == [
        "Both mention New York.",
        "Only football here.",
    ]
    assert cross_document_notes(library.store, []) == []


def test_the_library_brief_is_the_latest_fresh_one(library: Library) -> None:
    assert library_brief_note(library.store) is None
    library.add_note("library_brief", "An old brief.", ["Nikola_Tesla.md#1"])
    latest = library.add_note("library_brief", "Two documents.", ["Nikola_Tesla.md#1"])
    library.add_note("library_brief", "A stale brief.", ["Nikola_Tesla.md#1"], stale=1)
    assert library_brief_note(library.store) == (latest, "Two documents.")


@pytest.mark.parametrize(
    "question", ["Summarize all my documents", "Give me an overview of all the files"]
)
def test_the_whole_library_in_other_words(question: str) -> None:
    assert detect_intent(question) == Intent("library", ())


def test_without_a_brief_the_overview_lists_each_documents_summary(library: Library) -> None:
    assert library_overview(library.store) == (NO_OVERVIEW, [])  # nothing digested yet
    tesla = library.add_note("document_summary", "Tesla, inventor.", ["Nikola_Tesla.md#1"])
    text, note_ids = library_overview(library.store)
    assert note_ids == [tesla]
    assert "budget high" in text and "Nikola_Tesla.md: Tesla, inventor." in text
    assert "1 of its 2 documents" in text
    bowl = library.add_note("document_summary", "A football game.", ["Super_Bowl_50.md#1"])
    text, note_ids = library_overview(library.store)
    assert sorted(note_ids) == sorted([tesla, bowl]) and "each document's summary" in text
    brief = library.add_note("library_brief", "Two documents.", ["Nikola_Tesla.md#1"])
    assert library_overview(library.store) == ("Two documents.", [brief])


def test_an_empty_library_is_said_to_be_empty(store) -> None:  # type: ignore[no-untyped-def]
    assert library_is_empty(store)
    assert "nocturne add" in EMPTY_LIBRARY


def test_a_library_with_documents_is_not_empty(library: Library) -> None:
    assert not library_is_empty(library.store)
