"""A document or a section as its main parts, read from its outline, and the whole readable
sentences that summaries and comparisons may quote."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne.answer.document_parts import (
    Part,
    Sentence,
    is_intro_title,
    outline_of,
    plain_title,
    readable,
)
from nocturne.library.learned_notes import Source
from nocturne.library.store import Store
from nocturne.library.structure import sections_of
from nocturne.settings import Settings

from .conftest import Library
from .test_structure_answers import MANUAL, ingest

TRIP = (
    "Our trip to Lisbon in June.\n\n"
    "Flights: the outbound flight TP 669 leaves at 08:10 on Friday morning.\n\n"
    "Hotel: the hotel is near the river and has a pool for the guests.\n\n"
    "Dinner: a table is booked for eight people on Saturday evening.\n"
)
CLAUSES = (
    "Residential lease agreement between the Landlord and the Tenant.\n\n"
    "8. Use. The Premises are a private home for two people. 9. Pets. Small pets such as "
    "cats are allowed with the Landlord's permission. Dogs are not allowed. 10. Keys. "
    "The Tenant receives two keys and returns them at the end of the lease.\n"
)


@pytest.fixture
def docs(store: Store, settings: Settings, tmp_path: Path) -> dict[str, int]:
    return ingest(
        store,
        settings,
        tmp_path / "docs",
        {"frobtool-manual.md": MANUAL, "trip.txt": TRIP, "lease.txt": CLAUSES},
    )


def test_readable_sentences_exclude_navigation_contents_and_code() -> None:
    assert readable("The garden is open from 7:00 to 21:00 between April and September.")
    for line in (
        "Next: 4.2 Options | Up: 4 Using camlidl | Home",
        "Table of contents and the list of figures follow here.",
        "1 Overview .......... 3",
        ">>> while True: pass",
        "The rent is due on the 3rd day of the mon…",
        "The lease starts on",
        "GNU LESSER GENERAL PUBLIC LICENSE VERSION 2.1 FEBRUARY 1999.",
    ):
        assert not readable(line), line


def test_a_readable_sentence_is_whole_prose_of_five_to_fifty_five_words() -> None:
    assert readable("Cats are allowed with written permission.")
    assert not readable("Cats are allowed.")  # too short to stand on its own
    assert not readable(" ".join(["word"] * 56) + ".")
    assert not readable("Are cats allowed with written permission?")  # a question is no answer
    assert not readable("cats are allowed with written permission.")  # starts mid-sentence
    assert not readable("Cats are allowed with written permission")  # no full stop: cut short


def test_a_heading_as_a_list_item_loses_its_number_code_marks_and_colon() -> None:
    assert plain_title("4.3 The `frobnicate` script:") == "The frobnicate script"
    assert plain_title("A. Scope of this document.") == "Scope of this document"
    assert plain_title("  Rent  and   fees ") == "Rent and fees"


SOURCE = Source(1, 1, "lease.txt", "/docs/lease.txt", 1)
RENT = [
    "The rent covers the flat and its small garden.",
    "It is due on 1 May 2026 and then every month.",
    "Late rent costs a fee of 20 euros on 1 May 2026.",
]


def rent(*chosen: str) -> Part:
    sentences = [Sentence(text, SOURCE, "2. Rent, p. 1") for text in RENT]
    return Part("Rent", "2. Rent", sentences, set(chosen))


def test_the_key_sentence_is_the_lead_unless_one_the_digest_chose_has_more_facts() -> None:
    key = rent().key_sentence()
    assert key is not None and key.text == RENT[0]
    key = rent(RENT[2]).key_sentence()
    assert key is not None and key.text == RENT[2]


def test_the_key_sentence_skips_used_ones_and_avoids_a_dangling_pronoun() -> None:
    # Even chosen by the digest, "It is due …" says nothing out of context.
    key = rent(RENT[1]).key_sentence({RENT[0]})
    assert key is not None and key.text == RENT[2]
    assert rent().key_sentence(set(RENT)) is None


def test_a_document_with_sections_is_its_branches_below_the_title(
    store: Store, docs: dict[str, int]
) -> None:
    outline = outline_of(store, docs["frobtool-manual.md"], use_notes=True)
    assert (outline.kind, outline.title) == ("sections", "Frobtool manual")
    assert [(p.title, p.label) for p in outline.parts] == [
        ("Scripts", "4 Scripts"),
        ("Output", "6 Output"),
        ("Installation", "7 Installation"),
    ]
    # A part holds its subsections' sentences too, in reading order.
    scripts = [s.text for s in outline.parts[0].sentences]
    assert scripts.index("The frobnicate script rewrites every widget in a project.") < (
        scripts.index("The unfrob script undoes what frobnicate did.")
    )
    assert {s.source.document_name for s in outline.parts[0].sentences} == {"frobtool-manual.md"}


def test_a_section_is_its_subsections_or_else_its_own_text(
    store: Store, docs: dict[str, int]
) -> None:
    sections = {s.number: s for s in sections_of(store, docs["frobtool-manual.md"])}
    scripts = outline_of(store, docs["frobtool-manual.md"], True, sections["4"])
    assert scripts.kind == "sections"
    assert [p.label for p in scripts.parts] == [
        "4.3 The frobnicate script",
        "4.4 The unfrob script",
    ]
    assert [s.text for s in scripts.intro] == [
        "Each script reads its options from the command line."
    ]
    leaf = outline_of(store, docs["frobtool-manual.md"], True, sections["4.3"])
    assert leaf.kind == "text" and len(leaf.parts) == 1
    assert [s.text for s in leaf.parts[0].sentences] == [
        "The frobnicate script rewrites every widget in a project.",
        "It runs in three passes over the source tree.",
        "Its output is described in section 6.3.",
    ]


def test_labels_written_inline_are_the_parts_of_a_document_without_sections(
    store: Store, docs: dict[str, int]
) -> None:
    outline = outline_of(store, docs["trip.txt"], use_notes=True)
    assert outline.kind == "clauses"
    assert [s.text for s in outline.intro] == ["Our trip to Lisbon in June."]
    assert [p.title for p in outline.parts] == ["Flights", "Hotel", "Dinner"]
    assert [s.text for s in outline.parts[1].sentences] == [
        "the hotel is near the river and has a pool for the guests."
    ]


def test_numbered_clauses_inline_are_parts_with_their_numbers(
    store: Store, docs: dict[str, int]
) -> None:
    outline = outline_of(store, docs["lease.txt"], use_notes=True)
    assert outline.kind == "clauses"
    assert [p.label for p in outline.parts] == ["8. Use", "9. Pets", "10. Keys"]
    # ("Dogs are not allowed." is too short a sentence to stand on its own.)
    assert [s.text for s in outline.parts[1].sentences] == [
        "Small pets such as cats are allowed with the Landlord's permission."
    ]


def test_a_document_without_any_outline_is_one_part_of_text(library: Library) -> None:
    outline = outline_of(library.store, library.documents["Nikola_Tesla.md"], use_notes=True)
    assert (outline.kind, outline.intro) == ("text", [])
    assert [s.text for s in outline.parts[0].sentences] == [
        "Nikola Tesla was born on 10 July 1856 in Smiljan.",
        "He worked for Thomas Edison in New York before founding his own laboratory.",
    ]
    assert [s.label for s in outline.parts[0].sentences] == ["p. 1", "p. 1"]


def test_intro_titles() -> None:
    assert is_intro_title("Preamble")
    assert is_intro_title("1. Scope of This Document")
    assert not is_intro_title("Rent and fees")
