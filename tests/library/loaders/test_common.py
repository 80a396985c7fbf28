"""The helpers every loader shares: whitespace, section numbers, outline order, titles."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne.library.blocks import HEADING, TEXT, Block
from nocturne.library.loaders.common import (
    follows,
    heading,
    is_label,
    is_slug,
    labels_over_values,
    number_key,
    number_level,
    pick_title,
    row_sentence,
    split_number,
    squash,
    table_blocks,
    text_block,
)


def test_squash_joins_whitespace_and_drops_invisible_marks_and_ligatures() -> None:
    assert squash(" soft\u00adhyphen  \n\t zero\u200bwidth\x00 ﬁle ") == "softhyphen zerowidth file"
    assert squash("\ufeff") == ""


@pytest.mark.parametrize(
    ("number", "level"),
    [("1", 1), ("1.0", 1), ("1.2", 2), ("4.8.6", 3), ("6.0.5", 2), ("A.1", 2), ("", 1)],
)
def test_number_level_counts_meaningful_parts(number: str, level: int) -> None:
    assert number_level(number) == level


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("4.8.6. Lambda Expressions", "4.8.6"),
        ("1.0\tGeneral", "1.0"),
        ("A.2 Title", "A.2"),
        ("6. Title", "6"),
        ("1 Overview", "1"),
        ("Chapter 2 Title", "2"),
        ("Appendix A: Notes", "A"),
        ("Part II - Title", "II"),
        ("section 5", "5"),
        ("12) Title", ""),  # a list item
        ("2024 was a good year", ""),  # a year, not a section
        ("150 Things", ""),  # bare numbers above 99 are not section numbers
        ("Plain words", ""),
    ],
)
def test_split_number_finds_a_heading_number_and_keeps_the_text(text: str, number: str) -> None:
    assert split_number(f"  {text} ") == (number, text)


def test_number_key_reads_appendix_letters_and_refuses_other_parts() -> None:
    assert number_key("4.8.6") == (4, 8, 6)
    assert number_key("A.3") == (1, 3)
    assert number_key("b") == (2,)
    assert number_key("1.b2") is None
    assert number_key("II") is None


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        (None, (1,), True),
        (None, (2, 5), True),
        (None, (3,), False),  # an outline does not start at 3
        (None, (1, 6), False),
        ((2, 1), (2, 1, 1), True),  # first child
        ((6, 0), (6, 0, 5), True),
        ((2, 1), (2, 1, 6), False),  # a child too far ahead
        ((2, 1), (2, 2), True),  # sibling
        ((2, 1), (2, 3), True),  # sibling, one skipped
        ((2, 1), (2, 4), False),
        ((2, 1), (3,), True),  # the parent's sibling
        ((2, 1), (3, 1), True),
        ((2, 1), (3, 2), False),
        ((2, 1), (5,), False),  # "5 apples" after 2.1
        ((2, 1), (2, 1), False),  # the same number again
    ],
)
def test_follows_accepts_what_a_real_outline_does_next(
    previous: tuple[int, ...] | None, current: tuple[int, ...], expected: bool
) -> None:
    assert follows(previous, current) is expected


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("ab", True),
        ("123 456", True),
        ("developers-reference", True),
        ("x.doc", True),
        ("Report final.PDF", True),
        ("Untitled", True),
        ("Microsoft Word - The Lease", True),
        ("averyverylongword", True),  # one lower-case run, longer than 12
        ("lease", True),  # the file's own stem
        ("The Garden Book", False),
        ("Readline", False),
    ],
)
def test_is_slug_refuses_titles_that_name_a_file(title: str, slug: bool) -> None:
    assert is_slug(title, Path("/docs/lease.pdf")) is slug


def test_pick_title_prefers_metadata_then_the_first_top_level_heading() -> None:
    blocks = [
        Block("Intro", TEXT),
        Block("1.1 Sub", HEADING, level=2),
        Block("1 Top", HEADING, level=1),
        Block("2 Next", HEADING, level=1),
    ]
    path = Path("a.txt")
    assert pick_title("  The   Garden Book ", blocks, path) == "The Garden Book"
    assert pick_title("garden-book", blocks, path) == "1 Top"
    assert pick_title(None, blocks, path) == "1 Top"
    assert pick_title(None, [Block("Only text", TEXT)], path) == ""


def test_heading_finds_its_number_clamps_its_level_and_keeps_a_given_number() -> None:
    found = heading("  4.2   Pets ", 12, page=3)
    assert (found.kind, found.text, found.number, found.level, found.page) == (
        HEADING,
        "4.2 Pets",
        "4.2",
        9,
        3,
    )
    assert heading("Notes", 0).level == 1
    assert heading("1 Rent", 2, number="9").number == "9"


def test_text_block_is_none_when_nothing_readable_is_left() -> None:
    assert text_block(" \u200b\u00ad ") is None
    assert text_block(" rent  due ", page=2) == Block("rent due", TEXT, page=2)


def test_table_blocks_give_one_sentence_per_body_row_and_no_header_block() -> None:
    rows = [
        ["", "Release", "Release"],
        ["Setting", "Speed (RPM)", "Best for"],
        ["5", " 12,000 ", "Smoothies"],
        ["", "", ""],
        ["Pulse", "22,000", "Chopping."],
    ]
    blocks = table_blocks(rows, 2, page=3)
    assert [(b.kind, b.page, b.text) for b in blocks] == [
        (TEXT, 3, "Setting 5: Release Speed (RPM) 12,000; Release Best for Smoothies."),
        (TEXT, 3, "Setting Pulse: Release Speed (RPM) 22,000; Release Best for Chopping."),
    ]
    assert [b.text for b in table_blocks([["Owner", "Task"]], 1)] == ["Owner: Task."]  # all header
    assert table_blocks([], 1) == [] and table_blocks([["", ""]], 0) == []


def test_row_sentence_labels_the_row_by_its_first_cell() -> None:
    assert row_sentence(["Rent", "900 euros", "monthly"]) == "Rent: 900 euros; monthly."
    assert row_sentence(["Note:", "Call first.", "Then come"]) == "Note: Call first. Then come."
    assert row_sentence(["Total", "Total"], ["Total", "Total"]) == "Total: Total."
    assert row_sentence(["", "only"], ["A", "B"]) == "B only"
    assert row_sentence([]) == ""


def test_a_name_and_value_table_reads_as_name_and_value_without_its_generic_headers() -> None:
    """ "Item Battery life: Value 65 minutes." put the header words in the way of the fact."""
    for names, values in [("Item", "Value"), ("Property", "Values"), ("Feature", "Detail(s)")]:
        rows = [[names, values], ["Battery life", "65 minutes"], ["Weight", "1.2 kg"]]
        assert [b.text for b in table_blocks(rows, 1)] == [
            "Battery life: 65 minutes.",
            "Weight: 1.2 kg.",
        ]
    with_unit = table_blocks([["Parameter", "Value", "Unit"], ["Battery life", "65", "minutes"]], 1)
    assert [b.text for b in with_unit] == ["Battery life: 65; Unit minutes."]
    assert (
        row_sentence(["5", "12,000"], ["Setting", "Speed (RPM)"])
        == "Setting 5: Speed (RPM) 12,000."
    )
    assert row_sentence(["Coffee", "3 euros"], ["Item", "Price"]) == "Item Coffee: Price 3 euros."


def test_a_first_row_of_labels_over_rows_of_numbers_reads_as_the_header() -> None:
    assert is_label("Speed (RPM)") and not is_label("14 May 2025") and not is_label("Call first.")
    fees = [["Plan", "Monthly fee"], ["Student", "EUR 19"], ["Adult", "EUR 29"]]
    assert labels_over_values(fees)
    assert not labels_over_values([["Name", "Role"], ["Ana", "Chair"]])  # no numbers: no sign
    assert not labels_over_values([["2024", "Plan"], ["Student", "EUR 19"]])
    assert not labels_over_values([["Plan", "Fee"], ["Student", "EUR 19"], ["Adult", "free"]])
    assert not labels_over_values([["Plan", "Fee"]])
