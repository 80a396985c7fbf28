"""Markdown and reST: headings with levels, code, tables; never markup in the text."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne.library.blocks import CODE, HEADING, TEXT
from nocturne.library.loaders import load

from support import SHARED

MARKDOWN = """# Guide

<!-- YAML
added: v1.0
-->

Intro with **bold**, `code` and a [link](https://example.org).

Setext Title
------------

* first item
* second item

```python
print("hi")
```

| Key | Action |
|-----|--------|
| `Ctrl+C` | stop |

<table>
  <tr><th>Keys</th><th>Notes</th></tr>
  <tr><td><kbd>Ctrl</kbd>+<kbd>D</kbd></td><td>end of input</td></tr>
</table>
"""


def _load(tmp_path: Path, name: str, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text)
    return load(path, path.read_bytes())


def test_markdown_blocks(tmp_path: Path) -> None:
    doc = _load(tmp_path, "guide.md", MARKDOWN)
    pairs = [(b.kind, b.level, b.text) for b in doc.blocks]
    assert pairs[0] == (HEADING, 1, "Guide")
    assert (TEXT, 0, "Intro with bold, code and a link.") in pairs
    assert (HEADING, 2, "Setext Title") in pairs
    assert (TEXT, 0, "first item") in pairs and (CODE, 0, 'print("hi")') in pairs
    assert (TEXT, 0, "Key | Action") in pairs and (TEXT, 0, "Ctrl+C | stop") in pairs
    assert (TEXT, 0, "Ctrl+D | end of input") in pairs
    text = doc.text
    for markup in ("YAML", "<", "**", "](", "#", "`"):
        assert markup not in text
    assert doc.title == "Guide"


RST = """=========
 Manual
=========

Intro with *emphasis*, ``code`` and :ref:`the rules <rules>` via `Python <https://python.org>`_.

Install
=======

.. note::

   Read this first.

Run this::

    pip install thing

Usage
-----

- item one
"""


def test_rst_blocks(tmp_path: Path) -> None:
    doc = _load(tmp_path, "manual.rst", RST)
    pairs = [(b.kind, b.level, b.text) for b in doc.blocks]
    assert pairs == [
        (HEADING, 1, "Manual"),
        (TEXT, 0, "Intro with emphasis, code and the rules via Python."),
        (HEADING, 2, "Install"),
        (TEXT, 0, "Read this first."),
        (TEXT, 0, "Run this:"),
        (CODE, 0, "pip install thing"),
        (HEADING, 3, "Usage"),
        (TEXT, 0, "item one"),
    ]


def test_markdown_whose_headings_are_all_one_level(tmp_path: Path) -> None:
    doc = _load(tmp_path, "flat.md", "## A\n\nOne.\n\n## B\n\nTwo.\n")
    assert [b.level for b in doc.blocks if b.kind == HEADING] == [2, 2]
    assert doc.title == "A"


def test_real_node_readline() -> None:
    path = SHARED / "eval" / "structured" / "docs" / "nodejs-readline.md"
    if not path.exists():
        pytest.skip(f"{path} is not present")
    doc = load(path, path.read_bytes())
    assert doc.title == "Readline"
    assert "<!--" not in doc.text and "YAML" not in doc.text and "<kbd>" not in doc.text
    assert any("Ctrl+Shift+Backspace | Delete line left" in b.text for b in doc.blocks)
    assert sum(b.kind == HEADING for b in doc.blocks) > 30
