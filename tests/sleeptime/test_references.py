"""Cross-reference patterns (`sleeptime/references.py`): by number, by title, never to itself."""

from __future__ import annotations

import pytest

from nocturne.library.structure import Section
from nocturne.sleeptime.references import find_references

SECTIONS = [
    Section(i + 1, 1, i, None, number, title, 1, None)
    for i, (number, title) in enumerate(
        [
            ("1", "1. You may copy"),
            ("2", "2. You may modify"),
            ("3", "3. You may opt"),
            ("4.3", "4.3 The camlidldll script"),
            ("4.4", "4.4 Error handling"),
            ("6", "6. As an exception"),
            ("11.9", "11.9 Interrupts"),
            ("14.0", "14.0 Glossary"),
            ("", "Test Suite Problems"),
            ("", "Is there an lsof license?"),
            ("", "match Statements"),
            ("", "Installation"),
            ("", "debian-policy"),
            ("A", "Appendix A Grammar"),
        ]
    )
]
BY_NUMBER = {s.number: s for s in SECTIONS if s.number}
BY_TITLE = {s.title: s for s in SECTIONS}


def targets(sentence: str, own: Section | None = None) -> list[str]:
    found = find_references(sentence, SECTIONS, own)
    assert all(r.sentence == sentence for r in found)
    return [r.target.label for r in found]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("See section 4.3 for details.", ["4.3 The camlidldll script"]),
        ("Errors are explained in Section 4.4.", ["4.4 Error handling"]),
        ("as stated in Sections 1 and 2.", ["1. You may copy", "2. You may modify"]),
        (
            "under Sections 1, 2 and 4.4",
            ["1. You may copy", "2. You may modify", "4.4 Error handling"],
        ),
        ("Subsection 6a applies.", ["6. As an exception"]),
        ("section 6(a) applies", ["6. As an exception"]),
        ("(§11.9)", ["11.9 Interrupts"]),
        ("as required by § 11.9", ["11.9 Interrupts"]),
        ("described in chapter 14", ["14.0 Glossary"]),
        ("clauses 1 or 3", ["1. You may copy", "3. You may opt"]),
        ("Sections 1-3 apply.", ["1. You may copy", "2. You may modify", "3. You may opt"]),
        ("sections 1 through 3", ["1. You may copy", "2. You may modify", "3. You may opt"]),
        ("see Appendix A", ["Appendix A Grammar"]),
        ("Section 4.3. describes it", ["4.3 The camlidldll script"]),
        ('(See "Test Suite Problems.")', ["Test Suite Problems"]),
        ('the answer to the "Is there an lsof license?" question', ["Is there an lsof license?"]),
        ("For a cleaner form, see match Statements.", ["match Statements"]),
    ],
)
def test_references_resolve(sentence: str, expected: list[str]) -> None:
    assert targets(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "This section explains everything.",
        "The next section is short.",
        "See section 99.",
        "In 2 sections we explain it.",
        "See Installation.",  # a one-word title is too common to be a reference
        "the Test Suite Problems are many",  # a title without a pointer or quotes
        "Version 2.1 of the License, section numbers aside.",
        "Read https://www.debian.org/doc/debian-policy/ch-archive.html for the list.",
        "see appendix a for more",  # lower-case "a" is an article
        "",
    ],
)
def test_no_reference(sentence: str) -> None:
    assert targets(sentence) == []


def test_a_reference_to_its_own_section_is_ignored() -> None:
    assert targets("Subsection 6a applies.", own=BY_NUMBER["6"]) == []
    assert targets("See section 4.3 and 4.4.", own=BY_NUMBER["4.3"]) == ["4.4 Error handling"]
    title_own = BY_TITLE["Test Suite Problems"]
    assert targets('(See "Test Suite Problems.")', own=title_own) == []


def test_a_range_too_wide_names_its_ends_only() -> None:
    assert targets("Sections 1-900 of the code.") == ["1. You may copy"]


def test_a_target_named_twice_is_one_reference() -> None:
    assert targets("See section 4.4, and section 4.4 again.") == ["4.4 Error handling"]


def test_by_number_and_by_title_together() -> None:
    found = targets('See section 4.3 and "Test Suite Problems".')
    assert found == ["4.3 The camlidldll script", "Test Suite Problems"]


def test_the_first_of_two_sections_with_one_number_wins() -> None:
    twice = [
        Section(1, 1, 0, None, "2", "2 First", 1, None),
        Section(2, 1, 1, None, "2", "2 Second", 1, None),
    ]
    [reference] = find_references("see section 2", twice, None)
    assert reference.target.id == 1


def test_no_sections_no_references() -> None:
    assert find_references("See section 4.3.", [], None) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("to give the same user the materials specified in Subsection 6a, above", [("6", "a")]),
        ("Therefore, Subsection 2d requires that the function be optional.", [("2", "d")]),
        ("as required by section 6(b) and clause 1 (c)", [("6", "b"), ("1", "c")]),
        ("see section 6 for the terms", []),  # a whole section: find_references
        ("section 9a does not exist here", []),  # no section 9
    ],
)
def test_item_references(sentence: str, expected: list[tuple[str, str]]) -> None:
    from nocturne.sleeptime.references import find_item_references

    found = find_item_references(sentence, SECTIONS)
    assert [(r.target.number, r.item) for r in found] == expected


def test_the_sentence_that_opens_an_item() -> None:
    from nocturne.sleeptime.references import item_sentence

    sentences = [
        "6. As an exception, you may distribute the work if you do one of these:",
        "a) Accompany the work with the complete source code.",
        "(b) Use a suitable shared library mechanism.",
        "c) Accompany the work with a written offer to give the materials of Subsection 6a.",
    ]
    assert item_sentence("a", sentences) == sentences[1]
    assert item_sentence("b", sentences) == sentences[2]
    assert item_sentence("d", sentences) == ""
