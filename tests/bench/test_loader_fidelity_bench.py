"""Loader fidelity: the share of a reference extraction's words that reach the blocks.

References (what a reader sees, extracted the plain way): HTML and EPUB items, BeautifulSoup's
`get_text()` of the body without script/style; PDF, pypdf's `extract_text()` lines without
running headers, footers and page-number lines; Markdown, reST and text, the raw file's words
without markup tokens (comments, tags, link targets, directive names, underlines). Goal:
>= 98 % per format. Uses the development documents in ../shared when present, else synthetic.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import pytest

from nocturne.library.loaders import load
from nocturne.library.loaders.fidelity import word_share

from support import SHARED

pytestmark = pytest.mark.bench
DOCS = SHARED / "eval" / "structured" / "docs"
GOAL = 0.98


def html_reference(markup: str | bytes) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    return (soup.body or soup).get_text(" ")


def epub_reference(data: bytes) -> str:
    from xml.etree import ElementTree

    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        container = ElementTree.fromstring(archive.read("META-INF/container.xml"))
        opf_name = next(e for e in container.iter() if e.tag.endswith("rootfile")).get("full-path")
        opf = ElementTree.fromstring(archive.read(opf_name))
        base = opf_name.rsplit("/", 1)[0] + "/" if "/" in opf_name else ""
        items = {e.get("id"): e for e in opf.iter() if e.tag.endswith("}item") and e.get("id")}
        seen = set()
        for ref in (e for e in opf.iter() if e.tag.endswith("itemref")):
            item = items[ref.get("idref")]
            if "nav" in (item.get("properties") or "") or item.get("href") in seen:
                continue
            seen.add(item.get("href"))
            parts.append(html_reference(archive.read(base + item.get("href"))))
    return "\n".join(parts)


def pdf_reference(data: bytes) -> str:
    from collections import Counter

    from pypdf import PdfReader

    pages = [
        [line for line in (page.extract_text() or "").split("\n") if line.strip()]
        for page in PdfReader(io.BytesIO(data)).pages
    ]
    edge = Counter(
        shape
        for lines in pages
        for shape in {re.sub(r"\d+", "", line).strip().lower() for line in lines[:2] + lines[-2:]}
    )
    kept = []
    for lines in pages:
        for index, line in enumerate(lines):
            on_edge = index < 2 or index >= len(lines) - 2
            shape = re.sub(r"\d+", "", line).strip().lower()
            if on_edge and (not shape or (len(pages) >= 3 and edge[shape] >= len(pages) / 2)):
                continue
            kept.append(line)
    return re.sub(r"(\w)-\n([a-z])", r"\1\2", "\n".join(kept))


def markdown_reference(text: str) -> str:
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.DOTALL)
    text = re.sub(r"^\s*\[[^\]]+\]:\s*\S+.*$", " ", text, flags=re.MULTILINE)  # link definitions
    text = re.sub(r"\]\([^)]*\)", "] ", text)  # inline link targets
    return re.sub(r"<[^>]+>", " ", text)


def rst_reference(text: str) -> str:
    text = re.sub(r"^\s*\.\. _[^:]+:.*$", " ", text, flags=re.MULTILINE)  # link targets
    text = re.sub(r"^(\s*)\.\.\s+[\w:-]+::", r"\1", text, flags=re.MULTILINE)  # directive names
    text = re.sub(r"^\s*:[\w-]+:.*$", " ", text, flags=re.MULTILINE)  # directive options
    text = re.sub(r":[\w:+.-]+:`", "`", text)  # roles
    text = re.sub(r"`([^`<]*?)\s*<[^>]+>`_*", r"\1", text)  # explicit link targets
    return text


def docx_reference(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(dict.fromkeys(cell.text for cell in row.cells))
    return "\n".join(parts)


def reference(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix in {".html", ".htm", ".xhtml"}:
        return html_reference(data)
    if suffix == ".epub":
        return epub_reference(data)
    if suffix == ".pdf":
        return pdf_reference(data)
    if suffix == ".docx":
        return docx_reference(data)
    text = data.decode("utf-8", "replace")
    if suffix in {".md", ".markdown"}:
        return markdown_reference(text)
    if suffix == ".rst":
        return rst_reference(text)
    return text


def synthetic(folder: Path) -> list[Path]:
    """One small file per format, for machines without ../shared."""
    from pdf_maker import write_pdf

    paragraph = "The tenant pays the rent on the third day of each month by bank transfer."
    files = [
        folder / "page.html",
        folder / "notes.md",
        folder / "guide.rst",
        folder / "plain.txt",
    ]
    files[0].write_text(
        "<html><head><title>T</title><script>var x=1;</script></head><body>"
        "<div class='chapter'><h1>1. Lease</h1><div class='para'>" + paragraph + "</div>"
        "<div class='para'>Pets are <em>allowed</em> with <a href='#'>consent</a>.</div>"
        "<table><tr><td>Rent</td><td>900 euros</td></tr></table></div></body></html>"
    )
    files[1].write_text(
        "# Lease\n\n<!-- YAML added: v1 -->\n\n" + paragraph + "\n\n* **Pets** are `allowed`"
        " with [consent](http://x.org).\n\n| a | b |\n|---|---|\n| Rent | 900 euros |\n"
    )
    files[2].write_text(
        "Lease\n=====\n\n" + paragraph + "\n\n.. note::\n\n   Pets need *consent*.\n\n"
        "See :ref:`the rules <rules>`.\n"
    )
    files[3].write_text("LEASE\n\n" + paragraph + "\nIt is due\nin full.\n")
    files.append(write_pdf(folder / "lease.pdf", [paragraph * 3, paragraph * 2, paragraph]))
    return files


def test_loader_fidelity(tmp_path: Path) -> None:
    files = sorted(DOCS.iterdir()) if DOCS.is_dir() else synthetic(tmp_path)
    print("\nLoader fidelity (share of reference words reaching the blocks):")
    low = []
    for path in files:
        data = path.read_bytes()
        started = time.perf_counter()
        document = load(path, data)
        seconds = time.perf_counter() - started
        share = word_share(reference(path, data), document.blocks)
        headings = sum(1 for block in document.blocks if block.kind == "heading")
        print(
            f"  {path.name:40s} {share:7.2%}  {len(document.blocks):5d} blocks"
            f"  {headings:4d} headings  {seconds:6.2f} s  title={document.title!r}"
        )
        if share < GOAL:
            low.append((path.name, share))
    assert not low, low
