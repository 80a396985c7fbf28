"""Photos and scans of documents (.png .jpg .jpeg .tif .tiff .webp, multi-page TIFF).

Nothing can be read from an image when it is added; it is checked (a real image, not 1×1 pixel,
not 20,000×20,000) and stored with every page waiting for OCR, which the digest does.
"""

from __future__ import annotations

from pathlib import Path

from nocturne.errors import IngestError
from nocturne.library.blocks import LoadedDocument
from nocturne.ocr.pages import OcrPageError, image_page_count


def load_image(path: Path, data: bytes) -> LoadedDocument:
    try:
        pages = image_page_count(data)
    except OcrPageError as exc:
        raise IngestError(exc.message, path=str(path)) from exc
    return LoadedDocument([], title="", pages=pages, ocr_pages=list(range(1, pages + 1)))
