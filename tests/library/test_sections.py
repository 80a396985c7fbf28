"""The section tree built from heading blocks: nesting rules, numbers, labels."""

from __future__ import annotations

import pytest

from nocturne.library.blocks import HEADING, TOC, Block
from nocturne.library.sections import (
    TITLE_MAX_CHARS,
    SectionDraft,
    build_sections,
    heading_number,
    section_label,
    section_paths,
)


def h(text: str, level: int, number: str = "", page: int | None = None) -> Block:
    return Block(text, HEADING, level, page=page, number=number)


def t(text: str, page: int | None = None) -> Block:
    return Block(text, page=page)


def tree(sections: list[SectionDraft]) -> list[tuple[str, str | None, int]]:
    """(title, parent title, depth) per section."""
    by_ordinal = {s.ordinal: s for s in sections}
    return [
        (s.title, by_ordinal[s.parent].title if s.parent is not None else None, s.level)
        for s in sections
    ]


def test_h1_h2_h3_nest_and_text_belongs_to_the_innermost_open_section() -> None:
    blocks = [
        t("Preamble before any heading."),
        h("Manual", 1),
        t("About the manual."),
        h("Install", 2),
        t("Run the installer."),
        h("On Windows", 3),
        t("Double-click it."),
        h("Usage", 2),
        t("Start the app."),
    ]
    sections, membership = build_sections(blocks)
    assert tree(sections) == [
        ("Manual", None, 1),
        ("Install", "Manual", 2),
        ("On Windows", "Install", 3),
        ("Usage", "Manual", 2),
    ]
    assert [s.ordinal for s in sections] == [0, 1, 2, 3]
    assert membership == [None, 0, 0, 1, 1, 2, 2, 3, 3]
    assert len(membership) == len(blocks)


def test_a_new_top_heading_closes_every_open_section() -> None:
    blocks = [h("A", 1), h("A.x", 2), h("A.x.y", 3), h("B", 1), t("in B")]
    sections, membership = build_sections(blocks)
    assert tree(sections)[-1] == ("B", None, 1)
    assert membership[-1] == 3


def test_skipped_levels_give_a_tree_without_gaps() -> None:
    blocks = [h("First", 3), t("a"), h("Deep", 6), t("b"), h("Second", 3), h("Mid", 4)]
    sections, _ = build_sections(blocks)
    assert tree(sections) == [
        ("First", None, 1),
        ("Deep", "First", 2),
        ("Second", None, 1),
        ("Mid", "Second", 2),
    ]


def test_all_headings_at_one_level_are_siblings() -> None:
    blocks = [h(f"Part {name}", 2) for name in ("one", "two", "three")]
    sections, membership = build_sections(blocks)
    assert tree(sections) == [("Part one", None, 1), ("Part two", None, 1), ("Part three", None, 1)]
    assert membership == [0, 1, 2]


def test_level_zero_heading_counts_as_top_level() -> None:
    sections, _ = build_sections([h("Untyped", 0), h("Child", 2)])
    assert tree(sections) == [("Untyped", None, 1), ("Child", "Untyped", 2)]


def test_numbered_clauses_nest_under_an_unnumbered_all_caps_heading_of_the_same_level() -> None:
    blocks = [
        h("TERMS AND CONDITIONS", 1),
        h("0. This License Agreement applies", 1, "0"),
        t("0. This License Agreement applies to any library."),
        h("1. You may copy", 1, "1"),
        t("1. You may copy and distribute verbatim copies."),
        h("NO WARRANTY", 1),
        h("15. BECAUSE THE LIBRARY IS LICENSED", 1, "15"),
        t("15. BECAUSE THE LIBRARY IS LICENSED FREE OF CHARGE ..."),
        h("16. IN NO EVENT", 1, "16"),
        t("16. IN NO EVENT UNLESS REQUIRED BY APPLICABLE LAW ..."),
        h("END OF TERMS AND CONDITIONS", 1),
        t("How to apply these terms."),
    ]
    sections, membership = build_sections(blocks)
    assert tree(sections) == [
        ("TERMS AND CONDITIONS", None, 1),
        ("0. This License Agreement applies", "TERMS AND CONDITIONS", 2),
        ("1. You may copy", "TERMS AND CONDITIONS", 2),
        ("NO WARRANTY", None, 1),
        ("15. BECAUSE THE LIBRARY IS LICENSED", "NO WARRANTY", 2),
        ("16. IN NO EVENT", "NO WARRANTY", 2),
        ("END OF TERMS AND CONDITIONS", None, 1),
    ]
    assert [s.number for s in sections] == ["", "0", "1", "", "15", "16", ""]
    assert membership[-1] == 6 and membership[7] == 4


def test_subsection_numbers_nest_under_their_parent_at_the_same_loader_level() -> None:
    blocks = [
        h("4.8 More Control Flow", 2),
        t("Intro."),
        h("4.8.1 Default Argument Values", 2),
        t("Defaults."),
        h("4.8.2 Keyword Arguments", 2),
        h("4.9 Intermezzo", 2),
    ]
    sections, membership = build_sections(blocks)
    assert tree(sections) == [
        ("4.8 More Control Flow", None, 1),
        ("4.8.1 Default Argument Values", "4.8 More Control Flow", 2),
        ("4.8.2 Keyword Arguments", "4.8 More Control Flow", 2),
        ("4.9 Intermezzo", None, 1),
    ]
    assert membership == [0, 0, 1, 1, 2, 3]


def test_three_numbering_depths_at_one_loader_level() -> None:
    blocks = [
        h("4.8 Functions", 2),
        h("4.8.1 Defaults", 2),
        h("4.8.1.1 Mutable defaults", 2),
        h("4.8.2 Keywords", 2),
        h("4.9 Next", 2),
    ]
    sections, _ = build_sections(blocks)
    assert tree(sections) == [
        ("4.8 Functions", None, 1),
        ("4.8.1 Defaults", "4.8 Functions", 2),
        ("4.8.1.1 Mutable defaults", "4.8.1 Defaults", 3),
        ("4.8.2 Keywords", "4.8 Functions", 2),
        ("4.9 Next", None, 1),
    ]


def test_subclause_under_a_clause_under_an_unnumbered_heading() -> None:
    blocks = [
        h("NO WARRANTY", 1),
        h("15 Because", 1, "15"),
        h("15.1 Details", 1, "15.1"),
        h("16 In no event", 1, "16"),
    ]
    sections, _ = build_sections(blocks)
    assert tree(sections) == [
        ("NO WARRANTY", None, 1),
        ("15 Because", "NO WARRANTY", 2),
        ("15.1 Details", "15 Because", 3),
        ("16 In no event", "NO WARRANTY", 2),
    ]


def test_a_deeper_heading_under_a_nested_clause_then_the_next_clause() -> None:
    blocks = [h("NO WARRANTY", 1), h("15. Because", 1, "15"), h("Notes", 2), h("16. If", 1, "16")]
    sections, _ = build_sections(blocks)
    assert tree(sections) == [
        ("NO WARRANTY", None, 1),
        ("15. Because", "NO WARRANTY", 2),
        ("Notes", "15. Because", 3),
        ("16. If", "NO WARRANTY", 2),
    ]


def test_unnumbered_heading_after_numbered_siblings_is_not_nested() -> None:
    blocks = [h("1 Intro", 2), h("2 Setup", 2), h("Index", 2)]
    sections, _ = build_sections(blocks)
    assert tree(sections) == [("1 Intro", None, 1), ("2 Setup", None, 1), ("Index", None, 1)]


def test_numbered_siblings_are_not_nested_in_each_other() -> None:
    sections, _ = build_sections([h("1 One", 2), h("2 Two", 2), h("10 Ten", 2)])
    assert all(s.parent is None for s in sections)


def test_no_headings_at_all() -> None:
    blocks = [t("Just a paragraph."), t("Another one."), Block("1 Intro ..... 3", TOC)]
    sections, membership = build_sections(blocks)
    assert sections == []
    assert membership == [None, None, None]


def test_empty_document() -> None:
    assert build_sections([]) == ([], [])


def test_blank_heading_is_not_a_section() -> None:
    sections, membership = build_sections([h("Real", 1), h("   ", 2), t("text")])
    assert [s.title for s in sections] == ["Real"]
    assert membership == [0, 0, 0]


def test_toc_blocks_belong_to_the_open_section_but_make_none() -> None:
    sections, membership = build_sections([h("Contents", 1), Block("1 Intro ... 3", TOC)])
    assert len(sections) == 1 and membership == [0, 0]


def test_loader_number_wins_and_text_number_is_found_otherwise() -> None:
    sections, _ = build_sections([h("Lambda", 3, "4.8.6"), h("4.3 The camlidldll script", 2)])
    assert [s.number for s in sections] == ["4.8.6", "4.3"]


def test_titles_are_cleaned_and_pages_kept() -> None:
    long = "word " * 100
    sections, _ = build_sections([h("  ## Install \n  notes ¶", 1, page=3), h(long, 2)])
    assert sections[0].title == "Install notes"
    assert sections[0].page == 3
    assert len(sections[1].title) <= TITLE_MAX_CHARS
    assert sections[1].title.endswith("…")
    assert "  " not in sections[1].title


def test_section_paths_lead_from_the_top() -> None:
    blocks = [h("A", 1), h("B", 2), h("C", 3), h("D", 2), h("E", 1)]
    sections, _ = build_sections(blocks)
    assert section_paths(sections) == [[0], [0, 1], [0, 1, 2], [0, 3], [4]]


@pytest.mark.parametrize(
    ("number", "title", "label"),
    [
        ("4.4", "Error handling", "4.4 Error handling"),
        ("4.4", "4.4 Error handling", "4.4 Error handling"),
        ("", "Error handling", "Error handling"),
        ("6", "6. As an exception", "6. As an exception"),
        ("A", "Grammar", "A Grammar"),
    ],
)
def test_section_label(number: str, title: str, label: str) -> None:
    assert section_label(number, title) == label


def test_draft_label_uses_section_label() -> None:
    sections, _ = build_sections([h("Error handling", 2, "4.4")])
    assert sections[0].label == "4.4 Error handling"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("4.8.6. Lambda Expressions", "4.8.6"),
        ("4.3 The camlidldll script", "4.3"),
        ("1.2.3\tCompilation Problems", "1.2.3"),
        ("  6. As an exception to the Sections above", "6"),
        ("15. NO WARRANTY", "15"),
        ("1) First things", "1"),
        ("2: Setup", "2"),
        ("Chapter 2 Getting started", "2"),
        ("chapter 12: Networking", "12"),
        ("Section 3", "3"),
        ("Chapter 7", "7"),
        ("Appendix A Grammar", "A"),
        ("Appendix B", "B"),
        ("A.1 Lexical analysis", "A.1"),
        ("Clause 9 Termination", "9"),
        ("Article 5. Duties", "5"),
        # not section numbers
        ("A Tour of Python", ""),
        ("I Introduction", ""),
        ("12", ""),
        ("3.", ""),
        ("7)", ""),
        ("v1.2 release notes", ""),
        ("Part IV", ""),
        ("Introduction", ""),
        ("", ""),
        ("2021 Annual report", ""),
        ("1984: the novel", ""),
        ("3rd party licences", ""),
    ],
)
def test_heading_number(text: str, number: str) -> None:
    assert heading_number(text) == number
