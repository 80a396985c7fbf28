"""Word .docx: paragraphs and tables in document order, headings from paragraph styles.

python-docx lists paragraphs and tables separately, which would move every table to the end;
walking the body's XML children keeps a table where the reader sees it. "Heading 1".."Heading
9" and "Title" styles (and their outline level, for renamed or translated styles) give levels. A
table's body rows become sentences that carry its header row's cells.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from nocturne.errors import IngestError
from nocturne.library.blocks import TEXT, Block, LoadedDocument
from nocturne.library.loaders.common import (
    heading,
    is_label,
    pick_title,
    squash,
    table_blocks,
    text_block,
)
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


def _table_blocks(table: Any) -> list[Block]:
    """The table's body rows as sentences that carry the header row's cells (`table_blocks`).

    A cell merged across columns is listed once per column by python-docx: it is read once.
    """
    rows: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        seen: list[Any] = []
        for cell in row.cells:
            if any(cell._tc is other for other in seen):
                continue  # one merged cell, listed again
            seen.append(cell._tc)
            cells.append(squash(cell.text))
        rows.append(cells)
    return table_blocks(rows, 1 if _has_header_row(table, rows) else 0)


def _has_header_row(table: Any, rows: list[list[str]]) -> bool:
    """Whether the first row is the table's column headers.

    Yes when Word says so (the row repeats as a header on every page, or all its text is
    bold), or when the table's style formats its first row as a header (Word's default for a
    new table) and that row reads as labels: every cell filled, short, and none a number.
    """
    if len(rows) < 2 or len(rows[0]) < 2 or not table.rows:
        return False
    first = table.rows[0]._tr
    if first.find(f"{_W}trPr/{_W}tblHeader") is not None:
        return True
    runs = [run for run in first.iter(f"{_W}r") if "".join(run.itertext()).strip()]
    if runs and all(_bold(run) for run in runs):
        return True
    look = table._tbl.find(f"{_W}tblPr/{_W}tblLook")
    if look is None:
        return False
    flag = look.get(f"{_W}firstRow")
    value = look.get(f"{_W}val") or "0"
    try:
        first_row = flag in ("1", "true", "on") if flag is not None else bool(int(value, 16) & 0x20)
    except ValueError:
        return False
    return first_row and all(is_label(cell) for cell in rows[0])


def _bold(run: Any) -> bool:
    mark = run.find(f"{_W}rPr/{_W}b")
    return mark is not None and mark.get(f"{_W}val", "1") not in ("0", "false", "off")
