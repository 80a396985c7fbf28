"""Pages as images: image files (multi-page TIFF included) and PDF pages rendered by PDFium.

Checked when a file is added (`image_page_count`), so a file that is not an image, a 1×1 pixel
image or a 20,000×20,000 pixel one is an error of that file at once, in words, rather than a
failure in the middle of a night's digest. `OcrPageError` is one page's problem.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from nocturne.errors import KnownError

if TYPE_CHECKING:
    from PIL.Image import Image

MIN_SIDE_PX = 16  # below this no line of text fits
MAX_PIXELS = 60_000_000  # an A4 page at 600 dpi is 35 Mpx; more is a poster or a bomb
MAX_FRAMES = 2000
RENDER_LONG_SIDE_PX = 2000  # what the OCR model works at (longer sides are scaled down to it)
MAX_RENDER_SCALE = 300 / 72  # never above 300 dpi


class OcrPageError(KnownError):
    """A page (or a whole image file) that cannot be read, with the reason in words."""


def _open(data: bytes) -> Image:
    """The image, opened but not decoded: its size is checked before any pixel is read."""
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    # Pillow's own guard would refuse a huge image with a bare "Image size" message; ours
    # (`_check_size`, before decoding) says how big it is and what the limit is.
    PILImage.MAX_IMAGE_PIXELS = None
    try:
        return PILImage.open(io.BytesIO(data))
    except UnidentifiedImageError as exc:
        raise OcrPageError("not an image, or an image format that cannot be read") from exc
    except Exception as exc:  # Pillow raises many types on damaged files
        raise OcrPageError(f"damaged image ({type(exc).__name__}: {exc})") from exc


def _check_size(width: int, height: int) -> None:
    if width < MIN_SIDE_PX or height < MIN_SIDE_PX:
        raise OcrPageError(f"the image is {width}×{height} pixels, too small to hold any text")
    if width * height > MAX_PIXELS:
        raise OcrPageError(
            f"the image is {width:,}×{height:,} pixels, over the limit of "
            f"{MAX_PIXELS // 1_000_000} megapixels"
        )


def image_page_count(data: bytes) -> int:
    """How many pages (frames) an image file has; raises OcrPageError for a bad one."""
    image = _open(data)
    _check_size(*image.size)
    frames = int(getattr(image, "n_frames", 1) or 1)
    try:
        image.verify()  # reads the whole file: a truncated one fails here, not at night
    except Exception as exc:
        raise OcrPageError(f"damaged image ({type(exc).__name__}: {exc})") from exc
    return min(frames, MAX_FRAMES)


def image_page(data: bytes, page: int) -> Image:
    """Page `page` (1-based) of an image file, as an RGB image."""
    image = _open(data)
    try:
        if page > 1:
            image.seek(page - 1)
        _check_size(*image.size)
        image.load()
        return image.convert("RGB")
    except OcrPageError:
        raise
    except EOFError as exc:
        raise OcrPageError(f"the image has no page {page}") from exc
    except Exception as exc:
        raise OcrPageError(f"damaged image ({type(exc).__name__}: {exc})") from exc


def pdf_page(data: bytes, page: int) -> Image:
    """Page `page` (1-based) of a PDF rendered for OCR (long side about 2,000 pixels)."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data, password="")
    except pypdfium2.PdfiumError as exc:
        reason = str(exc).lower()
        if "password" in reason:
            raise OcrPageError("the PDF is encrypted with a password") from exc
        raise OcrPageError(f"the PDF cannot be rendered ({exc})") from exc
    try:
        if not 1 <= page <= len(document):
            raise OcrPageError(f"the PDF has no page {page}")
        pdf = document[page - 1]
        width, height = pdf.get_size()
        if width <= 0 or height <= 0:
            raise OcrPageError(f"page {page} has no size")
        scale = min(MAX_RENDER_SCALE, RENDER_LONG_SIDE_PX / max(width, height))
        try:
            bitmap = pdf.render(scale=scale, grayscale=True)
            image = bitmap.to_pil().convert("RGB")
        except pypdfium2.PdfiumError as exc:
            raise OcrPageError(f"page {page} cannot be rendered ({exc})") from exc
        return image
    finally:
        document.close()
