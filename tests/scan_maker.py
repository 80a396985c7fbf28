"""Scanned pages for tests: known text rendered to images, put in PDFs with no text layer.

Pillow draws the text (DejaVu Sans when the system has it, else Pillow's own scalable font, whose
narrow spaces the recognizer tends to drop); Pillow's PDF writer
puts each image on a page with no text at all, which is what a scanner makes. A two-column page
draws two columns of lines side by side, whose reading order is left column, then right.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from pdf_maker import pdf_bytes

FONT_PX = 30
LINE_PX = 50
MARGIN_PX = 60


FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/Library/Fonts/Arial.ttf",
    "C:/Windows/Fonts/arial.ttf",
)


def _font(size: int = FONT_PX) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in FONT_FILES:
        if Path(name).exists():
            return ImageFont.truetype(name, size)
    return ImageFont.load_default(size=size)


def page_image(
    paragraphs: list[str], *, width: int = 1100, height: int | None = None, chars: int = 50
) -> Image.Image:
    """One page: each paragraph wrapped at `chars` characters, a blank line between them."""
    lines: list[str] = []
    for paragraph in paragraphs:
        lines.extend(textwrap.wrap(paragraph, chars) or [""])
        lines.append("")
    height = height or MARGIN_PX * 2 + LINE_PX * len(lines)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = _font()
    for row, line in enumerate(lines):
        draw.text((MARGIN_PX, MARGIN_PX + row * LINE_PX), line, font=font, fill=0)
    return image.convert("RGB")


def two_column_image(left: list[str], right: list[str], *, chars: int = 26) -> Image.Image:
    """A page with two columns of text side by side (and a wide gutter between them)."""
    first = page_image(left, width=620, chars=chars)
    second = page_image(right, width=620, chars=chars)
    height = max(first.height, second.height)
    page = Image.new("RGB", (1320, height), (255, 255, 255))
    page.paste(first, (0, 0))
    page.paste(second, (700, 0))
    return page


def scanned_pdf(images: list[Image.Image]) -> bytes:
    """A PDF whose pages are only these images: no text layer at all."""
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=150, save_all=True, append_images=images[1:])
    return buffer.getvalue()


def mixed_pdf(text_pages: list[str], scans: dict[int, Image.Image]) -> bytes:
    """A PDF of text pages (with a text layer) and, at the given 1-based places, scanned pages."""
    from pypdf import PdfReader, PdfWriter

    text = PdfReader(io.BytesIO(pdf_bytes(text_pages)))
    writer = PdfWriter()
    total = len(text_pages) + len(scans)
    texts = iter(text.pages)
    for number in range(1, total + 1):
        if number in scans:
            scan = PdfReader(io.BytesIO(scanned_pdf([scans[number]])))
            writer.add_page(scan.pages[0])
        else:
            writer.add_page(next(texts))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def write(path: Path, data: bytes | Image.Image, **save: object) -> Path:
    if isinstance(data, Image.Image):
        data.save(path, **save)
    else:
        path.write_bytes(data)
    return path
