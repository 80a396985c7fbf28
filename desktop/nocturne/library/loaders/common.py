"""Helpers every loader shares: whitespace, heading numbers, tables and the choice of a title.

Kept in one place so that a heading reads the same whether it came from a PDF line, a text
paragraph or an HTML `<h2>`: "4.8.6. Lambda Expressions" always becomes number "4.8.6" and the
same level, and a slug-like metadata title is refused the same way in every format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import pairwise
from pathlib import Path

from nocturne.library.blocks import HEADING, TEXT, Block

_SPACE = re.compile(r"\s+")
# Characters that carry no words and only confuse search: soft hyphen, zero-width marks, NUL.
_INVISIBLE = str.maketrans(
    {
        **dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\x00")),
        # Typographic ligatures (pdfTeX's "ﬁ"): search and the reader want the letters.
        **{
            ord(lig): letters
            for lig, letters in zip(
                "ﬀﬁﬂﬃﬄﬅﬆ", ["ff", "fi", "fl", "ffi", "ffl", "st", "st"], strict=True
            )
        },
    }
)

# "4.8.6. Title", "1.0\tTitle", "A.2 Title", "12) Title" is not accepted (that is a list item).
NUMBERED = re.compile(
    r"^(?P<number>(?:[0-9]{1,3}|[A-Z])(?:\.[0-9]{1,3})+|[0-9]{1,3})\.?[ \t\u00a0]+(?P<title>\S.*)$"
)
# "Chapter 2 Title", "Section 5. Title", "Appendix A: Title", "Part II - Title".
PREFIXED = re.compile(
    r"^(?P<word>Chapter|Section|Part|Appendix|Annex|Article|Lecture|Lesson)[ \t]+"
    r"(?P<number>[0-9]{1,3}(?:\.[0-9]{1,3})*|[A-Z]|[IVXLC]{1,6})\b[.:\-–—]?"
    r"(?:[ \t]+(?P<title>\S.*))?$",
    re.IGNORECASE,
)


def squash(text: str) -> str:
    """One line of plain text: runs of whitespace become one space, invisible marks go."""
    return _SPACE.sub(" ", text.translate(_INVISIBLE)).strip()


def number_level(number: str) -> int:
    """Depth of a section number: "1" and "1.0" are 1, "1.2" is 2, "6.0.5" is 2, "A.1" is 2."""
    parts = [part for part in number.split(".") if part]
    if not parts:
        return 1
    meaningful = [parts[0], *(part for part in parts[1:] if part != "0")]
    return max(1, len(meaningful))


def split_number(text: str) -> tuple[str, str]:
    """A heading's own section number and the rest: "4.8.6. Lambda Expressions" -> ("4.8.6", ...).

    Only numbers followed by a title count; "2024 was a good year" is not numbered because a
    bare number needs a dot ("6. Title") or a prefix word to be a section number... except the
    common "1 Overview" style, accepted when the number is small.
    """
    text = text.strip()
    match = PREFIXED.match(text)
    if match:
        return match.group("number"), text
    match = NUMBERED.match(text)
    if match:
        number = match.group("number")
        if "." not in number and int(number) > 99:
            return "", text
        return number, text
    return "", text


def number_key(number: str) -> tuple[int, ...] | None:
    """Comparable form of a dotted number ("A" = 1 for appendix letters); None if not dotted."""
    key: list[int] = []
    for part in number.split("."):
        if part.isdigit():
            key.append(int(part))
        elif len(part) == 1 and part.isalpha():
            key.append(ord(part.upper()) - ord("A") + 1)
        else:
            return None
    return tuple(key)


def follows(previous: tuple[int, ...] | None, current: tuple[int, ...]) -> bool:
    """Whether `current` can be the next section number after `previous` in a real outline.

    Allows a child ("2.1" -> "2.1.1", first child up to 5 so "6.0" -> "6.0.5" passes), a
    sibling or an ancestor's sibling a little ahead ("2.1" -> "2.2", "2.3", "3", "3.0", "3.1").
    This is what separates "3.2 Compilation Problems" from a stray "3 apples" line.
    """
    if previous is None:
        return current[0] <= 2 and all(part <= 5 for part in current[1:])
    if current[: len(previous)] == previous and len(current) == len(previous) + 1:
        return current[-1] <= 5
    for depth in range(min(len(previous), len(current)), 0, -1):
        if current[: depth - 1] != previous[: depth - 1]:
            continue
        step = current[depth - 1] - previous[depth - 1]
        if 1 <= step <= 2 and all(part <= 1 for part in current[depth:]):
            return True
    return False


def is_slug(title: str, path: Path | None = None) -> bool:
    """A metadata title that names a file, not a document: "developers-reference", "x.doc"."""
    title = title.strip()
    if len(title) < 3 or not any(ch.isalpha() for ch in title):
        return True
    lowered = title.lower()
    if lowered in {"untitled", "untitled document", "document", "title", "unknown", "none"}:
        return True
    if lowered.startswith(("microsoft word - ", "microsoft powerpoint - ")):
        return True
    if re.search(r"\.(docx?|pdf|odt|rtf|txt|html?|tex|dvi|ps|indd|qxd)$", lowered):
        return True
    if " " not in title and re.fullmatch(r"[\w.-]+", title) and re.search(r"[-_.]", title):
        return True
    if " " not in title and title.islower() and len(title) > 12:
        return True
    return path is not None and lowered in {path.stem.lower(), path.name.lower()}


def pick_title(metadata_title: str | None, blocks: Iterable[Block], path: Path) -> str:
    """Metadata title unless slug-like, else the first top-level heading, else ""."""
    candidate = squash(metadata_title or "")
    if candidate and not is_slug(candidate, path):
        return candidate
    headings = [block for block in blocks if block.kind == HEADING]
    if not headings:
        return ""
    top = min(block.level for block in headings)
    first = next(block for block in headings if block.level == top)
    return first.text


def heading(text: str, level: int, *, page: int | None = None, number: str = "") -> Block:
    """A heading block whose number is found in its text when not given."""
    text = squash(text)
    if not number:
        number, _ = split_number(text)
    return Block(text, HEADING, level=max(1, min(level, 9)), page=page, number=number)


def text_block(text: str, kind: str = TEXT, *, page: int | None = None) -> Block | None:
    """A non-heading block, or None when nothing readable is left."""
    text = squash(text)
    return Block(text, kind, page=page) if text else None


def is_label(cell: str) -> bool:
    """A column header's shape: "Owner", "Speed (RPM)"; not "14 May 2025", "$900", a sentence."""
    return (
        bool(cell)
        and len(cell) <= 50
        and len(cell.split()) <= 6
        and not cell.endswith((".", "!", "?", ";", ","))
        and not re.match(r"^[\d$€£¥+\-.]", cell)
    )


def labels_over_values(rows: Sequence[Sequence[str]]) -> bool:
    """Whether a table's first row reads as its column headers when nothing marks it so.

    Yes when every cell of it is a label (`is_label`) without a digit while every row below
    holds one: "Plan | Monthly fee" over "Student | EUR 19". A table of words only gives no
    such sign, and its first row is then read as data, as an unmarked Word table's is.
    """
    if len(rows) < 2 or len(rows[0]) < 2:
        return False
    if not all(is_label(cell) and not _has_digit(cell) for cell in rows[0]):
        return False
    return all(any(_has_digit(cell) for cell in row) for row in rows[1:])


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def table_blocks(
    rows: Sequence[Sequence[str]],
    header_rows: int = 0,
    *,
    page: int | None = None,
    kind: str = TEXT,
) -> list[Block]:
    """A table as text: one block per body row, a sentence that carries its column headers.

    | Setting | Speed (RPM) | Best for | over | 5 | 12,000 | Smoothies | reads "Setting 5: Speed
    (RPM) 12,000; Best for Smoothies." The first cell labels the row, the others follow as
    "header value" pairs, so a row quoted alone still says what its numbers are. The header
    rows are no passage of their own (their words are in every row); several header rows are
    read column by column. A table without a header reads "label: value; value.", and one that
    is all header (no body rows) is read as body.
    """
    cells = [[squash(cell) for cell in row] for row in rows]
    head = [row for row in cells[:header_rows] if any(row)]
    body = [row for row in cells[header_rows:] if any(row)]
    if not body:
        head, body = [], head
    width = max((len(row) for row in head), default=0)
    headers = [
        " ".join(dict.fromkeys(row[column] for row in head if column < len(row) and row[column]))
        for column in range(width)
    ]
    blocks = []
    for row in body:
        text = row_sentence(row, headers)
        if text:
            blocks.append(Block(text, kind, page=page))
    return blocks


# Headers that only say "a name and its value" ("Item | Value", "Feature | Details"): a row
# under them is already a label and its value, and "Item Battery life: Value 65 minutes" is
# the header words in the way of the fact.
_KEY_HEADERS = {
    "attribute", "characteristic", "entry", "feature", "field", "item", "key", "name", "option",
    "parameter", "property", "setting", "spec", "specification", "term",
}  # fmt: skip
_VALUE_HEADERS = {
    "data", "description", "detail", "info", "information", "setting", "spec",
    "specification", "value",
}  # fmt: skip


def row_sentence(cells: Sequence[str], headers: Sequence[str] = ()) -> str:
    """One table row as a sentence: "Setting 5: Speed (RPM) 12,000; Best for Smoothies."."""
    headers = _meaningful_headers(headers)
    pairs = []
    for column, cell in enumerate(cells):
        if not cell:
            continue
        header = headers[column] if column < len(headers) else ""
        pairs.append(f"{header} {cell}" if header and header != cell else cell)
    if len(pairs) < 2:
        return pairs[0] if pairs else ""
    text = pairs[0].rstrip(" :;,") + ": " + pairs[1]
    for before, pair in pairwise(pairs[1:]):
        text += (" " if before.endswith((".", "!", "?")) else "; ") + pair
    return text if text.endswith((".", "!", "?")) else text + "."


def _meaningful_headers(headers: Sequence[str]) -> Sequence[str]:
    """The headers without a generic name/value pair over the first two columns ("Property |
    Value", "Setting | Value"): "Battery life: 65 minutes." The words of a third column's
    header still say something ("Unit"), and a name column under a real header ("Setting |
    Speed (RPM)") keeps its "Setting 5"."""
    if len(headers) < 2:
        return headers
    if _generic_word(headers[0]) in _KEY_HEADERS and _generic_word(headers[1]) in _VALUE_HEADERS:
        return ["", "", *headers[2:]]
    return headers


def _generic_word(header: str) -> str:
    """ "Details", "Detail(s)", "Properties:" -> "detail", "property"; several words stay as
    they are, and so match no generic word."""
    word = header.strip().rstrip(":").lower().removesuffix("(s)")
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word.removesuffix("s")
