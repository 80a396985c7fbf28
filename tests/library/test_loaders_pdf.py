"""PDF: pages kept, headings from outline or numbered lines, page furniture cleaned away."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from nocturne.errors import IngestError
from nocturne.library.blocks import HEADING, TEXT, TOC
from nocturne.library.loaders import load, pages_of
from nocturne.library.loaders.pdf_cleanup import is_page_number, spaces_lost

from pdf_maker import pdf_bytes
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


def test_pdf_cleanup_rules() -> None:
    assert is_page_number("12") and is_page_number("- 4 -") and is_page_number("Page 3 of 9")
    assert not is_page_number("12 apples")
    assert spaces_lost("Thisdocumentmaybeusedunderthetermsofthelicence " * 10)
    assert not spaces_lost("This document may be used under the terms of the licence. " * 10)


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
