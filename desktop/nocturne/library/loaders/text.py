"""Plain text: bytes to str, then paragraphs and the headings a person would see in them.

A text file has no markup, so structure is inferred from layout conventions that hold across
FAQs, licences and READMEs: a numbered line standing as its own paragraph ("1.2.3<tab>Title",
"Chapter 2 Title"), an ALL-CAPS or centred short line, a licence's numbered clauses ("6. As an
exception ..."), and a table of contents (a run of numbered lines with no body between them).
Hard-wrapped lines are joined; no word is dropped (a clause heading repeats its first words,
and the whole clause still follows as text). A table drawn with pipes or a grid of borders
(`text_tables`) is read as any format's table: one sentence per row, with its headers.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path

from nocturne.errors import IngestError
from nocturne.library.blocks import CODE, HEADING, TEXT, TOC, Block, LoadedDocument
from nocturne.library.loaders.common import (
    PREFIXED,
    follows,
    heading,
    number_key,
    number_level,
    pick_title,
    split_number,
    squash,
    table_blocks,
    text_block,
)
from nocturne.library.loaders.text_tables import TextTable, find_tables

_BLANK = re.compile(r"\n[ \t\f\v]*\n")
_CLAUSE = re.compile(r"^[ \t]{0,3}(?P<number>[0-9]{1,2})\.[ \t]+(?P<body>[A-Z\"'(].*)", re.DOTALL)
_TOC_TITLE = re.compile(r"^(table of )?contents:?$", re.IGNORECASE)
_RULE = re.compile(r"^[\s*=_~#+\-|]*$")  # a line of decoration only ("*****", "_____")


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


def paragraphs(text: str) -> list[list[str]]:
    """Lines grouped at blank lines, trailing whitespace removed, tabs kept (they mark layout)."""
    return [lines for lines in map(_worded, _chunks(text)) if lines]


def _chunks(text: str) -> list[list[str]]:
    """The text's lines grouped at blank lines, trailing whitespace removed, tabs expanded."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [
        [line.rstrip().expandtabs(8) for line in chunk.split("\n")] for chunk in _BLANK.split(text)
    ]


def _worded(lines: list[str]) -> list[str]:
    """The lines that are not blank or decoration only ("*****", "-----")."""
    return [line for line in lines if line.strip() and not _RULE.match(line)]


@dataclass
class _PlainParagraphs:
    """A plain text's paragraphs (`paragraphs`), with each table drawn in one (`find_tables`)
    set apart as a paragraph of its own. The lines around a table are paragraphs as they would
    be without it, so a text without tables is read exactly as before."""

    groups: list[list[str]] = field(default_factory=list)
    tables: dict[int, TextTable] = field(default_factory=dict)  # by paragraph index
    # A paragraph cut short by a table under it, with the lines it ran on to: "3. Fees" over
    # a table is a heading over its body, as it was when the table's lines were that body.
    running_on: dict[int, list[str]] = field(default_factory=dict)


def _paragraphs_and_tables(text: str) -> _PlainParagraphs:
    found = _PlainParagraphs()
    for chunk in _chunks(text):
        lines = [line for line in chunk if line.strip()]
        start = 0
        for first, end, table in find_tables(lines):
            if _worded(lines[start:first]):
                found.running_on[len(found.groups)] = _worded(lines[start:])
                found.groups.append(_worded(lines[start:first]))
            found.tables[len(found.groups)] = table
            found.groups.append(lines[first:end])
            start = end
        if _worded(lines[start:]):
            found.groups.append(_worded(lines[start:]))
    return found


def load_code(path: Path, data: bytes) -> LoadedDocument:
    """Source code stays one stream of code blocks split at blank lines; no heading guesses."""
    text = decode_text(path, data)
    blocks = [Block(squash("\n".join(lines)), CODE) for lines in paragraphs(text)]
    return LoadedDocument([block for block in blocks if block.text], title="")


def load_plain(path: Path, data: bytes) -> LoadedDocument:
    blocks = plain_blocks(decode_text(path, data))
    return LoadedDocument(blocks, title=pick_title(None, blocks, path))


def plain_blocks(text: str) -> list[Block]:
    """Blocks of a plain-text document in reading order."""
    found = _paragraphs_and_tables(text)
    groups, tables = found.groups, found.tables
    clauses = _clause_numbers(groups, tables)
    first_line = groups[0] if groups else []
    width, indent = _layout([lines for index, lines in enumerate(groups) if index not in tables])
    blocks: list[Block] = []
    previous: tuple[int, ...] | None = None
    seen_caps = False
    index = 0
    while index < len(groups):
        lines = groups[index]
        if index in tables:
            blocks.extend(table_blocks(tables[index].rows, tables[index].header_rows))
            index += 1
            continue
        toc_run = _toc_run(groups, index, tables)
        if toc_run:
            for entry in toc_run:
                blocks.append(Block(entry, TOC))
            index += _toc_groups(groups, index, tables)
            continue
        joined = squash(" ".join(lines))
        if _RULE.match(joined):
            index += 1
            continue
        if _TOC_TITLE.match(joined):
            blocks.append(Block(joined, TOC))
            index += 1
            continue
        numbered = _numbered_heading(lines, previous)
        if numbered is not None:
            blocks.append(numbered)
            previous = number_key(numbered.number) or previous
            index += 1
            continue
        lead = _lead_heading(found.running_on.get(index, lines), width, indent, previous, seen_caps)
        if lead is not None:
            blocks.append(lead)
            if lead.number and "." in lead.number:
                previous = number_key(lead.number) or previous
            seen_caps = seen_caps or (not lead.number and lead.level == 1)
            rest = text_block(" ".join(lines[1:]))
            if rest:
                blocks.append(rest)
            index += 1
            continue
        if index in clauses:
            number = clauses[index]
            blocks.append(heading(_clause_title(joined), 2 if seen_caps else 1, number=number))
            blocks.append(Block(joined, TEXT))
            index += 1
            continue
        caps = _caps_heading(lines, width, indent)
        if caps:
            seen_caps = True
            blocks.extend(heading(line, 1) for line in caps)
            rest = text_block(" ".join(lines[len(caps) :]))
            if rest:
                blocks.append(rest)
            index += 1
            continue
        if not blocks and lines is first_line and _centred_line(lines, width, indent):
            blocks.append(heading(joined, 1))
            index += 1
            continue
        if _title_line(lines, width, indent):
            blocks.append(heading(joined, 2))
            index += 1
            continue
        blocks.append(Block(joined, TEXT))
        index += 1
    return blocks


def _entries(lines: list[str]) -> list[str] | None:
    """A paragraph's lines as table-of-contents entries, or None when it is not a TOC piece.

    An entry is a numbered line plus its indented continuation lines; every line must belong
    to one, or this is body text that happens to start with a number.
    """
    entries: list[str] = []
    for line in lines:
        number, _ = split_number(line.strip())
        if number and not line[:1].isspace():
            entries.append(line.strip())
        elif entries and line[:1].isspace():
            entries[-1] += " " + line.strip()
        else:
            return None
    return [squash(entry) for entry in entries]


def _toc_groups(groups: list[list[str]], start: int, tables: Container[int]) -> int:
    """How many paragraphs from `start` form one table of contents (0 when none); a table's
    rows are none of its entries, even when numbered ("1.1 | Setup | 2 hours")."""
    count, total = 0, 0
    while start + count < len(groups) and start + count not in tables:
        entries = _entries(groups[start + count])
        if entries is None or len(entries) < 2 or _mostly_sentences(entries):
            break
        total += len(entries)
        count += 1
    return count if total >= 4 else 0


def _mostly_sentences(entries: list[str]) -> bool:
    """Numbered lines that are statements ("2.4 A late payment charge of £8 applies …."), as a
    contract's clauses are, not titles: a contents entry ends with its title or page number
    (or a question, in a FAQ), never with a full stop after several words."""
    statements = sum(
        1 for entry in entries if entry.rstrip().endswith((".", ";")) and len(entry.split()) >= 5
    )
    return statements * 2 > len(entries)


def _toc_run(groups: list[list[str]], start: int, tables: Container[int]) -> list[str]:
    count = _toc_groups(groups, start, tables)
    entries: list[str] = []
    for lines in groups[start : start + count]:
        entries.extend(_entries(lines) or [])
    return entries


def _numbered_heading(lines: list[str], previous: tuple[int, ...] | None) -> Block | None:
    """A paragraph that is one numbered title ("3.2<tab>Compilation Problems"), else None."""
    if len(lines) > 3 or lines[0][:1].isspace():
        return None
    if any(not line[:1].isspace() for line in lines[1:]):
        return None  # continuation lines of a wrapped title are indented
    text = squash(" ".join(lines))
    number, _ = split_number(text)
    if not number or len(text) > 160 or len(text.split()) > 24:
        return None
    title = text[len(number) :].lstrip(". \t")
    if not title or title[0].islower():
        return None
    if text.endswith((".", ",", ";")) and not text.endswith("..."):
        return None
    prefixed = PREFIXED.match(text) is not None
    key = number_key(number)
    if not prefixed:
        if key is None or "." not in number:
            return None  # a bare "6 Title" is a clause or a list item in plain text
        if not follows(previous, key):
            return None
    return heading(text, number_level(number) if key else 1, number=number)


def heading_over_body(lines: list[str]) -> Block | None:
    """The first of a paragraph's lines when it is a heading over the body below it, for
    formats whose paragraphs hold line breaks (a Word paragraph "2. RENT", break, "Monthly
    rent is ..."); the lines carry no layout, so numbers are not checked against an outline."""
    lines = [line.strip() for line in lines if line.strip()]
    if len(lines) < 2:
        return None
    width = max(len(line) for line in lines)
    return _lead_heading(lines, width, 0, None, seen_caps=False, in_sequence=False)


def _lead_heading(
    lines: list[str],
    width: int,
    body_indent: int,
    previous: tuple[int, ...] | None,
    seen_caps: bool,
    *,
    in_sequence: bool = True,
) -> Block | None:
    """The first line of a paragraph when it is a heading with its body right below it.

    "2. RENT" over "Monthly rent is $1,990, due on the 1st ...": a short line, numbered or in
    capitals or Title Case, with no end punctuation and much shorter than the body lines under
    it, is a heading even without a blank line after it. A wrapped sentence's first line runs
    to the margin, so it never looks like this.
    """
    if len(lines) < 2 or not _standalone(lines[0], width, body_indent):
        return None
    text = squash(lines[0])
    body = max(len(line.strip()) for line in lines[1:])
    if len(text) > 60 or len(text.split()) > 10 or len(text) > 0.6 * body:
        return None
    if not (text[-1].isalnum() or text[-1] == ")"):
        return None
    number, _ = split_number(text)
    title = text[len(number) :].lstrip(". \t") if number else text
    if not title or not (_is_caps(title) or _title_case(title)):
        return None
    if lines[1].strip()[:1].islower():
        return None  # the sentence runs on: "Signed on 3 March" over "by Harbor View ..."
    if all(_is_caps(line) for line in lines[1:]):
        return None  # a title of several capital lines ("... LICENSE" over "TERMS AND ...")
    hanging = len(number) + 2 if number else 0  # "2. RENT" over "   Monthly rent is ..."
    if _indent(lines[1]) > _indent(lines[0]) + hanging:
        return None  # a deeper-indented block under a label ("AIX V3" over "  APAR=...")
    if not number:
        return heading(text, 1 if _is_caps(title) else 2)
    key = number_key(number)
    if "." in number:
        if key is None or (in_sequence and not follows(previous, key)):
            return None
        return heading(text, number_level(number), number=number)
    return heading(text, 2 if seen_caps else 1, number=number)


def _title_case(text: str) -> bool:
    """Every word capitalised (short words like "of" and "and" aside): "Security Deposit"."""
    words = text.split()
    if not words or not text[0].isupper() or not any(ch.isalpha() for ch in text):
        return False
    return all(word[0].isupper() or not word[0].isalpha() or len(word) <= 3 for word in words)


def _clause_numbers(groups: list[list[str]], tables: Container[int]) -> dict[int, str]:
    """Paragraph index -> clause number for licence-style clauses numbered 0/1, 2, 3 ... .

    Only a run of at least three clauses in sequence counts, so an ordinary numbered list in
    the body ("1. Follow the instructions") is not mistaken for the document's sections; nor
    is a table's numbered row.
    """
    found: dict[int, str] = {}
    expected: int | None = None
    dotted = sum(
        1
        for index, lines in enumerate(groups)
        if index not in tables and re.match(r"^[0-9]{1,3}\.[0-9]{1,3}\s", lines[0])
    )
    if dotted >= 3:
        return {}  # the document numbers its sections "1.2"; "1." paragraphs are list items
    for index, lines in enumerate(groups):
        match = None if index in tables else _CLAUSE.match("\n".join(lines))
        if not match or len(" ".join(lines).split()) < 8:
            continue
        number = int(match.group("number"))
        if (expected is None and number in (0, 1)) or (expected is not None and number == expected):
            found[index] = str(number)
            expected = number + 1
    return found if len(found) >= 3 else {}


def _clause_title(text: str) -> str:
    """ "6. As an exception to the Sections above, you may ..." -> "6. As an exception to ..."."""
    number, rest = text.split(".", 1)
    sentence = re.split(r"(?<=[.;:!?])\s", rest.strip(), maxsplit=1)[0]
    first = re.split(r"[,;:(]", sentence, maxsplit=1)[0].split()
    words = first if len(first) >= 3 else sentence.split()
    return f"{number}. " + " ".join(words[:8]).rstrip(".,;:")


def _layout(groups: list[list[str]]) -> tuple[int, int]:
    """The usual right margin (90th percentile line length) and the usual body indent."""
    lines = [line for group in groups for line in group]
    if not lines:
        return 72, 0
    lengths = sorted(len(line) for line in lines)
    indents = sorted(_indent(line) for line in lines)
    return lengths[int(0.9 * (len(lengths) - 1))], indents[len(indents) // 2]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _centred(line: str, width: int, body_indent: int) -> bool:
    """Centred: pushed in well past the body's indent, and its middle near the page middle."""
    indent = _indent(line)
    middle = indent + len(line.strip()) / 2
    return indent >= body_indent + 3 + (5 if body_indent else 0) and abs(middle - width / 2) <= max(
        6, width / 8
    )


def _standalone(line: str, width: int, body_indent: int) -> bool:
    """A title line sits at or left of the body's margin, or is centred."""
    return _indent(line) <= body_indent or _centred(line, width, body_indent)


def _caps_heading(lines: list[str], width: int, body_indent: int) -> list[str]:
    """ALL-CAPS title lines ("NO WARRANTY") alone, or centred over the rest of their paragraph.

    Several centred capital lines in a row ("GNU LESSER GENERAL PUBLIC LICENSE" over "TERMS
    AND CONDITIONS ...") are each a heading; what follows them is text.
    """
    if len(lines) == 1:
        line = lines[0]
        return [line.strip()] if _is_caps(line) and _standalone(line, width, body_indent) else []
    titles = []
    for line in lines:
        if not _is_caps(line) or not _centred(line, width, body_indent):
            break
        titles.append(line.strip())
    return titles


def _is_caps(line: str) -> bool:
    stripped = line.strip()
    letters = [ch for ch in stripped if ch.isalpha()]
    if len(letters) < 3 or any(ch.islower() for ch in letters) or len(stripped) > 90:
        return False
    if stripped.endswith((",", ";", ".")) and not stripped.endswith("..."):
        return False
    return len(letters) >= 0.6 * len(stripped.replace(" ", ""))


def _centred_line(lines: list[str], width: int, body_indent: int) -> bool:
    """The document's first paragraph as one centred short line: its title, in a text file."""
    text = lines[0].strip()
    return (
        len(lines) == 1
        and _centred(lines[0], width, body_indent)
        and len(text) <= 80
        and text[-1] != "."
    )


def _title_line(lines: list[str], width: int, body_indent: int) -> bool:
    """A short Title-Case line standing alone ("Preamble", "How to Apply These Terms")."""
    if len(lines) != 1 or not _standalone(lines[0], width, body_indent):
        return False
    text = lines[0].strip()
    words = text.split()
    if not words or len(words) > 12 or len(text) > 80 or text.endswith((".", ",", ";", ":")):
        return False
    if not text[0].isupper():
        return False
    capitals = sum(1 for word in words if word[0].isupper() or len(word) <= 3)
    return capitals == len(words) and any(ch.isalpha() for ch in text)


__all__ = [
    "HEADING",
    "decode_text",
    "heading_over_body",
    "load_code",
    "load_plain",
    "paragraphs",
    "plain_blocks",
]
