"""Scanned PDFs and images are added at once, waiting for OCR; bad images say what is wrong."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from pypdf import PdfReader, PdfWriter

from nocturne.library import ocr_pages
from nocturne.library.ingest import IngestResult, add_paths
from nocturne.library.store import Store
from nocturne.settings import Settings

from fakes.engine import FakeEngine
from scan_maker import mixed_pdf, page_image, scanned_pdf


def _docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"  # not tmp_path itself: the library lives there
    folder.mkdir()
    return folder


def _add(store: Store, settings: Settings, *paths: Path) -> dict[str, IngestResult]:
    return {Path(r.path).name: r for r in add_paths(store, paths, settings, FakeEngine())}


def test_scans_and_images_wait_for_ocr(store: Store, settings: Settings, tmp_path: Path) -> None:
    tmp_path = _docs(tmp_path)
    page = page_image(["Total due: 1,842.50 EUR"])
    (tmp_path / "invoice.pdf").write_bytes(scanned_pdf([page, page]))
    page.save(tmp_path / "receipt.jpg")
    page.save(tmp_path / "fax.tiff", save_all=True, append_images=[page, page])
    (tmp_path / "lease.pdf").write_bytes(mixed_pdf(["The rent is 900 pounds a month."], {2: page}))
    results = _add(store, settings, tmp_path)
    assert {name: r.status for name, r in results.items()} == dict.fromkeys(results, "added")
    assert (
        results["invoice.pdf"]
        .line()
        .endswith("(2 pages, needs OCR: all scanned, read at the next digest)")
    )
    assert results["fax.tiff"].pages == 3 and results["fax.tiff"].ocr_pages == 3
    assert results["lease.pdf"].ocr_pages == 1 and results["lease.pdf"].chunks == 1
    for name, waiting in (
        ("invoice.pdf", 2),
        ("receipt.jpg", 1),
        ("fax.tiff", 3),
        ("lease.pdf", 1),
    ):
        row = store.document_by_path(str(tmp_path / name))
        assert row.state == ocr_pages.NEEDS_OCR
        assert ocr_pages.counts(store, row.id).pending == waiting
    pending = [(p.name, p.page) for p in ocr_pages.pending_pages(store)]
    assert ("lease.pdf", 2) in pending and ("lease.pdf", 1) not in pending  # text page: no OCR
    # Unchanged on a second add, OCR rows kept.
    again = _add(store, settings, tmp_path)
    assert {r.status for r in again.values()} == {"unchanged"}
    assert len(ocr_pages.pending_pages(store)) == 7


def test_bad_images_are_errors_in_words(store: Store, settings: Settings, tmp_path: Path) -> None:
    tmp_path = _docs(tmp_path)
    (tmp_path / "notes.png").write_text("this is a text file, not a picture")
    Image.new("RGB", (1, 1), "white").save(tmp_path / "dot.png")
    huge = Image.new("1", (20_000, 20_000), 1)  # 1 bit per pixel: 50 MB in memory, a small file
    huge.save(tmp_path / "huge.png")
    (tmp_path / "cut.jpg").write_bytes(_jpeg()[:200])
    results = _add(store, settings, tmp_path)
    assert results["notes.png"].reason == "not an image, or an image format that cannot be read"
    assert results["dot.png"].reason == "the image is 1×1 pixels, too small to hold any text"
    assert "20,000×20,000 pixels, over the limit" in results["huge.png"].reason
    assert results["cut.jpg"].status == "error" and "image" in results["cut.jpg"].reason
    assert all(r.status == "error" for r in results.values())


def test_encrypted_scanned_pdf_says_so(store: Store, settings: Settings, tmp_path: Path) -> None:
    tmp_path = _docs(tmp_path)
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(scanned_pdf([page_image(["Secret"])]))))
    writer.encrypt("letmein")
    with (tmp_path / "locked.pdf").open("wb") as handle:
        writer.write(handle)
    result = _add(store, settings, tmp_path)["locked.pdf"]
    assert result.status == "error" and result.reason == "the PDF is encrypted with a password"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    page_image(["x"]).save(buffer, "JPEG")
    return buffer.getvalue()


def test_the_pages_ocr_could_not_read_are_listed_by_document(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    tmp_path = _docs(tmp_path)
    page = page_image(["Total due: 1,842.50 EUR"])
    (tmp_path / "invoice.pdf").write_bytes(scanned_pdf([page, page, page]))
    page.save(tmp_path / "receipt.jpg")
    _add(store, settings, tmp_path)
    assert ocr_pages.problems_by_document(store) == {}
    pending = ocr_pages.pending_pages(store)
    first, second, third = (p for p in pending if p.name == "invoice.pdf")
    (photo,) = (p for p in pending if p.name == "receipt.jpg")
    ocr_pages.record(store, first, state=ocr_pages.DONE, text="Total due: 1,842.50 EUR")
    ocr_pages.record(store, third, state=ocr_pages.EMPTY, message="OCR found no text")
    ocr_pages.record(store, second, state=ocr_pages.ERROR, message="cannot be rendered")
    ocr_pages.record(store, photo, state=ocr_pages.DONE, text="Total due")
    assert ocr_pages.problems_by_document(store) == {
        first.document_id: ((2, "cannot be rendered"), (3, "OCR found no text"))
    }
    assert ocr_pages.problems_by_document(store)[first.document_id] == tuple(
        ocr_pages.problems(store, first.document_id)
    )
