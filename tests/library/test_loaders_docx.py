"""Word .docx: headings from styles, tables where they stand, list paragraphs as text."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne.errors import IngestError
from nocturne.library.blocks import HEADING, TEXT
from nocturne.library.loaders import load


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
        (TEXT, 0, "", "Month | Amount"),
        (TEXT, 0, "", "May | 900 euros"),
        (HEADING, 2, "1.1", "1.1 Late payment"),
        (TEXT, 0, "", "A reminder comes first."),
    ]
    assert doc.title == "The Lease"  # the metadata title names a file


def test_damaged_docx(tmp_path: Path) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(IngestError, match=r"\.docx"):
        load(path, path.read_bytes())
