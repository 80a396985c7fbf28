"""PDF: pages kept, headings from outline or numbered lines, page furniture cleaned away."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from nocturne.errors import IngestError
from nocturne.library.blocks import HEADING, TEXT, TOC
from nocturne.library.loaders import load, pages_of
from nocturne.library.loaders.pdf import load_pdf, page_blocks
from nocturne.library.loaders.pdf_cleanup import is_page_number

from pdf_maker import pdf_bytes
from scan_maker import mixed_pdf, page_image
from support import SHARED

BODY = "The tenant pays the rent on the third day of each month by bank transfer to the landlord."


def _pages() -> list[str]:
    toc = (
        "Contents\n1 Rent ........ 2\n1.1 Late payment ........ 2\n"
        "2 Pets ........ 3\n3 End ........ 3"
    )
    return [
        "Lease Handbook\n" + toc + "\n1",
        f"Lease Handbook\n1 Rent\n{BODY}\nThis rule is recog-\nnised by all and well-\n"
        f"known to all as well, as is known.\n1.1 Late payment\n{BODY}\n2",
        f"Lease Handbook\n2 Pets\n{BODY}\n3 End\n{BODY}\n3",
        f"Lease Handbook\nAppendix text without headings.\n{BODY}\n4",
    ]


def _load_pdf(tmp_path: Path, data: bytes):  # type: ignore[no-untyped-def]
    path = tmp_path / "lease.pdf"
    path.write_bytes(data)
    return load(path, data)


def test_pdf_without_outline(tmp_path: Path) -> None:
    doc = _load_pdf(tmp_path, pdf_bytes(_pages()))
    assert doc.pages == 4
    headings = [(b.number, b.level, b.page) for b in doc.blocks if b.kind == HEADING]
    assert headings == [("1", 1, 2), ("1.1", 2, 2), ("2", 1, 3), ("3", 1, 3)]
    texts = [b.text for b in doc.blocks if b.kind == TEXT]
    assert not any("Lease Handbook" in text for text in texts)  # running header
    assert not any(re.fullmatch(r"\d+", text) for text in texts)  # page numbers
    assert all(b.page == 1 for b in doc.blocks if b.kind == TOC)
    joined = " ".join(texts)
    assert "recognised by all" in joined and "well-known" in joined
    assert [page.number for page in pages_of(doc)] == [2, 3, 4]


def test_pdf_outline_places_headings(tmp_path: Path) -> None:
    reader = PdfReader(io.BytesIO(pdf_bytes(_pages())))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    top = writer.add_outline_item(title="Rent", page_number=1)
    writer.add_outline_item(title="Late payment", page_number=1, parent=top)
    writer.add_outline_item(title="Appendix", page_number=3)
    out = io.BytesIO()
    writer.write(out)
    doc = _load_pdf(tmp_path, out.getvalue())
    headings = [(b.text, b.level, b.page) for b in doc.blocks if b.kind == HEADING]
    assert headings == [("1 Rent", 1, 2), ("1.1 Late payment", 2, 2), ("Appendix", 1, 4)]
    first_on_4 = next(b for b in doc.blocks if b.page == 4)
    assert first_on_4.kind == HEADING  # a bookmark whose title is not on its page opens it


def test_bad_pdfs(tmp_path: Path) -> None:
    data = pdf_bytes(["Some text on a page."])
    with pytest.raises(IngestError, match="damaged"):
        _load_pdf(tmp_path, data[: len(data) // 3])
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(IngestError, match="no text layer"):
        _load_pdf(tmp_path, out.getvalue())


def test_numbered_lines_are_headings_only_when_they_follow_the_outline_so_far() -> None:
    lines = [
        "Intro words that run on a little.",
        "1 Rent",
        BODY,
        "2 Pets",
        BODY,
        "5 apples",  # not the next section after 2
        "1 rent is due",  # a number before lower case is a sentence
        "2 3 4 5",  # a table row
        "Chapter 7 Hints",  # a prefix word makes any number a heading
        "2.1 Cats",  # does not follow chapter 7
    ]
    blocks = page_blocks([lines], [])
    assert [(b.kind, b.number, b.level, b.text) for b in blocks if b.kind == HEADING] == [
        (HEADING, "1", 1, "1 Rent"),
        (HEADING, "2", 1, "2 Pets"),
        (HEADING, "7", 1, "Chapter 7 Hints"),
    ]
    texts = [b.text for b in blocks if b.kind == TEXT]
    assert texts[0] == "Intro words that run on a little."
    assert texts[-1] == "2.1 Cats"
    assert all(b.page == 1 for b in blocks)


def test_a_short_title_line_on_a_near_empty_page_is_not_joined_to_the_paragraph() -> None:
    body = "Revenue grew by four percent compared with the previous year, mostly abroad and"
    pages = [
        ["Appendix", "This appendix lists the contact persons of every department in the firm."],
        ["ANNUAL FIGURES", body, "in the new offices."],
        [body, body, body, body, body, body, "the end."],
    ]
    texts = [b.text for b in page_blocks(pages, []) if b.page in (1, 2)]
    assert texts == [
        "Appendix",
        "This appendix lists the contact persons of every department in the firm.",
        "ANNUAL FIGURES",
        body + " in the new offices.",
    ]


def test_an_outline_replaces_numbered_line_guessing() -> None:
    pages = [
        ["1. Rent", BODY, "2 Pets", BODY, BODY, BODY],
        [BODY, BODY, BODY, BODY],
    ]
    blocks = page_blocks(pages, [("Rent", 1, 0), ("Late payment", 2, 1)])
    # "1. Rent" is the bookmark "Rent" (its number ignored); "2 Pets" has no bookmark: text.
    assert [(b.text, b.level, b.page) for b in blocks if b.kind == HEADING] == [
        ("1. Rent", 1, 1),
        ("Late payment", 2, 2),
    ]
    assert blocks[0].kind == HEADING
    page_two = [b for b in blocks if b.page == 2]
    assert page_two[0].text == "Late payment"  # not found on its page: it opens the page
    assert any(b.kind == TEXT and b.text.endswith(" 2 Pets") for b in blocks)


def test_a_contents_page_becomes_toc_blocks_on_its_page() -> None:
    contents = ["Contents", "1 Rent .... 2", "2 Pets .... 3", "3 End .... 4", "4 Index . . . 5"]
    blocks = page_blocks([[BODY], contents], [])
    assert [(b.kind, b.page) for b in blocks] == [(TEXT, 1)] + [(TOC, 2)] * 5
    assert blocks[2].text == "1 Rent .... 2"


def _with_title(title: str | None, pages: list[str]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(pages))))
    if title is not None:
        writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("metadata", "first_line", "title"),
    [
        ("The Lease Handbook", "Short Title Here", "The Lease Handbook"),
        ("lease-handbook-v2", "Short Title Here", "Short Title Here"),  # a slug: page 1's line
        (None, "A first line that is a sentence.", "1 Rent"),  # a sentence: the first heading
    ],
)
def test_title_from_metadata_else_page_one_else_the_first_heading(
    metadata: str | None, first_line: str, title: str
) -> None:
    data = _with_title(metadata, [f"{first_line}\n1 Rent\n{BODY}"])
    assert load_pdf(Path("lease.pdf"), data).title == title


def test_a_scanned_page_waits_for_ocr_and_gives_no_text() -> None:
    data = mixed_pdf(
        ["This lease is for the flat on Mill Lane."],
        {2: page_image(["The deposit is 900 pounds."])},
    )
    doc = load_pdf(Path("lease.pdf"), data)
    assert (doc.pages, doc.ocr_pages) == (2, [2])
    assert [(b.text, b.page) for b in doc.blocks] == [
        ("This lease is for the flat on Mill Lane.", 1)
    ]


def test_pages_that_lost_their_spaces_are_remarked_when_pdfium_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run_together = "Thisdocumentmaybeusedunderthetermsofthelicence " * 6
    monkeypatch.setitem(sys.modules, "pypdfium2", None)  # the import fails
    doc = load_pdf(Path("a.pdf"), pdf_bytes([run_together, BODY]))
    assert doc.remarks == ["1 page(s) lost the spaces between words; PDFium is missing"]
    assert doc.blocks[0].text.startswith("Thisdocumentmaybeused")


def test_real_camlidl_manual() -> None:
    path = SHARED / "eval" / "structured" / "docs" / "camlidl-1.04.doc.pdf"
    if not path.exists():
        pytest.skip(f"{path} is not present")
    doc = load(path, path.read_bytes())
    headings = {b.number: b for b in doc.blocks if b.kind == HEADING}
    assert headings["4.3"].text == "4.3 The camlidldll script" and headings["4.3"].level == 2
    assert headings["6"].text == "6 Hints on writing IDL files" and headings["6"].level == 1
    assert doc.title == "Camlidl user’s manual"
    assert not any(re.fullmatch(r"\d+", b.text) for b in doc.blocks)


def test_real_fixture_pdfs_have_no_page_furniture_in_text() -> None:
    fixtures = SHARED / "fixtures" / "pdfs"
    if not fixtures.is_dir():
        pytest.skip(f"{fixtures} is not present")
    for path in sorted(fixtures.rglob("*.pdf")):
        try:
            doc = load(path, path.read_bytes())
        except IngestError:
            continue  # encrypted, damaged or scanned: reported, never another exception
        texts = [b.text for b in doc.blocks if b.kind != TOC]
        for page in range(1, (doc.pages or 0) + 1):
            on_page = [b.text for b in doc.blocks if b.page == page and b.kind != TOC]
            edges = on_page[:1] + on_page[-1:]  # where page numbers stand
            assert not any(is_page_number(text) for text in edges), (path.name, page)
        assert not any(re.search(r"(\.\s*){4,}\d+$", text) for text in texts), path.name
        if path.name == "Seige_of_Vicksburg_Sample_OCR.pdf":
            assert not any("VICKSB" in text for text in texts)
