"""Pages as images: image files checked when added, their frames and PDF pages rendered for OCR."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from nocturne.ocr.pages import OcrPageError, image_page, image_page_count, pdf_page

from pdf_maker import pdf_bytes


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG file whose header claims this size (no pixels are ever made)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00"))
        + _chunk(b"IEND", b"")
    )


def _png(width: int = 200, height: int = 100) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height), 255).save(out, "PNG")
    return out.getvalue()


def _tiff(heights: list[int]) -> bytes:
    frames = [Image.new("L", (100, height), 255) for height in heights]
    out = io.BytesIO()
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:])
    return out.getvalue()


def test_image_page_count_counts_frames() -> None:
    assert image_page_count(_png()) == 1
    assert image_page_count(_tiff([60, 70, 80])) == 3


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"hello, not an image", "not an image, or an image format that cannot be read"),
        (png_claiming(8, 100), "the image is 8×100 pixels, too small to hold any text"),
        (
            png_claiming(20_000, 20_000),
            "the image is 20,000×20,000 pixels, over the limit of 60 megapixels",
        ),
        (_png()[:-30], r"damaged image \(OSError"),  # cut short: found when the file is added
    ],
)
def test_a_bad_image_file_is_refused_in_words(data: bytes, reason: str) -> None:
    with pytest.raises(OcrPageError, match=reason):
        image_page_count(data)


def test_image_page_reads_one_frame_as_rgb() -> None:
    page = image_page(_tiff([60, 70, 80]), 2)
    assert (page.mode, page.size) == ("RGB", (100, 70))
    with pytest.raises(OcrPageError, match="the image has no page 5"):
        image_page(_tiff([60, 70]), 5)


def test_pdf_page_is_rendered_with_its_long_side_at_2000_pixels() -> None:
    page = pdf_page(pdf_bytes(["Hello", "World"]), 2)  # A4-like 612 × 842 points
    assert page.mode == "RGB"
    assert page.size[1] == 2000 and 1450 <= page.size[0] <= 1456


@pytest.mark.parametrize("number", [0, 3])
def test_pdf_page_outside_the_document(number: int) -> None:
    with pytest.raises(OcrPageError, match=f"the PDF has no page {number}"):
        pdf_page(pdf_bytes(["One", "Two"]), number)


def _encrypted(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(["Private words."]))))
    writer.encrypt(user_password=user_password, owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_page_of_an_encrypted_or_broken_pdf() -> None:
    with pytest.raises(OcrPageError, match="the PDF is encrypted with a password"):
        pdf_page(_encrypted("secret"), 1)
    assert pdf_page(_encrypted(""), 1).size[1] == 2000  # an empty user password opens
    with pytest.raises(OcrPageError, match="the PDF cannot be rendered"):
        pdf_page(b"not a pdf at all", 1)
