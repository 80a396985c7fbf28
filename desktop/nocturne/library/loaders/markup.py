"""Markdown (markdown-it-py, CommonMark plus tables) and reStructuredText, to plain blocks.

Markup is syntax, not words: `#`, `**`, backticks and `[text](url)` go, their text stays.
A table's body rows become sentences that carry their column headers (`table_blocks`); HTML
inside Markdown goes through the HTML walker, so an embedded `<table>` reads the same way. A
comment is dropped unless it holds metadata lines (`<!-- YAML added: v1 -->` keeps "added: v1",
the version history of an API reference). reST is parsed by its layout rules (underlined titles,
directives, literal blocks) rather than by docutils, which would need the document's own Sphinx
extensions to read it without errors.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import yaml

from nocturne.library.blocks import CODE, TEXT, Block, LoadedDocument
from nocturne.library.loaders.common import heading, pick_title, squash, table_blocks
from nocturne.library.loaders.html import text_of
from nocturne.library.loaders.text import decode_text

_FRONT_MATTER = re.compile(r"\A---\n.*?\n(---|\.\.\.)\n", re.DOTALL)


def load_markdown(path: Path, data: bytes) -> LoadedDocument:
    text = decode_text(path, data).replace("\r\n", "\n")
    blocks = markdown_blocks(_FRONT_MATTER.sub("", text))
    return LoadedDocument(blocks, title=pick_title(_front_title(text), blocks, path))


def _front_title(text: str) -> str:
    match = _FRONT_MATTER.match(text)
    if not match:
        return ""
    found = re.search(r"^title:\s*['\"]?(.*?)['\"]?\s*$", match.group(0), re.MULTILINE)
    return found.group(1) if found else ""


def markdown_blocks(text: str) -> list[Block]:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
    tokens = parser.parse(text)
    blocks: list[Block] = []
    table: list[list[str]] | None = None  # rows of the table being read
    header_rows = 0
    in_head = False
    cell: list[str] | None = None  # words of the table cell being read
    level = 0
    for token in tokens:
        kind = token.type
        if kind == "heading_open":
            level = int(token.tag[1:])
        elif kind == "heading_close":
            level = 0
        elif kind == "inline":
            words = squash(_inline(token.children or []))
            if cell is not None:
                cell.append(words)
            elif not words:
                continue
            elif level:
                blocks.append(heading(words, level))
            else:
                blocks.append(Block(words, TEXT))
        elif kind in ("fence", "code_block"):
            code = squash(token.content)
            if code:
                blocks.append(Block(code, CODE))
        elif kind == "html_block":
            metadata = _comment_metadata(token.content)
            if metadata:
                blocks.append(Block(metadata, TEXT))
            blocks.extend(Block(piece, TEXT) for piece in text_of(token.content))
        elif kind == "table_open":
            table, header_rows = [], 0
        elif kind in ("thead_open", "thead_close"):
            in_head = kind == "thead_open"
        elif kind == "tr_open" and table is not None:
            table.append([])
            header_rows += in_head
        elif kind in ("th_open", "td_open"):
            cell = []
        elif kind in ("th_close", "td_close") and cell is not None:
            if table:
                table[-1].append(" ".join(cell))
            cell = None
        elif kind == "table_close" and table is not None:
            blocks.extend(table_blocks(table, header_rows))
            table = None
    return blocks


_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_METADATA_LINE = re.compile(r"^\s*-?\s*[A-Za-z][\w -]{0,30}:\s*\S")


def _comment_metadata(html: str) -> str:
    """The text of a comment that holds metadata ("<!-- YAML added: v17.0.0 -->"): key-value
    lines are facts a reader looks up (when an API was added), not hidden remarks. A comment
    marked YAML (or METADATA) is metadata as a whole: its keys may hold lists ("added:" over
    "- v15.8.0") and folded values that run on over several lines."""
    found = []
    for comment in _COMMENT.findall(html):
        raw = [line for line in comment.strip("\n").splitlines() if line.strip()]
        lines = [line.strip() for line in raw]
        marked = False
        if lines and lines[0].upper() in ("YAML", "METADATA", "META"):
            lines, raw, marked = lines[1:], raw[1:], True
        elif lines and lines[0].upper().startswith("YAML "):
            lines[0], raw[0], marked = lines[0][5:], lines[0][5:], True
        if lines and (
            marked or all(_METADATA_LINE.match(line) or line.startswith("-") for line in lines)
        ):
            found.append(_metadata_sentences("\n".join(raw)) or squash(" ".join(lines)))
    return " ".join(found)


_HISTORY_WORDS = {"added": "Added in", "deprecated": "Deprecated in", "removed": "Removed in"}


def _versions(value: Any) -> str:
    items = value if isinstance(value, list) else [value]
    return ", ".join(str(item) for item in items if item is not None and not isinstance(item, dict))


def _metadata_sentences(text: str) -> str:
    """YAML metadata as sentences a reader (and a search) can use: "Added in v0.1.98. Changed
    in v15.8.0, v14.18.0: The `history` option is supported now." ('' when it is not YAML of
    keys and values). Links to pull requests are left out."""
    try:
        data = yaml.safe_load(textwrap.dedent(text))
    except yaml.YAMLError:
        return ""
    if not isinstance(data, dict):
        return ""
    sentences = []
    for key, value in data.items():
        name = str(key).strip().lower()
        if name in _HISTORY_WORDS and _versions(value):
            sentences.append(f"{_HISTORY_WORDS[name]} {_versions(value)}.")
        elif name == "changes" and isinstance(value, list):
            for change in value:
                if not isinstance(change, dict):
                    continue
                versions = _versions(change.get("version"))
                what = squash(str(change.get("description") or "")).rstrip(".")
                if versions or what:
                    sentences.append(f"Changed in {versions or 'a later version'}: {what}.")
        elif isinstance(value, str | int | float) and not name.endswith("url"):
            sentences.append(f"{str(key).strip().capitalize()}: {value}.")
    return " ".join(sentences)


def _inline(children: list[Any]) -> str:
    """Plain text of inline tokens: code spans keep their text, tags and link syntax go."""
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_inline(child.children or []) or child.content)
        elif child.type == "html_inline" and re.match(r"<br\b", child.content, re.I):
            parts.append(" ")
    return "".join(parts)


# --- reStructuredText -------------------------------------------------------------------------

_ADORNMENT = re.compile(r"^([=\-`:'\"~^_*+#<>.!$%&(),/;?@\[\\\]{|}])\1{2,}\s*$")
_DIRECTIVE = re.compile(r"^(\s*)\.\.\s+(?:\|[^|]+\|\s+)?([\w:+-]+)::\s*(.*)$")
_COMMENT_OR_TARGET = re.compile(r"^(\s*)\.\.(\s|$)")
_OPTION = re.compile(r"^\s*:[\w -]+:(\s.*)?$")
_BULLET = re.compile(r"^(\s*)([-*+•]|\d+[.)]|#\.|[a-zA-Z][.)]|\(\d+\))\s+")
_GRID_RULE = re.compile(r"^\s*[+|]?([-=+]+[+|])+\s*$|^\s*(=+\s+)+=+\s*$|^\s*(-+\s+)+-+\s*$")
_ROLE = re.compile(r":[\w:+.-]+:`([^`]*)`")
_EXPLICIT = re.compile(r"^(.*?)\s*<[^<>]+>$", re.DOTALL)
_SKIP_DIRECTIVES = {"image", "figure", "toctree", "include", "raw", "meta", "contents", "index"}
_CODE_DIRECTIVES = {
    "code", "code-block", "sourcecode", "literalinclude", "highlight", "parsed-literal",
}  # fmt: skip


def load_rst(path: Path, data: bytes) -> LoadedDocument:
    blocks = rst_blocks(decode_text(path, data).replace("\r\n", "\n"))
    return LoadedDocument(blocks, title=pick_title(None, blocks, path))


def rst_inline(text: str) -> str:
    """reST inline markup to its text: roles, ``literals``, *emphasis*, `links <url>`_."""

    def explicit(match: re.Match[str]) -> str:
        inner = match.group(1)
        found = _EXPLICIT.match(inner)
        return found.group(1) if found and found.group(1) else inner.strip("<>")

    text = _ROLE.sub(explicit, text)
    text = re.sub(r"``(.+?)``", r"\1", text)
    text = re.sub(r"`([^`]+)`__?", explicit, text)
    text = re.sub(r"`([^`]+)`", r"\1", text)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    text = re.sub(r"\[(#\w*|\*|\d+)\]_", "", text)  # footnote references
    text = re.sub(r"(?<=\w)__?(?=[\s.,;:!?)]|$)", "", text)  # word_ references
    text = re.sub(r"\|([^|\s][^|]*)\|_?", r"\1", text)  # |substitution|
    return text.replace("\\", "")


def rst_blocks(text: str) -> list[Block]:
    lines = text.split("\n")
    styles: list[tuple[str, bool]] = []  # adornment styles in order of first appearance
    blocks: list[Block] = []
    paragraph: list[str] = []
    literal_after = False  # the last paragraph ended in "::": an indented block is code
    index = 0

    def flush() -> None:
        nonlocal literal_after
        if paragraph:
            joined = " ".join(part.strip() for part in paragraph)
            joined = joined.rstrip()
            literal_after = joined.endswith("::")
            if literal_after:  # "Example::" reads "Example:"; "Text ::" and "::" read nothing
                joined = joined[:-3] if joined.endswith(" ::") else joined[:-1]
            words = squash(rst_inline(joined))
            if words and words != ":":
                blocks.append(Block(words, TEXT))
            paragraph.clear()

    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        nxt = lines[index + 1] if index + 1 < len(lines) else ""
        after = lines[index + 2] if index + 2 < len(lines) else ""
        if not stripped:
            flush()
            index += 1
            continue
        # Overlined title: ===== / Title / =====
        if (
            _ADORNMENT.match(line)
            and nxt.strip()
            and _ADORNMENT.match(after)
            and after.strip()[0] == stripped[0]
            and not paragraph
        ):
            blocks.append(_rst_heading(nxt, (stripped[0], True), styles))
            index += 3
            continue
        # Underlined title: Title / =====
        if (
            not paragraph
            and not _ADORNMENT.match(line)
            and _ADORNMENT.match(nxt)
            and len(nxt.strip()) >= min(len(stripped), 3)
            and not line[:1].isspace()
        ):
            blocks.append(_rst_heading(line, (nxt.strip()[0], False), styles))
            index += 2
            continue
        if _ADORNMENT.match(line) or _GRID_RULE.match(line):
            flush()  # a transition or a table border: no words
            index += 1
            continue
        directive = _DIRECTIVE.match(line)
        if directive:
            flush()
            name, argument = directive.group(2).lower(), directive.group(3)
            body_end = _indented_end(lines, index + 1, len(directive.group(1)))
            body = [ln for ln in lines[index + 1 : body_end] if not _OPTION.match(ln)]
            if name not in _SKIP_DIRECTIVES and argument.strip() and name not in _CODE_DIRECTIVES:
                blocks.append(Block(squash(rst_inline(argument)), TEXT))
            if name in _CODE_DIRECTIVES:
                code = squash("\n".join(body))
                if code:
                    blocks.append(Block(code, CODE))
            elif name not in _SKIP_DIRECTIVES:
                blocks.extend(rst_blocks(_dedent(body)))
            index = body_end
            continue
        if _COMMENT_OR_TARGET.match(line):
            flush()  # comments, hyperlink targets and footnote bodies without words of note
            index = _indented_end(lines, index + 1, len(line) - len(line.lstrip()))
            continue
        if literal_after and not paragraph and line[:1].isspace():
            end = _indented_end(lines, index, 0)
            code = squash("\n".join(lines[index:end]))
            if code:
                blocks.append(Block(code, CODE))
            literal_after = False
            index = end
            continue
        bullet = _BULLET.match(line)
        if bullet and not paragraph:
            line = line[bullet.end() :]
        elif (
            bullet
            and paragraph
            and len(bullet.group(1)) <= len(paragraph[0]) - len(paragraph[0].lstrip())
        ):
            flush()
            line = line[bullet.end() :]
        if stripped.startswith("|") and stripped.endswith("|"):
            flush()
            cells = [squash(rst_inline(cell)) for cell in stripped.strip("|").split("|")]
            row = " | ".join(cell for cell in cells if cell)
            if row:
                blocks.append(Block(row, TEXT))
            index += 1
            continue
        paragraph.append(line)
        index += 1
    flush()
    return blocks


def _rst_heading(title: str, style: tuple[str, bool], styles: list[tuple[str, bool]]) -> Block:
    if style not in styles:
        styles.append(style)
    return heading(rst_inline(title.strip()), styles.index(style) + 1)


def _indented_end(lines: list[str], start: int, indent: int) -> int:
    """Index after the block of lines indented deeper than `indent` (blank lines inside)."""
    index = start
    while index < len(lines):
        line = lines[index]
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break
        index += 1
    return index


def _dedent(lines: list[str]) -> str:
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(line[cut:] for line in lines)
