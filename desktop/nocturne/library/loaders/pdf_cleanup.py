"""Clean-up of PDF page text: what a reader's eye skips, taken out before chunking.

Running headers and footers (lines repeated at the top or bottom of most pages, page numbers
allowed to vary), bare page numbers, end-of-line hyphens and table-of-contents or index pages.
Each rule is a cheap pass over lines, so cleaning costs little next to pypdf's extraction.
"""

from __future__ import annotations

import re
from collections import Counter

# A well-formed roman numeral up to 399 (front matter): "xiv" is a page number, while words made
# of the same letters ("did", "mild", "vivid") that end a page are text.
_ROMAN = r"(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_PAGE_NUMBER = re.compile(
    rf"^(?:page\s+)?[-–—(\[]?\s*(?:\d{{1,4}}|{_ROMAN})\s*[-–—)\]]?(?:\s*(?:of|/)\s*\d{{1,4}})?$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
# "2.1 Lexical conventions ........ 12", "Index 87", "bit fields, 4, 12–14"
_TOC_LINE = re.compile(r"(?:\.\s*){3,}\s*\d{1,4}$|\s\d{1,4}$|,\s*\d{1,4}(?:[-–]\d{1,4})?$")
_LEADERS = re.compile(r"(?:\.\s*){3,}|…{2,}")
_EDGE = 2  # lines looked at on each edge of a page


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(line.strip()))


def _shape(line: str) -> str:
    """A line without its numbers, so "Chapter 3 · page 41" repeats as one shape."""
    return " ".join(_DIGITS.sub("", line).split()).lower()


def _running(shape: str, running: set[str]) -> bool:
    """Whether a line's shape is a running header's, allowing OCR slips ("VICKSBUEG")."""
    if shape in running:
        return True
    from difflib import SequenceMatcher

    for known in running:
        close = abs(len(known) - len(shape)) <= 3 and len(shape) >= 8
        if close and SequenceMatcher(None, known, shape).ratio() >= 0.85:
            return True
    return False


def running_lines(pages: list[list[str]]) -> set[str]:
    """Shapes of lines repeated on the top or bottom edge of most pages (at least three)."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        edges = {_shape(line) for line in lines[:_EDGE] + lines[-_EDGE:] if line.strip()}
        counts.update(edges)
    needed = max(3, int(0.5 * len(pages)))
    return {shape for shape, count in counts.items() if count >= needed and shape}


def strip_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Pages without running headers/footers and without page-number lines at their edges."""
    running = running_lines(pages)
    cleaned = []
    for lines in pages:
        lines = [line for line in lines if line.strip()]
        keep = list(lines)
        top = min(_EDGE + 1, len(keep))
        for index in range(len(keep)):
            on_edge = index < top or index >= len(keep) - (_EDGE + 1)
            line = keep[index]
            if on_edge and (is_page_number(line) or (running and _running(_shape(line), running))):
                keep[index] = ""
        cleaned.append([line for line in keep if line])
    return cleaned


def is_toc_page(lines: list[str]) -> bool:
    """A contents or index page: most lines end in a page number, many with dot leaders."""
    body = [line.strip() for line in lines if line.strip()]
    if len(body) < 5:
        return False
    numbered = sum(1 for line in body if _TOC_LINE.search(line))
    leaders = sum(1 for line in body if _LEADERS.search(line))
    heading = any(
        re.match(r"^(table of )?contents$|^index$", line, re.IGNORECASE) for line in body[:3]
    )
    share = numbered / len(body)
    return (leaders >= 3 and share >= 0.5) or share >= 0.7 or (heading and share >= 0.4)


def vocabulary(pages: list[list[str]]) -> Counter[str]:
    """Lower-case words of the document, to tell "recog-nised" from "well-known"."""
    words: Counter[str] = Counter()
    for lines in pages:
        for line in lines:
            words.update(word.lower() for word in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", line))
    return words


def join_hyphen(left: str, right: str, words: Counter[str]) -> str | None:
    """The two lines joined across an end-of-line hyphen, or None to keep them apart.

    Joined when the next line starts lower case, except when the document spells the compound
    with a hyphen and never without, or uses both halves as words elsewhere but never the joined
    word ("well-known" stays "well-known"; "recog-nised" becomes "recognised").
    """
    if not left.endswith("-") or left.endswith("--") or not right[:1].islower():
        return None
    head = re.search(r"([^\W\d_]+)-$", left)
    tail = re.match(r"([^\W\d_]+)", right)
    if head is None or tail is None:
        return None
    joined = (head.group(1) + tail.group(1)).lower()
    hyphenated = f"{head.group(1)}-{tail.group(1)}".lower()
    halves = words[head.group(1).lower()] >= 2 and words[tail.group(1).lower()] >= 2
    if joined not in words and (hyphenated in words or halves):
        return left + right
    return left[:-1] + right


def spaces_lost(text: str) -> bool:
    """pypdf's failure on some pdfTeX files: words run together ("Thisdocumentmaybeused")."""
    words = text.split()
    letters = sum(len(word) for word in words)
    if letters < 200:
        return False
    return letters / len(words) > 12
