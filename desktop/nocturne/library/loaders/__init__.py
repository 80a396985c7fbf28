"""Reading files into typed blocks. Every failure becomes an `IngestError` naming the reason.

Formats: PDF (pypdf, pages kept, cleaned of running headers and page numbers), plain text,
Markdown and reST, Word (.docx), HTML, EPUB, common source code, and images of documents (whose
pages, like a PDF's scanned ones, are listed in `ocr_pages` for the digest to read). Each format
lives in its own module; this one only picks the module by file suffix and applies the checks
every format shares (empty file, no text at all).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from nocturne.errors import IngestError
from nocturne.library.blocks import TOC, LoadedDocument
from nocturne.library.loaders.text import decode_text

if TYPE_CHECKING:
    from nocturne.library.chunking import PageText

PDF_SUFFIXES = {".pdf"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
RST_SUFFIXES = {".rst"}
TEXT_SUFFIXES = {
    ".txt",
    ".md",
    ".markdown",
    ".rst",
    ".text",
    ".org",
    ".adoc",
    ".csv",
    ".tsv",
    ".log",
}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
DOCX_SUFFIXES = {".docx"}
EPUB_SUFFIXES = {".epub"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp"}
CODE_SUFFIXES = {
    ".py",
    ".pyi",
    ".js",
    ".mjs",
    ".ts",
    ".tsx",
    ".jsx",
    ".java",
    ".kt",
    ".c",
    ".h",
    ".cc",
    ".cpp",
    ".hpp",
    ".cs",
    ".go",
    ".rs",
    ".rb",
    ".php",
    ".swift",
    ".scala",
    ".sh",
    ".bash",
    ".zsh",
    ".ps1",
    ".sql",
    ".r",
    ".jl",
    ".lua",
    ".pl",
    ".hs",
    ".ml",
    ".ex",
    ".exs",
    ".clj",
    ".json",
    ".yaml",
    ".yml",
    ".toml",
    ".ini",
    ".cfg",
    ".xml",
    ".css",
    ".scss",
    ".tex",
}
SUPPORTED_SUFFIXES = (
    PDF_SUFFIXES
    | TEXT_SUFFIXES
    | HTML_SUFFIXES
    | DOCX_SUFFIXES
    | EPUB_SUFFIXES
    | CODE_SUFFIXES
    | IMAGE_SUFFIXES
)


def kind_of(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return "pdf"
    if suffix in DOCX_SUFFIXES:
        return "docx"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in EPUB_SUFFIXES:
        return "epub"
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in CODE_SUFFIXES:
        return "code"
    return None


def load(path: Path, data: bytes) -> LoadedDocument:
    """The blocks of a file whose bytes were already read (so hashing and loading agree)."""
    kind = kind_of(path)
    if kind is None:
        raise IngestError(
            f"unsupported file type {path.suffix or '(no extension)'}", path=str(path)
        )
    if not data:
        raise IngestError("the file is empty", path=str(path))
    document = _load_kind(kind, path, data)
    has_text = any(block.text.strip() for block in document.blocks if block.kind != TOC)
    if not has_text and not document.ocr_pages:
        if kind == "pdf":
            raise IngestError("the PDF has no text layer and no scanned pages", path=str(path))
        raise IngestError("the file contains no text", path=str(path))
    return document


def _load_kind(kind: str, path: Path, data: bytes) -> LoadedDocument:
    suffix = path.suffix.lower()
    if kind == "pdf":
        from nocturne.library.loaders.pdf import load_pdf

        return load_pdf(path, data)
    if kind == "docx":
        from nocturne.library.loaders.docx import load_docx

        return load_docx(path, data)
    if kind == "html":
        from nocturne.library.loaders.html import load_html

        return load_html(path, data)
    if kind == "epub":
        from nocturne.library.loaders.epub import load_epub

        return load_epub(path, data)
    if kind == "image":
        from nocturne.library.loaders.image import load_image

        return load_image(path, data)
    if kind == "code":
        from nocturne.library.loaders.text import load_code

        return load_code(path, data)
    if suffix in MARKDOWN_SUFFIXES:
        from nocturne.library.loaders.markup import load_markdown

        return load_markdown(path, data)
    if suffix in RST_SUFFIXES:
        from nocturne.library.loaders.markup import load_rst

        return load_rst(path, data)
    from nocturne.library.loaders.text import load_plain

    return load_plain(path, data)


def pages_of(document: LoadedDocument) -> list[PageText]:
    """Temporary bridge for the page-text chunker: one PageText per page (None when unpaged).

    TOC blocks are left out, as they never become evidence. Remove once ingest consumes
    `LoadedDocument` directly.
    """
    from nocturne.library.chunking import PageText

    order: list[int | None] = []
    texts: dict[int | None, list[str]] = {}
    for block in document.blocks:
        if block.kind == TOC:
            continue
        if block.page not in texts:
            order.append(block.page)
            texts[block.page] = []
        texts[block.page].append(block.text)
    return [PageText(page, "\n\n".join(texts[page])) for page in order]


__all__ = [
    "CODE_SUFFIXES",
    "DOCX_SUFFIXES",
    "EPUB_SUFFIXES",
    "HTML_SUFFIXES",
    "IMAGE_SUFFIXES",
    "MARKDOWN_SUFFIXES",
    "PDF_SUFFIXES",
    "RST_SUFFIXES",
    "SUPPORTED_SUFFIXES",
    "TEXT_SUFFIXES",
    "decode_text",
    "kind_of",
    "load",
    "pages_of",
]
