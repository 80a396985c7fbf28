"""Reading files into page texts. Every failure becomes an `IngestError` naming the reason.

Formats: PDF (pypdf, pages kept), plain text and markup (.txt .md .rst), Word (.docx), HTML and
common source code. Text that is not UTF-8 has its encoding detected (charset-normalizer);
bytes that are not text at all are refused rather than stored as garbage.
"""

from __future__ import annotations

import io
import logging
import warnings
import zipfile
from pathlib import Path

from nocturne.errors import IngestError
from nocturne.library.chunking import PageText

PDF_SUFFIXES = {".pdf"}
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
SUPPORTED_SUFFIXES = PDF_SUFFIXES | TEXT_SUFFIXES | HTML_SUFFIXES | DOCX_SUFFIXES | CODE_SUFFIXES


def kind_of(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return "pdf"
    if suffix in DOCX_SUFFIXES:
        return "docx"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in CODE_SUFFIXES:
        return "code"
    return None


def load(path: Path, data: bytes) -> list[PageText]:
    """Page texts of a file whose bytes were already read (so hashing and loading agree)."""
    kind = kind_of(path)
    if kind is None:
        raise IngestError(
            f"unsupported file type {path.suffix or '(no extension)'}", path=str(path)
        )
    if not data:
        raise IngestError("the file is empty", path=str(path))
    if kind == "pdf":
        pages = _load_pdf(path, data)
    elif kind == "docx":
        pages = _load_docx(path, data)
    elif kind == "html":
        pages = [PageText(None, _html_to_text(decode_text(path, data)))]
    else:
        pages = [PageText(None, decode_text(path, data))]
    if not any(page.text.strip() for page in pages):
        if kind == "pdf":
            raise IngestError("no text layer; scanned PDFs are not supported yet", path=str(path))
        raise IngestError("the file contains no text", path=str(path))
    return pages


def decode_text(path: Path, data: bytes) -> str:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else detected."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise IngestError("damaged UTF-16 text", path=str(path)) from exc
    sample = data[:65536]
    if b"\x00" in sample:
        raise IngestError("binary data, not text (wrong file extension?)", path=str(path))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise IngestError("binary data or an unknown text encoding", path=str(path))
    # Short texts fit several single-byte code pages equally well; on a tie prefer Windows-1252,
    # by far the most common legacy encoding of the documents people keep.
    for match in matches:
        if (
            match.encoding == "cp1252"
            and match.chaos <= best.chaos
            and (match.coherence >= best.coherence - 0.01)
        ):
            best = match
            break
    text = str(best)
    printable = sum(1 for ch in text[:20000] if ch.isprintable() or ch in "\n\r\t")
    if printable < 0.95 * min(len(text), 20000):
        raise IngestError("binary data, not text (wrong file extension?)", path=str(path))
    return text


def _load_pdf(path: Path, data: bytes) -> list[PageText]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    # pypdf logs and warns about every recoverable oddity; damaged files are reported by us.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                try:
                    unlocked = reader.decrypt("")
                except (NotImplementedError, DependencyError) as exc:
                    raise IngestError(
                        f"encrypted with an unsupported method ({exc})", path=str(path)
                    ) from exc
                if not unlocked:
                    raise IngestError("the PDF is encrypted with a password", path=str(path))
            pages = []
            for number, page in enumerate(reader.pages, start=1):
                pages.append(PageText(number, _clean_pdf_text(page.extract_text() or "")))
            return pages
    except IngestError:
        raise
    except FileNotDecryptedError as exc:
        raise IngestError("the PDF is encrypted with a password", path=str(path)) from exc
    except PdfReadError as exc:
        raise IngestError(f"damaged or truncated PDF ({exc})", path=str(path)) from exc
    except RecursionError as exc:
        raise IngestError(
            "damaged PDF (its objects refer to each other in a loop)", path=str(path)
        ) from exc
    except Exception as exc:  # pypdf raises many types on malformed input
        raise IngestError(f"damaged PDF ({type(exc).__name__}: {exc})", path=str(path)) from exc


def _clean_pdf_text(text: str) -> str:
    # Join words hyphenated across lines; keep paragraph breaks.
    return text.replace("-\n", "").replace("\x00", "")


def _load_docx(path: Path, data: bytes) -> list[PageText]:
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
    parts = [p.text for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
            if cells:
                parts.append(" | ".join(cells))
    return [PageText(None, "\n\n".join(parts))]


def _html_to_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "svg"]):
        tag.decompose()
    blocks = []
    for element in soup.find_all(
        [
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "p",
            "li",
            "pre",
            "td",
            "th",
            "blockquote",
            "dt",
            "dd",
            "figcaption",
        ]
    ):
        if element.find(["p", "li", "pre", "blockquote"]):
            continue  # its children are listed themselves
        text = " ".join(element.get_text(" ").split())
        if text:
            blocks.append(text)
    if not blocks:
        return soup.get_text("\n")
    return "\n\n".join(blocks)
