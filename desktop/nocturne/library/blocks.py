"""What a loader yields: a document as typed blocks in reading order, not one string per page.

Like Unstructured's elements or Docling's items, each block has a kind, plain text (never markup:
no `#`, no tags, no `**`) and, for headings, a level. Running headers, footers and page numbers
are dropped by the loader; table-of-contents and index pages are kept as `toc` blocks, which the
section tree may use but which never become evidence. The section tree is built once from the
heading blocks (`library/sections.py`), so every chunk and sentence knows its section.
"""

from __future__ import annotations

from dataclasses import dataclass, field

HEADING = "heading"
TEXT = "text"  # a paragraph, list item, definition, table row or caption
CODE = "code"  # preformatted text (kept, line breaks flattened like any text)
TOC = "toc"  # table of contents / index lines: structure only, never quoted

BLOCK_KINDS = (HEADING, TEXT, CODE, TOC)


@dataclass(frozen=True)
class Block:
    text: str
    kind: str = TEXT
    level: int = 0  # heading level, 1 = top; 0 for other kinds
    page: int | None = None  # 1-based page of paged formats (PDF), else None
    number: str = ""  # a heading's own section number when it has one: "4.3", "6", "A"

    def __post_init__(self) -> None:
        if self.kind not in BLOCK_KINDS:
            raise ValueError(f"unknown block kind {self.kind!r}")


@dataclass(frozen=True)
class LoadedDocument:
    """Everything a loader learned about a file."""

    blocks: list[Block]
    title: str = ""  # from metadata or the first top heading; "" when none is known
    pages: int | None = None  # page count of paged formats
    # What the loader had to do that a person may want to know ("page 3 read with PDFium:
    # pypdf lost the spaces between words"); shown nowhere yet, kept for logs and tests.
    remarks: list[str] = field(default_factory=list)
    # 1-based pages with no text layer to read (scans, photos): the digest OCRs them.
    ocr_pages: list[int] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(block.text for block in self.blocks if block.kind != TOC)
