"""Word .docx: paragraphs and tables in document order, headings from paragraph styles.

python-docx lists paragraphs and tables separately, which would move every table to the end;
walking the body's XML children keeps a table where the reader sees it. "Heading 1".."Heading
9" and "Title" styles (and their outline level, for renamed or translated styles) give levels.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from nocturne.errors import IngestError
from nocturne.library.blocks import TEXT, Block, LoadedDocument
from nocturne.library.loaders.common import heading, pick_title, squash, text_block
from nocturne.library.loaders.text import heading_over_body

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLE = re.compile(r"^(?:heading|überschrift|titre|título|kop)\s*(\d)$", re.IGNORECASE)


def load_docx(path: Path, data: bytes) -> LoadedDocument:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(
            "not a valid .docx file (damaged, or not a Word document)", path=str(path)
        ) from exc
    except Exception as exc:
        raise IngestError(
            f"damaged .docx file ({type(exc).__name__}: {exc})", path=str(path)
        ) from exc
    try:
        blocks = list(_body_blocks(document))
        title = document.core_properties.title or ""
    except Exception as exc:  # malformed XML parts surface only when read
        raise IngestError(
            f"damaged .docx file ({type(exc).__name__}: {exc})", path=str(path)
        ) from exc
    return LoadedDocument(blocks, title=pick_title(title, blocks, path))


def _body_blocks(document: Any) -> Any:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    body = document.element.body
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            yield from _paragraph_blocks(Paragraph(child, document))
        elif child.tag == f"{_W}tbl":
            yield from _table_blocks(Table(child, document))
        elif (
            child.tag == f"{_W}sdt"
        ):  # content controls (a cover page, a TOC field) hold paragraphs
            for paragraph in child.iter(f"{_W}p"):
                yield from _paragraph_blocks(Paragraph(paragraph, document))


def _paragraph_blocks(paragraph: Any) -> list[Block]:
    """A paragraph's block; two when a line break parts a heading from its body ("2. RENT",
    break, "Monthly rent is ..." in one unstyled paragraph)."""
    raw = paragraph.text
    text = squash(raw)
    if not text:
        return []
    level = _heading_level(paragraph)
    if level:
        return [heading(text, level)]
    lines = [line for line in raw.split("\n") if line.strip()]
    lead = heading_over_body(lines) if len(lines) > 1 else None
    if lead is not None:
        rest = text_block(" ".join(lines[1:]))
        return [lead, rest] if rest else [lead]
    return [Block(text, TEXT)]


def _heading_level(paragraph: Any) -> int:
    try:
        style = paragraph.style
    except Exception:
        return 0
    seen = 0
    while style is not None and seen < 10:
        name = (style.name or "").strip()
        if name.lower() == "title":
            return 1
        match = _HEADING_STYLE.match(name)
        if match:
            return max(1, int(match.group(1)))
        outline = style.element.find(f"{_W}pPr/{_W}outlineLvl")
        if outline is not None:
            value = outline.get(f"{_W}val")
            if value is not None and value.isdigit() and int(value) < 9:
                return int(value) + 1
        style = style.base_style
        seen += 1
    return 0


def _table_blocks(table: Any) -> Any:
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = squash(cell.text)
            if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                cells.append(text)
        if cells:
            yield Block(" | ".join(cells), TEXT)
