"""HTML and XHTML: every visible word, one block per block-level element, in reading order.

There is no whitelist of "content" tags: a DocBook page whose paragraphs are `<div class="para">`
loses nothing. The walker opens a block at each block-level element and keeps the text of
inline elements inline; a table is read whole, each body row a sentence that carries its column
headers. What a browser never shows (script, style, template, `hidden`) goes;
navigation chrome (`<nav>`, Sphinx sidebars, toctrees) is kept as `toc` blocks so it can guide
structure but never becomes evidence, and a heading inside chrome is not a document heading.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from nocturne.library.blocks import CODE, HEADING, TEXT, TOC, Block, LoadedDocument
from nocturne.library.loaders.common import heading, is_slug, pick_title, squash, table_blocks
from nocturne.library.loaders.text import decode_text

# Never shown. `head` itself is not dropped: lxml moves stray body tags into it.
DROPPED = {
    "script", "style", "noscript", "template", "svg", "iframe", "object", "math",
    "title", "meta", "link", "base",
}  # fmt: skip
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu",
    "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul", "legend", "br", "listing", "xmp", "plaintext", "option", "noframes",
    "head",
}  # fmt: skip
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Sphinx, MkDocs, Javadoc and DocBook navigation: page chrome, not the document's own text.
_CHROME_CLASSES = {
    "sphinxsidebar", "sphinxsidebarwrapper", "related", "toctree-wrapper", "contents",
    "navigation", "navheader", "navfooter", "toc", "breadcrumbs", "wy-nav-side", "md-sidebar",
    "topnav", "bottomnav", "subnav", "headerlink",
}  # fmt: skip
_PLAIN_CHROME = {"header", "footer"}  # kept as text, but their headings are not the document's
_PERMALINK = re.compile(r"[¶\uf0c1]")  # Sphinx's "¶" and Font Awesome's link glyph


def parse(markup: str | bytes) -> Any:
    """A BeautifulSoup tree, with lxml's fast parser when it is installed (python-docx needs it)."""
    from bs4 import BeautifulSoup

    try:
        return BeautifulSoup(markup, "lxml")
    except Exception:  # bs4.FeatureNotFound, or lxml refusing odd input
        return BeautifulSoup(markup, "html.parser")


def load_html(path: Path, data: bytes) -> LoadedDocument:
    soup = parse(decode_text(path, data))
    tag = soup.find("title")
    meta = squash(tag.get_text(" ")) if tag is not None else ""
    blocks = soup_blocks(soup)
    return LoadedDocument(blocks, title=html_title(meta, blocks, path))


def html_title(meta: str, blocks: list[Block], path: Path) -> str:
    """`<title>`, shortened to the page's first h1 when it starts with it ("4. More Control
    Flow Tools — Python 3.11 documentation" -> "4. More Control Flow Tools")."""
    first = next((b.text for b in blocks if b.kind == HEADING and b.level == 1), "")
    shortened = meta and first and meta != first and meta.startswith(first)
    if shortened and re.match(r"^\s*[-—–|·:»]", meta[len(first) :]):
        return first
    if meta and not is_slug(meta, path):
        return meta
    return pick_title(None, blocks, path)


def soup_blocks(soup: Any) -> list[Block]:
    """The blocks of a parsed page (or of an EPUB item)."""
    _drop_invisible(soup)
    root = soup.find("html") or soup
    walker = _Walker()
    walker.walk(root)
    return walker.blocks


def _drop_invisible(soup: Any) -> None:
    from bs4 import Comment, Declaration, Doctype, ProcessingInstruction

    for node in soup.find_all(string=True):
        if isinstance(node, Comment | Declaration | Doctype | ProcessingInstruction):
            node.extract()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        name = _local(tag.name)
        attrs = tag.attrs or {}
        classes = set(attrs.get("class") or [])
        if (
            name in DROPPED
            or "hidden" in attrs
            or str(attrs.get("aria-hidden", "")).lower() == "true"
            or "headerlink" in classes
            or re.search(r"display\s*:\s*none", str(attrs.get("style", "")))
        ):
            tag.decompose()


def _local(name: str | None) -> str:
    """Tag name without a namespace prefix ("html:p" -> "p"), lower case."""
    return (name or "").rsplit(":", 1)[-1].lower()


def _chrome(tag: Any) -> str:
    """ "toc" for navigation chrome, "plain" for header/footer, "" for content."""
    name = _local(tag.name)
    attrs = tag.attrs or {}
    classes = set(attrs.get("class") or [])
    role = str(attrs.get("role", "")).lower()
    epub_type = str(attrs.get("epub:type", "")).lower()
    if name == "nav" or role == "navigation" or classes & _CHROME_CLASSES or epub_type == "toc":
        return "toc"
    if name in _PLAIN_CHROME or role in {"banner", "contentinfo"}:
        return "plain"
    return ""


class _Walker:
    """Depth-first walk without recursion (deep pages must not hit Python's recursion limit)."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.buffer: list[str] = []
        self.chrome: list[str] = []  # stack of chrome kinds we are inside

    def walk(self, root: Any) -> None:
        from bs4 import NavigableString, Tag

        stack: list[tuple[Any, bool]] = [(root, False)]
        while stack:
            node, leaving = stack.pop()
            if leaving:
                self._leave(node)
                continue
            if isinstance(node, NavigableString):
                self.buffer.append(str(node))
                continue
            if not isinstance(node, Tag):
                continue
            name = _local(node.name)
            if name == "table":
                self._table(node)
                continue
            if name in HEADINGS or name == "pre" or name == "tr":
                self._whole(node, name)
                continue
            if name in BLOCK_TAGS:
                self._flush()
                kind = _chrome(node)
                self.chrome.append(kind or (self.chrome[-1] if self.chrome else ""))
                stack.append((node, True))
            stack.extend((child, False) for child in reversed(list(node.children)))

    def _leave(self, node: Any) -> None:
        self._flush()
        self.chrome.pop()

    def _kind(self) -> str:
        return TOC if self.chrome and self.chrome[-1] == "toc" else TEXT

    def _flush(self) -> None:
        text = squash(_PERMALINK.sub("", "".join(self.buffer)))
        self.buffer.clear()
        if text:
            self.blocks.append(Block(text, self._kind()))

    def _table(self, node: Any) -> None:
        """A table, whole: its caption, then one sentence per body row that carries the column
        headers (`table_blocks`). Header rows are those in `<thead>` or made of `<th>` cells
        only, at the top; a column spanned by a header cell (`colspan`) takes its text, and a
        nested table is read inside its outer cell."""
        self._flush()
        for caption in node.find_all("caption"):
            if _nearest(caption, "table") is node:
                text = squash(_PERMALINK.sub("", inline_text(caption)))
                if text:
                    self.blocks.append(Block(text, self._kind()))
        rows: list[list[str]] = []
        header_rows = 0
        for row in node.find_all("tr"):
            if _nearest(row, "table") is not node:
                continue
            cells = [cell for cell in row.find_all(["td", "th"]) if _nearest(cell, "tr") is row]
            heading_row = bool(cells) and (
                _nearest(row, "thead") is not None
                or all(_local(cell.name) == "th" for cell in cells)
            )
            texts: list[str] = []
            for cell in cells:
                text = squash(_PERMALINK.sub("", inline_text(cell)))
                span = _span(cell)
                texts.extend([text] * span if heading_row else [text] + [""] * (span - 1))
            if heading_row and header_rows == len(rows):
                header_rows += 1
            rows.append(texts)
        self.blocks.extend(table_blocks(rows, header_rows, kind=self._kind()))

    def _whole(self, node: Any, name: str) -> None:
        """Headings, preformatted text and table rows are taken whole, as one block."""
        self._flush()
        if name == "tr":
            cells = [
                squash(_PERMALINK.sub("", inline_text(cell)))
                for cell in node.find_all(["td", "th"])
                if cell.find_parent("tr") is node
            ]
            text = " | ".join(cell for cell in cells if cell)
            if text:
                self.blocks.append(Block(text, self._kind()))
            return
        text = squash(_PERMALINK.sub("", node.get_text() if name == "pre" else inline_text(node)))
        if not text:
            return
        if name == "pre":
            self.blocks.append(Block(text, CODE if self._kind() == TEXT else TOC))
        elif self.chrome and self.chrome[-1]:
            self.blocks.append(Block(text, self._kind()))
        else:
            self.blocks.append(heading(text, HEADINGS[name]))


def _nearest(node: Any, name: str) -> Any:
    """The closest enclosing element called `name` (namespace prefixes aside), or None; stops
    at the enclosing table, so a nested table's rows are not the outer table's."""
    for parent in node.parents:
        local = _local(parent.name)
        if local == name:
            return parent
        if local == "table":
            return None
    return None


def _span(cell: Any) -> int:
    try:
        return max(1, min(int(str(cell.get("colspan", "1")).strip()), 50))
    except ValueError:
        return 1


def inline_text(node: Any) -> str:
    """The text of an element as a browser lays it out on one line: inline pieces touch
    ("<kbd>Ctrl</kbd>+<kbd>C</kbd>" -> "Ctrl+C"), block-level children and `<br>` are spaced."""
    from bs4 import NavigableString, Tag

    parts: list[str] = []
    for piece in node.descendants:
        if isinstance(piece, NavigableString):
            parts.append(str(piece))
        elif isinstance(piece, Tag) and _local(piece.name) in BLOCK_TAGS:
            parts.append(" ")
    return "".join(parts)


def text_of(markup: str) -> Iterator[str]:
    """Plain text pieces of an HTML fragment (used for HTML embedded in Markdown)."""
    for block in soup_blocks(parse(markup)):
        yield block.text
