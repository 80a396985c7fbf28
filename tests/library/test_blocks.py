"""What a loader yields (`library/blocks.py`): typed blocks, and a document's text without its
table of contents."""

from __future__ import annotations

import dataclasses

import pytest

from nocturne.library.blocks import BLOCK_KINDS, CODE, HEADING, TEXT, TOC, Block, LoadedDocument


def test_a_block_is_text_with_no_level_page_or_number_unless_given() -> None:
    block = Block("The boiler is serviced in May.")
    assert (block.kind, block.level, block.page, block.number) == (TEXT, 0, None, "")
    heading = Block("4.3 The camlidldll script", HEADING, level=3, page=12, number="4.3")
    assert (heading.kind, heading.level, heading.page, heading.number) == (HEADING, 3, 12, "4.3")


@pytest.mark.parametrize("kind", ["paragraph", "", "Heading", "table"])
def test_an_unknown_kind_is_refused(kind: str) -> None:
    with pytest.raises(ValueError, match="unknown block kind"):
        Block("text", kind)


def test_every_declared_kind_is_accepted() -> None:
    assert BLOCK_KINDS == (HEADING, TEXT, CODE, TOC)
    assert [Block("x", kind).kind for kind in BLOCK_KINDS] == list(BLOCK_KINDS)


def test_a_block_cannot_be_changed_once_made() -> None:
    block = Block("text")
    with pytest.raises(dataclasses.FrozenInstanceError):
        block.text = "other"  # type: ignore[misc]


def test_a_documents_text_joins_its_blocks_but_never_its_table_of_contents() -> None:
    document = LoadedDocument(
        [
            Block("Contents", TOC),
            Block("1 Introduction .... 3", TOC),
            Block("Introduction", HEADING, level=1),
            Block("The manual starts here."),
            Block("make install", CODE),
        ]
    )
    assert document.text == "Introduction\n\nThe manual starts here.\n\nmake install"


def test_a_document_with_no_blocks_or_only_a_toc_has_no_text() -> None:
    assert LoadedDocument([]).text == ""
    assert LoadedDocument([Block("Index", TOC)]).text == ""


def test_each_document_has_its_own_remarks_and_ocr_pages() -> None:
    first, second = LoadedDocument([]), LoadedDocument([])
    first.remarks.append("page 3 read with PDFium")
    first.ocr_pages.append(3)
    assert (second.remarks, second.ocr_pages) == ([], [])
    assert (first.title, first.pages) == ("", None)
