"""Images of documents: checked when added, every page left for the digest's OCR."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from nocturne.errors import IngestError
from nocturne.library.loaders.image import load_image


def _image_file(*sizes: tuple[int, int], kind: str = "TIFF") -> bytes:
    frames = [Image.new("RGB", size, (255, 255, 255)) for size in sizes]
    out = io.BytesIO()
    frames[0].save(out, kind, save_all=len(frames) > 1, append_images=frames[1:])
    return out.getvalue()


def test_every_page_of_an_image_waits_for_ocr() -> None:
    doc = load_image(Path("fax.tiff"), _image_file((300, 400), (300, 400), (400, 300)))
    assert (doc.blocks, doc.title, doc.pages, doc.ocr_pages) == ([], "", 3, [1, 2, 3])
    photo = load_image(Path("notice.png"), _image_file((640, 480), kind="PNG"))
    assert (photo.pages, photo.ocr_pages) == (1, [1])


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"GIF? no, just words", "not an image"),
        (_image_file((1, 1), kind="PNG"), "1×1 pixels, too small"),
    ],
)
def test_a_bad_image_is_an_ingest_error_of_that_file(data: bytes, reason: str) -> None:
    with pytest.raises(IngestError, match=reason) as raised:
        load_image(Path("/docs/scan.png"), data)
    assert raised.value.path == "/docs/scan.png"
    assert str(raised.value).startswith("/docs/scan.png: ")
