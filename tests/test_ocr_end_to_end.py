"""Scanned pages end to end with the real OCR model, through the command line: a scanned
invoice (one page turned sideways), a two-column photo and a PDF with one scanned page are
added, digested, and asked about things written only in the images. Four small pages, about
3 s each on two cores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nocturne.cli import main

from scan_maker import mixed_pdf, page_image, scanned_pdf, two_column_image
from support import FAKE_ENGINE

pytest.importorskip("rapidocr_onnxruntime")
pytestmark = pytest.mark.slow


def _ask(capsys: pytest.CaptureFixture[str], question: str) -> dict[str, object]:
    capsys.readouterr()
    assert main(["ask", question, "--json"]) == 0
    return dict(json.loads(capsys.readouterr().out))


def test_scans_are_read_and_answered_with_pages(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    docs = tmp_path / "docs"
    docs.mkdir()
    invoice = page_image(["INVOICE 2024-117", "Total due: 1,842.50 EUR, payable within 30 days."])
    heater = page_image(["The water heater was replaced on 3 March 2024 by Gareth Lloyd."])
    (docs / "invoice.pdf").write_bytes(scanned_pdf([invoice, heater.rotate(90, expand=True)]))
    two_column_image(
        ["Left column first. The parking permit costs 45 euros."],
        ["Right column next. The gate code is 4471."],
    ).save(docs / "notice.png")
    (docs / "lease.pdf").write_bytes(
        mixed_pdf(
            ["This lease is for the flat on Mill Lane."],
            {2: page_image(["The deposit is 900 pounds."])},
        )
    )
    assert main(["add", str(docs)]) == 0
    added = capsys.readouterr().out
    assert "invoice.pdf (2 pages, needs OCR: all scanned" in added
    assert "lease.pdf (2 pages, 1 chunk, needs OCR: 1 scanned" in added

    assert main(["digest", "--budget", "low"]) == 0
    assert "Digest finished" in capsys.readouterr().out

    for question, expected, document, page in (
        ("What is the total due on the invoice?", "1,842.50", "invoice.pdf", 1),
        ("Who replaced the water heater?", "Gareth Lloyd", "invoice.pdf", 2),
        ("What is the gate code?", "4471", "notice.png", 1),
        ("How much is the deposit?", "900 pounds", "lease.pdf", 2),
    ):
        answer = _ask(capsys, question)
        assert expected in str(answer["answer"]), question
        citations = answer["citations"]
        assert isinstance(citations, list)
        first = citations[0]
        assert (first["document"], first["page"], first.get("ocr")) == (document, page, True)

    capsys.readouterr()
    assert main(["ask", "Who replaced the water heater?"]) == 0
    assert "invoice.pdf, p. 2 (OCR)" in capsys.readouterr().out
