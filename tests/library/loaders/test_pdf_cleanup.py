"""PDF page clean-up: running headers, page numbers, contents pages, end-of-line hyphens."""

from __future__ import annotations

from collections import Counter

import pytest

from nocturne.library.loaders.pdf_cleanup import (
    is_page_number,
    is_toc_page,
    join_hyphen,
    running_lines,
    spaces_lost,
    strip_page_furniture,
    vocabulary,
)


def test_pdf_cleanup_rules() -> None:
    assert is_page_number("12") and is_page_number("- 4 -") and is_page_number("Page 3 of 9")
    assert not is_page_number("12 apples")
    assert spaces_lost("Thisdocumentmaybeusedunderthetermsofthelicence " * 10)
    assert not spaces_lost("This document may be used under the terms of the licence. " * 10)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("(12)", True),
        ("12/30", True),
        ("xiv", True),
        ("- XII -", True),
        ("Page iv", True),
        ("page", False),
        ("-", False),
        ("2024-2025", False),
        ("10000", False),
        # Words spelt with roman-numeral letters are text, not page numbers.
        ("did", False),
        ("Mild", False),
        ("vivid", False),
        ("civil", False),
    ],
)
def test_page_numbers_arabic_and_roman(line: str, expected: bool) -> None:
    assert is_page_number(line) is expected


def test_a_one_word_last_line_of_roman_letters_is_kept() -> None:
    """ "Mild" ends page 1's text; it was taken for a roman page number and dropped."""
    pages = [
        ["Lease Handbook", "The winters here are usually", "Mild"],
        ["Lease Handbook", "Pets need consent from the landlord.", "4"],
        ["Lease Handbook", "The end comes with notice.", "v"],
    ]
    assert strip_page_furniture(pages) == [
        ["The winters here are usually", "Mild"],
        ["Pets need consent from the landlord."],
        ["The end comes with notice."],
    ]


def test_running_lines_need_three_pages_and_ignore_the_numbers_in_them() -> None:
    pages = [
        [f"Chapter 3 · page {n}", f"Body text {7 * n} here.", "Other words"] for n in (1, 2, 3)
    ]
    pages[1][2] = "Different"
    shapes = running_lines(pages)
    assert "chapter · page" in shapes and "body text here." in shapes
    assert "other" not in shapes  # on two of three pages: three are needed
    assert running_lines(pages[:2]) == set()


def test_running_headers_with_ocr_slips_and_edge_page_numbers_go_but_the_middle_stays() -> None:
    pages = [
        ["VICKSBURG CAMPAIGN", "first", "ant", "bee", "12", "cat", "dog", "elk", "13"],
        ["VICKSBUEG CAMPAIGN", "second", "ant", "bee", "cat", "dog", "emu", "14"],
        ["VICKSBURG CAMPAIGN", "third", "15"],
        ["", "VICKSBURG CAMPAIGN", "fourth", "  ", "16"],
    ]
    assert strip_page_furniture(pages) == [
        ["first", "ant", "bee", "12", "cat", "dog", "elk"],  # "12" is not on an edge
        ["second", "ant", "bee", "cat", "dog", "emu"],
        ["third"],
        ["fourth"],
    ]


def test_contents_and_index_pages_are_told_from_body_pages() -> None:
    contents = [
        "Contents",
        "1 Rent ........ 2",
        "1.1 Late payment ........ 2",
        "2 Pets ........ 3",
        "3 End ........ 3",
    ]
    index = ["Index", "bit fields, 4, 12–14", "arrays, 7", "rent, 9", "pets 10", "zoning, 11"]
    body = [
        "The rent is due on the third.",
        "Pay it by bank transfer.",
        "Pets need consent.",
        "Keep the garden tidy.",
        "Call the landlord first.",
    ]
    assert is_toc_page(contents) and is_toc_page(index)
    assert not is_toc_page(body)
    assert not is_toc_page(["a 1", "b 2", "c 3", "d 4"])  # too short to judge


def test_vocabulary_counts_lower_case_words_and_hyphenated_compounds() -> None:
    words = vocabulary([["Well-known words, well known", "the 3rd WORDS"]])
    assert words == Counter({"well-known": 1, "words": 2, "well": 1, "known": 1, "the": 1, "rd": 1})


def test_join_hyphen_rules() -> None:
    nothing: Counter[str] = Counter()
    assert join_hyphen("recog-", "nised by all", nothing) == "recognised by all"
    # The document spells the compound with its hyphen: the hyphen stays.
    assert join_hyphen("well-", "known to all", Counter({"well-known": 1})) == "well-known to all"
    # Both halves are words of their own and the joined word never appears: the hyphen stays.
    assert join_hyphen("well-", "known", Counter({"well": 2, "known": 2})) == "well-known"
    # ... but a joined word the document uses wins.
    seen = Counter({"recognised": 1, "recog": 5, "nised": 5})
    assert join_hyphen("recog-", "nised", seen) == "recognised"
    for left, right in (("word--", "next"), ("word-", "Next"), ("word", "next"), ("12-", "next")):
        assert join_hyphen(left, right, nothing) is None


def test_spaces_lost_needs_enough_letters_to_judge() -> None:
    assert not spaces_lost("Thisdocumentmaybeused")  # under 200 letters
    assert not spaces_lost("")
