"""Word .docx: headings from styles, tables where they stand, list paragraphs as text."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from nocturne.errors import IngestError
from nocturne.library.blocks import HEADING, TEXT
from nocturne.library.loaders import load
from nocturne.library.loaders.docx import load_docx


def test_docx_order_and_headings(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = "Microsoft Word - lease.doc"
    document.add_paragraph("The Lease", style="Title")
    document.add_heading("1. Rent", level=1)
    document.add_paragraph("Rent is due on the third.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Month", "Amount"
    table.cell(1, 0).text, table.cell(1, 1).text = "May", "900 euros"
    document.add_heading("1.1 Late payment", level=2)
    document.add_paragraph("A reminder comes first.", style="List Bullet")
    path = tmp_path / "lease.docx"
    document.save(str(path))
    doc = load(path, path.read_bytes())
    assert [(b.kind, b.level, b.number, b.text) for b in doc.blocks] == [
        (HEADING, 1, "", "The Lease"),
        (HEADING, 1, "1", "1. Rent"),
        (TEXT, 0, "", "Rent is due on the third."),
        (TEXT, 0, "", "Month May: Amount 900 euros."),  # a row carries its headers
        (HEADING, 2, "1.1", "1.1 Late payment"),
        (TEXT, 0, "", "A reminder comes first."),
    ]
    assert doc.title == "The Lease"  # the metadata title names a file


def test_a_line_break_parts_a_heading_line_from_its_body() -> None:
    import docx

    document = docx.Document()
    for head, body in [
        ("2. RENT", "Monthly rent is $1,990, due on the 1st day of each month."),
        ("Pets", "One cat or one dog under 30 pounds."),
        ("Rent Due", "On the 1st."),  # not much shorter than its body: one paragraph
        ("Signed on 3 March", "by Harbor View Properties LLC and Maria Kowalski."),
    ]:
        paragraph = document.add_paragraph(head)
        paragraph.add_run().add_break()
        paragraph.add_run(body)
    doc = load_docx(Path("a.docx"), _saved(document))
    assert [(b.kind, b.number, b.text) for b in doc.blocks] == [
        (HEADING, "2", "2. RENT"),
        (TEXT, "", "Monthly rent is $1,990, due on the 1st day of each month."),
        (HEADING, "", "Pets"),
        (TEXT, "", "One cat or one dog under 30 pounds."),
        (TEXT, "", "Rent Due On the 1st."),
        (TEXT, "", "Signed on 3 March by Harbor View Properties LLC and Maria Kowalski."),
    ]


def test_a_table_reads_as_sentences_under_its_header_row_when_it_has_one() -> None:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    tasks = document.add_table(rows=3, cols=2)  # Word's default look: the first row is a header
    task_rows = [("Task", "Owner"), ("Order compost", "Ana"), ("Fix it", "")]
    for row, cells in zip(tasks.rows, task_rows, strict=True):
        row.cells[0].text, row.cells[1].text = cells
    facts = document.add_table(rows=2, cols=2)  # first row reads as values, not as labels
    for row, cells in zip(facts.rows, [("Date", "14 May 2025"), ("Chair", "Ana")], strict=True):
        row.cells[0].text, row.cells[1].text = cells
    marked = document.add_table(rows=2, cols=2)
    marked._tbl.tblPr.remove(marked._tbl.tblPr.find(qn("w:tblLook")))
    marked.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for row, cells in zip(marked.rows, [("Month", "Amount"), ("May", "900 euros")], strict=True):
        row.cells[0].text, row.cells[1].text = cells
    blocks = load_docx(Path("a.docx"), _saved(document)).blocks
    assert [b.text for b in blocks] == [
        "Task Order compost: Owner Ana.",
        "Task Fix it",
        "Date: 14 May 2025.",
        "Chair: Ana.",
        "Month May: Amount 900 euros.",
    ]


def test_damaged_docx(tmp_path: Path) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(IngestError, match=r"\.docx"):
        load(path, path.read_bytes())


def _saved(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_renamed_translated_and_derived_heading_styles_content_controls_and_merged_cells() -> None:
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import qn

    document = docx.Document()
    renamed = document.styles.add_style("Chapter Title", WD_STYLE_TYPE.PARAGRAPH)
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "1")  # outline level 1 is the second level
    renamed.element.get_or_add_pPr().append(outline)
    document.add_paragraph("Renamed heading", style="Chapter Title")
    document.styles.add_style("Überschrift 3", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("German heading", style="Überschrift 3")
    derived = document.styles.add_style("My Heading", WD_STYLE_TYPE.PARAGRAPH)
    derived.base_style = document.styles["Heading 2"]
    document.add_paragraph("Based on heading 2", style="My Heading")
    document.add_paragraph("   ")  # no words: no block
    table = document.add_table(rows=1, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Merged"
    table.cell(0, 2).text = "Other"
    cover = parse_xml(
        '<w:sdt xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:sdtContent><w:p><w:r><w:t>Cover words</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    document.element.body.insert(0, cover)
    doc = load_docx(Path("book.docx"), _saved(document))
    assert [(b.kind, b.level, b.text) for b in doc.blocks] == [
        (TEXT, 0, "Cover words"),
        (HEADING, 2, "Renamed heading"),
        (HEADING, 3, "German heading"),
        (HEADING, 2, "Based on heading 2"),
        (TEXT, 0, "Merged: Other."),  # a merged cell's text once
    ]
    assert doc.title == "Renamed heading"  # no metadata title: the first top-level heading


def test_a_damaged_xml_part_is_reported_with_its_error() -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Rent is due on the third.")
    source = zipfile.ZipFile(io.BytesIO(_saved(document)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = data[: len(data) // 2]
            archive.writestr(info, data)
    with pytest.raises(IngestError, match=r"damaged \.docx file \(XMLSyntaxError"):
        load_docx(Path("cut.docx"), out.getvalue())
