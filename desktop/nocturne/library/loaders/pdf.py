"""PDF with pypdf: pages kept, cleaned, cut into paragraphs and headings.

Headings come from the outline (bookmarks) when the file has one, each placed on its page at
the line that carries its title (or at the page's start); otherwise from numbered heading lines
("4.3 The camlidldll script", "Chapter 6 Hints on writing IDL files") whose numbers follow one
another as a real outline's do. Pages whose text lost the spaces between words are re-read
with PDFium when it is installed. Contents and index pages become `toc` blocks. Pages that
carry an image and (almost) no text layer are scans: they are listed in `ocr_pages`, and their
text comes later, from the digest's OCR.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from pathlib import Path
from typing import Any

from nocturne.errors import IngestError
from nocturne.library.blocks import TEXT, TOC, Block, LoadedDocument
from nocturne.library.loaders.common import (
    PREFIXED,
    follows,
    heading,
    number_key,
    number_level,
    pick_title,
    split_number,
    squash,
)
from nocturne.library.loaders.pdf_cleanup import (
    is_toc_page,
    join_hyphen,
    spaces_lost,
    strip_page_furniture,
    vocabulary,
)

_SENTENCE_END = re.compile(r"[.!?:;\"”’)]$")
# A scanned page may still carry a few characters of text (a stamp, "Scanned with …"): below
# this many letters and digits, with an image on the page, the page is read by OCR instead.
SCANNED_MAX_CHARACTERS = 40
_FEW_LINES = 6  # a page with fewer lines measures its margin by the whole document's


def load_pdf(path: Path, data: bytes) -> LoadedDocument:
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
            texts = [(page.extract_text() or "").replace("\x00", "") for page in reader.pages]
            scanned = [
                index + 1 for index, text in enumerate(texts) if _scanned(text, reader.pages[index])
            ]
            outline = _outline(reader)
            title = _metadata_title(reader)
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
    remarks: list[str] = []
    for number in scanned:
        texts[number - 1] = ""  # OCR reads the whole page, stamp included
    _repair_spacing(data, texts, remarks)
    blocks = page_blocks([text.split("\n") for text in texts], outline)
    return LoadedDocument(
        blocks,
        title=_title(title, blocks, path),
        pages=len(texts),
        remarks=remarks,
        ocr_pages=scanned,
    )


def _scanned(text: str, page: Any) -> bool:
    """A page with (almost) no text layer and an image on it: a scan or a photo."""
    if sum(ch.isalnum() for ch in text) >= SCANNED_MAX_CHARACTERS:
        return False
    try:
        return _has_image(page.get("/Resources"), depth=0)
    except Exception:  # odd resources: read it anyway, OCR says when there is nothing
        return True


def _has_image(resources: Any, depth: int) -> bool:
    objects = resources.get_object().get("/XObject") if resources is not None else None
    if objects is None or depth > 3:
        return False
    for ref in objects.get_object().values():
        item = ref.get_object()
        subtype = item.get("/Subtype")
        if subtype == "/Image":
            return True
        if subtype == "/Form" and _has_image(item.get("/Resources"), depth + 1):
            return True
    return False


def _title(metadata: str, blocks: list[Block], path: Path) -> str:
    """Metadata title; else a short first line of page 1 standing above the first heading."""
    chosen = pick_title(metadata, [], path)
    if chosen:
        return chosen
    first = blocks[0] if blocks else None
    if first is not None and first.kind == TEXT and first.page == 1:
        words = first.text.split()
        if 2 <= len(words) <= 12 and not first.text.endswith("."):
            return first.text
    return pick_title(None, blocks, path)


def _metadata_title(reader: Any) -> str:
    try:
        metadata = reader.metadata
        return str(metadata.title or "") if metadata is not None else ""
    except Exception:
        return ""


def _outline(reader: Any) -> list[tuple[str, int, int]]:
    """(title, level, 0-based page) of every bookmark; [] when there are none or they are bad."""
    found: list[tuple[str, int, int]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
                continue
            try:
                page = reader.get_destination_page_number(item)
            except Exception:
                continue
            title = squash(str(getattr(item, "title", "") or ""))
            if title and page is not None and page >= 0:
                found.append((title, level, page))

    try:
        walk(reader.outline, 1)
    except Exception:
        return []
    return found


def _repair_spacing(data: bytes, texts: list[str], remarks: list[str]) -> None:
    """Re-read pages whose words ran together with PDFium, which keeps the spaces."""
    broken = [index for index, text in enumerate(texts) if spaces_lost(text)]
    if not broken:
        return
    try:
        import pypdfium2
    except ImportError:
        remarks.append(f"{len(broken)} page(s) lost the spaces between words; PDFium is missing")
        return
    try:
        document = pypdfium2.PdfDocument(data)
        try:
            for index in broken:
                page = document[index]
                text = page.get_textpage().get_text_range()
                if text.strip() and not spaces_lost(text):
                    texts[index] = text.replace("\r\n", "\n").replace("\r", "\n")
                    remarks.append(
                        f"page {index + 1} read with PDFium: pypdf lost the spaces between words"
                    )
        finally:
            document.close()
    except Exception as exc:  # PDFium refusing the file leaves pypdf's text in place
        remarks.append(f"PDFium could not re-read the pages ({type(exc).__name__})")


def page_blocks(pages: list[list[str]], outline: list[tuple[str, int, int]]) -> list[Block]:
    """Blocks of cleaned pages; page numbers are 1-based in the blocks."""
    pages = strip_page_furniture(pages)
    words = vocabulary(pages)
    by_page: dict[int, list[tuple[str, int]]] = {}
    for title, level, page in outline:
        by_page.setdefault(page, []).append((title, level))
    blocks: list[Block] = []
    previous: tuple[int, ...] | None = None
    document_width = _width([line for lines in pages for line in lines])
    for index, lines in enumerate(pages):
        number = index + 1
        if is_toc_page(lines):
            blocks.extend(Block(squash(line), TOC, page=number) for line in lines if squash(line))
            continue
        pending = list(by_page.get(index, []))
        paragraph: list[str] = []
        width = _width(lines, document_width)

        for line in lines:
            line = line.strip()
            found = _outline_match(line, pending) if outline else None
            if found is not None:
                _flush(paragraph, blocks, number)
                blocks.append(heading(line, found, page=number))
                continue
            if not outline:
                numbered = _numbered_line(line, previous)
                if numbered is not None:
                    _flush(paragraph, blocks, number)
                    blocks.append(heading(line, numbered[1], page=number, number=numbered[0]))
                    previous = number_key(numbered[0]) or previous
                    continue
            if paragraph:
                joined = join_hyphen(paragraph[-1], line, words)
                if joined is not None:
                    paragraph[-1] = joined
                else:
                    paragraph.append(line)
            else:
                paragraph.append(line)
            short = len(line) < 0.6 * width and not line.endswith(("-", ","))
            if short or (_SENTENCE_END.search(line) and len(line) < 0.85 * width):
                _flush(paragraph, blocks, number)
        _flush(paragraph, blocks, number)
        # Bookmarks whose title was not found on the page open it.
        for title, level in reversed(pending):
            first = next((i for i, b in enumerate(blocks) if b.page == number), len(blocks))
            blocks.insert(first, heading(title, level, page=number))
    return blocks


def _flush(paragraph: list[str], blocks: list[Block], page: int) -> None:
    """The lines gathered so far become one text block."""
    text = squash(" ".join(paragraph))
    paragraph.clear()
    if text:
        blocks.append(Block(text, TEXT, page=page))


def _width(lines: list[str], usual: int = 80) -> int:
    """The page's right margin: its 90th-percentile line length. A page of a few lines has no
    margin of its own (with two lines that is the shorter one, so a short title line over a
    paragraph would not look short): it takes the document's, `usual`."""
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if len(lengths) < _FEW_LINES:
        return max(lengths[-1], usual) if lengths else usual
    return lengths[int(0.9 * (len(lengths) - 1))]


def _fold(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.lower()).strip()


def _unnumbered(text: str) -> str:
    number, _ = split_number(text)
    return text[len(number) :].lstrip(". ") if number and text.startswith(number) else text


def _outline_match(line: str, pending: list[tuple[str, int]]) -> int | None:
    """The level of the bookmark this line is the title of (and forget that bookmark)."""
    if not pending or len(line) > 200:
        return None
    folded = _fold(line)
    if not folded:
        return None
    line_bare = _fold(_unnumbered(line))
    for position, (title, level) in enumerate(pending):
        wanted = _fold(title)
        bare = _fold(_unnumbered(title))
        if folded == wanted or (bare and line_bare == bare):
            del pending[position]
            return level
    return None


def _numbered_line(line: str, previous: tuple[int, ...] | None) -> tuple[str, int] | None:
    """(number, level) when the line is a numbered heading that fits the outline so far."""
    if len(line) > 90 or len(line.split()) > 14 or len(line) < 3:
        return None
    if line.endswith((".", ",", ";", ":")) and not PREFIXED.match(line):
        return None
    number, _ = split_number(line)
    if not number:
        return None
    prefixed = PREFIXED.match(line)
    title = (prefixed.group("title") or "") if prefixed else line[len(number) :].lstrip(". ")
    if prefixed is None and (not title or not title[0].isupper()):
        return None
    if title and sum(ch.isalpha() for ch in title) < 0.5 * len(title.replace(" ", "")):
        return None  # "2 3 4 5" table rows, formulas
    key = number_key(number)
    if prefixed is None:
        if key is None or not follows(previous, key):
            return None
        return number, number_level(number)
    return number, 1 if key is None else number_level(number)
