"""Lines found by OCR, put back into reading order: columns, then paragraphs by position.

The OCR model returns boxes roughly top to bottom, which interleaves the two columns of a page
line by line. Here boxes on one text line are joined left to right, a wide vertical gutter that
no line crosses splits the page into columns (read left, then right; a title or footer that
spans the gutter is read where it stands), and a gap between lines taller than usual starts a
new paragraph. Pure functions on coordinates, so tests need no model.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

GUTTER_HEIGHTS = 1.2  # a column gutter is at least this many line heights wide
PARAGRAPH_GAP = 0.75  # a gap between lines above this many line heights starts a paragraph


@dataclass(frozen=True)
class OcrLine:
    """One box the OCR read: its text, recognition score (0..1) and bounds in pixels."""

    text: str
    score: float
    left: float
    top: float
    right: float
    bottom: float

    @property
    def height(self) -> float:
        return max(1.0, self.bottom - self.top)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @classmethod
    def from_box(cls, box: Sequence[Sequence[float]], text: str, score: float) -> OcrLine:
        xs = [float(point[0]) for point in box]
        ys = [float(point[1]) for point in box]
        return cls(text, float(score), min(xs), min(ys), max(xs), max(ys))


def join_rows(lines: Sequence[OcrLine]) -> list[OcrLine]:
    """Boxes that share a text line (most of their height overlaps) become one, left to right."""
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda item: (item.middle, item.left)):
        for row in rows:
            last = row[-1]
            overlap = min(last.bottom, line.bottom) - max(last.top, line.top)
            if overlap > 0.6 * min(last.height, line.height) and not _between(row, line):
                row.append(line)
                break
        else:
            rows.append([line])
    joined = []
    for row in rows:
        row.sort(key=lambda item: item.left)
        text = " ".join(item.text.strip() for item in row if item.text.strip())
        weight = sum(len(item.text) for item in row) or 1
        joined.append(
            OcrLine(
                text,
                sum(item.score * len(item.text) for item in row) / weight,
                min(item.left for item in row),
                min(item.top for item in row),
                max(item.right for item in row),
                max(item.bottom for item in row),
            )
        )
    return sorted(joined, key=lambda item: (item.top, item.left))


def _between(row: list[OcrLine], line: OcrLine) -> bool:
    """Whether `line` lies far from the row horizontally (another column's line at that height)."""
    height = statistics.median(item.height for item in row)
    gap = min(abs(line.left - item.right) for item in row)
    gap = min(gap, min(abs(item.left - line.right) for item in row))
    return gap > GUTTER_HEIGHTS * 2 * height


def gutter(lines: Sequence[OcrLine]) -> float | None:
    """The x of a column gutter: a wide vertical strip no line crosses, with text either side."""
    if len(lines) < 4:
        return None
    height = statistics.median(line.height for line in lines)
    left = min(line.left for line in lines)
    right = max(line.right for line in lines)
    width = right - left
    # Lines wider than most of the page (titles, footers) may cross the gutter.
    narrow = [line for line in lines if line.right - line.left < 0.6 * width]
    if len(narrow) < 4:
        return None
    spans = sorted((line.left, line.right) for line in narrow)
    best: tuple[float, float] | None = None
    reach = spans[0][1]
    for start, end in spans[1:]:
        if start > reach and (best is None or start - reach > best[1] - best[0]):
            best = (reach, start)
        reach = max(reach, end)
    if best is None or best[1] - best[0] < GUTTER_HEIGHTS * height:
        return None
    middle = (best[0] + best[1]) / 2
    if not left + 0.2 * width < middle < right - 0.2 * width:
        return None
    before = sum(1 for line in narrow if line.right <= best[0])
    after = sum(1 for line in narrow if line.left >= best[1])
    if before < 2 or after < 2:
        return None
    return middle


def reading_order(lines: Sequence[OcrLine]) -> list[list[OcrLine]]:
    """Text lines in reading order, grouped into paragraphs."""
    rows = join_rows([line for line in lines if line.text.strip()])
    if not rows:
        return []
    split = gutter(rows)
    ordered: list[list[OcrLine]] = []  # runs of lines read as one column
    if split is None:
        ordered.append(rows)
    else:
        band_left: list[OcrLine] = []
        band_right: list[OcrLine] = []
        for row in rows:
            if row.left < split < row.right:  # spans the gutter: ends the band above it
                ordered.extend(part for part in (band_left, band_right) if part)
                ordered.append([row])
                band_left, band_right = [], []
            elif row.right <= split:
                band_left.append(row)
            else:
                band_right.append(row)
        ordered.extend(part for part in (band_left, band_right) if part)
    paragraphs: list[list[OcrLine]] = []
    for column in ordered:
        height = statistics.median(line.height for line in column)
        current: list[OcrLine] = []
        for line in column:
            if current and line.top - current[-1].bottom > PARAGRAPH_GAP * height:
                paragraphs.append(current)
                current = []
            current.append(line)
        if current:
            paragraphs.append(current)
    return paragraphs


def paragraph_text(paragraph: Sequence[OcrLine]) -> str:
    """A paragraph's lines as one string; a word hyphenated across lines is joined again."""
    text = ""
    for line in paragraph:
        piece = respace(line.text.strip())
        if text.endswith("-") and piece[:1].islower() and text[-2:-1].isalpha():
            text = text[:-1] + piece
        else:
            text = f"{text} {piece}" if text else piece
    return text


_CAPS_RUN = re.compile(r"\b([A-Z]{2,})(?=[A-Z][a-z])")  # "INVOICENo." -> "INVOICE No."
_ABBREVIATION_NUMBER = re.compile(r"\b([A-Z][a-z]{0,3}\.)(?=\d)")  # "No.2024" -> "No. 2024"
_COLON = re.compile(r"(?<=[A-Za-z]):(?=[A-Za-z0-9])")  # "due:1,842" -> "due: 1,842"


def respace(text: str) -> str:
    """Put back spaces the recognizer is known to drop between a word and what follows it."""
    text = _CAPS_RUN.sub(r"\1 ", text)
    text = _ABBREVIATION_NUMBER.sub(r"\1 ", text)
    return _COLON.sub(": ", text)


def page_text(lines: Sequence[OcrLine]) -> str:
    """The page as paragraphs separated by blank lines, in reading order."""
    return "\n\n".join(paragraph_text(p) for p in reading_order(lines))


def confidence(lines: Sequence[OcrLine]) -> float | None:
    """Mean recognition score of the page, weighted by characters (None when nothing was read)."""
    weight = sum(len(line.text) for line in lines)
    if not weight:
        return None
    return sum(line.score * len(line.text) for line in lines) / weight
