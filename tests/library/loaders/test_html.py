"""HTML: every visible word, headings with numbers, chrome kept as contents, nothing hidden."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne.errors import IngestError
from nocturne.library.blocks import CODE, HEADING, TEXT, TOC, Block
from nocturne.library.loaders import load
from nocturne.library.loaders.html import html_title, inline_text, parse, soup_blocks, text_of

from support import SHARED

DOCBOOK = """<!DOCTYPE html><html><head><title>lease-manual</title>
<style>p { color: red }</style><script>var secret = "never shown";</script></head>
<body><div class="navheader"><a href="prev.html">Prev</a></div>
<div class="chapter"><div class="titlepage"><h2 class="title">4.8.6. Lambda Expressions
<a class="headerlink" href="#x">¶</a></h2></div>
<div class="para">Small anonymous functions can be created with the <code>lambda</code>
keyword.</div>
<div class="para">They are <em>syntactically</em> restricted to a single expression.</div>
<!-- a comment nobody sees -->
<div hidden>hidden words</div><span aria-hidden="true">icon words</span>
<dl><dt>term</dt><dd>its definition</dd></dl>
<ul><li>first <b>item</b></li><li>second item<ul><li>nested</li></ul></li></ul>
<table><tr><th>Key</th><th>Action</th></tr><tr><td>Ctrl+C</td><td>stop</td></tr></table>
<pre>for x in y:
    print(x)</pre>
<template><p>template words</p></template><noscript>enable js</noscript>
</div><footer>Copyright 2026</footer></body></html>"""


def _load(tmp_path: Path, name: str, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text)
    return load(path, path.read_bytes())


def test_docbook_div_paragraphs_and_chrome(tmp_path: Path) -> None:
    doc = _load(tmp_path, "page.html", DOCBOOK)
    pairs = [(b.kind, b.text) for b in doc.blocks]
    assert pairs[0] == (TOC, "Prev")
    head = next(b for b in doc.blocks if b.kind == HEADING)
    assert (head.text, head.number, head.level) == ("4.8.6. Lambda Expressions", "4.8.6", 2)
    assert (TEXT, "Small anonymous functions can be created with the lambda keyword.") in pairs
    assert (TEXT, "They are syntactically restricted to a single expression.") in pairs
    assert (TEXT, "term") in pairs and (TEXT, "its definition") in pairs
    assert (TEXT, "first item") in pairs and (TEXT, "nested") in pairs
    assert (TEXT, "Key Ctrl+C: Action stop.") in pairs  # the header row is no block of its own
    assert not any(text.startswith("Key | ") or text == "Key" for _, text in pairs)
    assert (CODE, "for x in y: print(x)") in pairs
    assert (TEXT, "Copyright 2026") in pairs
    text = " ".join(b.text for b in doc.blocks)
    for gone in ("secret", "hidden words", "icon words", "comment", "template", "enable js", "¶"):
        assert gone not in text
    assert doc.title == "4.8.6. Lambda Expressions"  # the <title> is a slug


def test_html_without_headings(tmp_path: Path) -> None:
    doc = _load(tmp_path, "plain.html", "<html><body><p>One.</p><p>Two.</p></body></html>")
    assert [b.text for b in doc.blocks] == ["One.", "Two."] and doc.title == ""


def test_headings_of_one_level_and_chrome_headings(tmp_path: Path) -> None:
    page = (
        "<title>Notes about the garden</title><nav><h3>Menu</h3><a>Home</a></nav>"
        "<h2>A</h2><p>x</p><h2>B</h2><p>y</p>"
    )
    doc = _load(tmp_path, "same.html", page)
    assert [(b.kind, b.level, b.text) for b in doc.blocks if b.kind == HEADING] == [
        (HEADING, 2, "A"),
        (HEADING, 2, "B"),
    ]
    assert (TOC, "Menu") in [(b.kind, b.text) for b in doc.blocks]
    assert doc.title == "Notes about the garden"


def test_html_with_no_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><body><script>x()</script></body></html>")
    with pytest.raises(IngestError, match="contains no text"):
        load(path, path.read_bytes())


@pytest.mark.parametrize(
    ("meta", "title"),
    [
        ("4. More Control Flow Tools — Python 3.11 documentation", "4. More Control Flow Tools"),
        ("4. More Control Flow Tools | Docs", "4. More Control Flow Tools"),
        ("4. More Control Flow Tools and more", "4. More Control Flow Tools and more"),
        ("The Real Title", "The Real Title"),
        ("page", "4. More Control Flow Tools"),  # the file's own name: the h1 instead
        ("", "4. More Control Flow Tools"),
    ],
)
def test_html_title_is_the_title_tag_shortened_to_the_h1(meta: str, title: str) -> None:
    blocks = [Block("Intro", TEXT), Block("4. More Control Flow Tools", HEADING, level=1)]
    assert html_title(meta, blocks, Path("page.html")) == title


def test_inline_text_joins_inline_pieces_and_spaces_line_breaks() -> None:
    soup = parse("<p><kbd>Ctrl</kbd>+<kbd>C</kbd> stops<br>the <em>program</em></p>")
    assert inline_text(soup.find("p")) == "Ctrl+C stops the program"


def test_roles_epub_types_and_header_chrome() -> None:
    blocks = soup_blocks(
        parse(
            '<body><header><h1>Site name</h1></header><div role="navigation"><pre>nav code</pre>'
            '</div><p style="display: none">gone</p><section epub:type="toc"><h2>Contents</h2>'
            "<p>Ch 1</p></section><h3>Real <a class='headerlink'>¶</a></h3><h4> </h4></body>"
        )
    )
    assert [(b.kind, b.text) for b in blocks] == [
        (TEXT, "Site name"),  # a header's heading is not the document's
        (TOC, "nav code"),
        (TOC, "Contents"),
        (TOC, "Ch 1"),
        (HEADING, "Real"),
    ]


def test_a_nested_table_is_read_inside_its_outer_cell() -> None:
    blocks = soup_blocks(
        parse("<table><tr><td>outer<table><tr><td>inner</td></tr></table></td><td>o2</td></tr>")
    )
    assert [b.text for b in blocks] == ["outer inner: o2."]


def test_a_deeply_nested_page_does_not_hit_the_recursion_limit() -> None:
    deep = "<div>" * 3000 + "deep words" + "</div>" * 3000
    assert [b.text for b in soup_blocks(parse(deep))] == ["deep words"]


def test_text_of_an_embedded_fragment() -> None:
    fragment = "<table><tr><td>a</td><td>b</td></tr></table><p>x <b>y</b></p><script>z</script>"
    assert list(text_of(fragment)) == ["a: b.", "x y"]


def test_a_table_row_is_a_sentence_that_carries_its_column_headers() -> None:
    blocks = soup_blocks(
        parse(
            "<p>Before.</p><table><caption>Speeds</caption>"
            "<thead><tr><th>Setting</th><th>Speed (RPM)</th><th>Best for</th></tr></thead>"
            "<tbody><tr><td>5</td><td>12,000</td><td>Smoothies</td></tr>"
            "<tr><td>10</td><td></td><td>Nut butters, ice crushing</td></tr>"
            "<tr><td colspan='2'>Pulse</td><td>Chopping</td></tr></tbody></table>"
            "<table><tr><th></th><th colspan='2'>Release</th></tr>"
            "<tr><th></th><th>alpha</th><th>arm</th></tr>"
            "<tr><td>testing</td><td>1</td><td>-</td></tr></table>"
            "<table><tr><th>Rent</th><td>900 euros</td></tr><tr><th>Pets</th><td>Cats.</td></tr>"
            "</table><p>After.</p>"
        )
    )
    assert [(b.kind, b.text) for b in blocks] == [
        (TEXT, "Before."),
        (TEXT, "Speeds"),
        (TEXT, "Setting 5: Speed (RPM) 12,000; Best for Smoothies."),
        (TEXT, "Setting 10: Best for Nut butters, ice crushing."),
        (TEXT, "Setting Pulse: Best for Chopping."),
        (TEXT, "testing: Release alpha 1; Release arm -."),
        (TEXT, "Rent: 900 euros."),  # header cells down the side: no header row
        (TEXT, "Pets: Cats."),
        (TEXT, "After."),
    ]


def test_real_python_tutorial() -> None:
    path = SHARED / "eval" / "structured" / "docs" / "python-tutorial-controlflow.html"
    if not path.exists():
        pytest.skip(f"{path} is not present")
    doc = load(path, path.read_bytes())
    headings = {b.number: b for b in doc.blocks if b.kind == HEADING}
    assert doc.title == "4. More Control Flow Tools"
    assert headings["4.8.6"].text == "4.8.6. Lambda Expressions" and headings["4.8.6"].level == 3
    assert headings["4"].level == 1 and len(headings) == 23
    assert "¶" not in doc.text
    assert any("Last updated on" in b.text for b in doc.blocks)
