"""Markdown and reST: headings with levels, code, tables; never markup in the text."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne.library.blocks import CODE, HEADING, TEXT
from nocturne.library.loaders import load
from nocturne.library.loaders.markup import load_markdown, markdown_blocks, rst_blocks, rst_inline

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
    assert (TEXT, 0, "Key Ctrl+C: Action stop.") in pairs  # a row carries its headers
    assert (TEXT, 0, "Keys Ctrl+D: Notes end of input.") in pairs
    assert not any(text in ("Key | Action", "Key: Action.") for _, _, text in pairs)
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


def test_a_pipe_table_reads_row_by_row_inside_its_section() -> None:
    from nocturne.library.sections import build_sections

    blocks = markdown_blocks(
        "## 3. Speed settings\n\n"
        "| Setting | Speed (RPM) | Best for |\n|---|---|---|\n"
        "| 1 | 4,000 | Stirring batters |\n| 5 | 12,000 | Smoothies |\n"
        "| 10 | | Nut butters, ice crushing |\n| | 22,000 | |\n\n"
        "Do not run it for more than 3 minutes.\n\n## 4. Cleaning\n\nRinse the jar.\n"
    )
    assert [b.text for b in blocks] == [
        "3. Speed settings",
        "Setting 1: Speed (RPM) 4,000; Best for Stirring batters.",
        "Setting 5: Speed (RPM) 12,000; Best for Smoothies.",
        "Setting 10: Best for Nut butters, ice crushing.",  # an empty cell is left out
        "Speed (RPM) 22,000",
        "Do not run it for more than 3 minutes.",
        "4. Cleaning",
        "Rinse the jar.",
    ]
    sections, membership = build_sections(blocks)
    assert [s.title for s in sections] == ["3. Speed settings", "4. Cleaning"]
    assert membership[1:6] == [0] * 5


def test_markdown_whose_headings_are_all_one_level(tmp_path: Path) -> None:
    doc = _load(tmp_path, "flat.md", "## A\n\nOne.\n\n## B\n\nTwo.\n")
    assert [b.level for b in doc.blocks if b.kind == HEADING] == [2, 2]
    assert doc.title == "A"


def test_front_matter_gives_the_title_and_never_reaches_the_text() -> None:
    titled = b'---\ntitle: "The Garden Guide"\nauthor: Ann\n---\n# garden\n\nText.\n'
    doc = load_markdown(Path("guide.md"), titled)
    assert doc.title == "The Garden Guide"
    assert [b.text for b in doc.blocks] == ["garden", "Text."]
    untitled = load_markdown(Path("guide.md"), b"---\nauthor: Ann\n---\n## Sub\n\nText.\n")
    assert untitled.title == "Sub" and "Ann" not in untitled.text


def test_comments_are_dropped_unless_they_hold_metadata() -> None:
    blocks = markdown_blocks(
        "<!-- a note to self -->\n\n"
        "<!-- YAML\nadded:\n  - v15.8.0\n  - v14.18.0\nchanges:\n  - version: v18.0.0\n"
        "    description: Passing an invalid callback\n                 now throws.\n-->\n\n"
        "Body.\n"
    )
    assert [(b.kind, b.text) for b in blocks] == [
        (
            TEXT,
            # read as sentences, the pull request's link left out
            "Added in v15.8.0, v14.18.0. Changed in v18.0.0: Passing an invalid callback now "
            "throws.",
        ),
        (TEXT, "Body."),
    ]


def test_markdown_inline_pieces_keep_their_words() -> None:
    blocks = markdown_blocks(
        "![a garden plan](plan.png)\n\nline one<br>line two\n\n~~old~~ new\n\n    indented code\n"
    )
    assert [(b.kind, b.text) for b in blocks] == [
        (TEXT, "a garden plan"),
        (TEXT, "line one line two"),
        (TEXT, "old new"),
        (CODE, "indented code"),
    ]


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        (":func:`open <os.open>`", "open"),
        (":ref:`rules`", "rules"),
        ("``x = 1``", "x = 1"),
        ("`Python <https://python.org>`_", "Python"),
        ("`anonymous`__", "anonymous"),
        ("*emph* and **strong**", "emph and strong"),
        ("a note [#]_ here", "a note  here"),
        ("see word_ now", "see word now"),
        ("|version| and |name|_", "version and name"),
        ("2 * 3 * 4", "2 * 3 * 4"),  # spaced stars are not emphasis
        ("esc\\*aped", "esc*aped"),
    ],
)
def test_rst_inline_markup_to_text(markup: str, text: str) -> None:
    assert rst_inline(markup) == text


def test_rst_directives_comments_tables_lists_and_literal_blocks() -> None:
    text = (
        "Title\n=====\n\nPara one\ncontinues.\n\n"
        ".. code-block:: python\n   :linenos:\n\n   x = 1\n\n"
        ".. image:: pic.png\n   :alt: a picture\n\n"
        ".. warning:: Careful now.\n\n"
        ".. _target:\n\n.. a comment\n   that runs on\n\n"
        "+-----+-----+\n| a   | b   |\n+=====+=====+\n\n----\n\n"
        "1. first\n2. second\n\n"
        "Sub\n---\n\nOther\n=====\n\nText ::\n\n    code here\n"
    )
    assert [(b.kind, b.level, b.text) for b in rst_blocks(text)] == [
        (HEADING, 1, "Title"),
        (TEXT, 0, "Para one continues."),
        (CODE, 0, "x = 1"),
        (TEXT, 0, "Careful now."),
        (TEXT, 0, "a | b"),
        (TEXT, 0, "first"),
        (TEXT, 0, "second"),
        (HEADING, 2, "Sub"),
        (HEADING, 1, "Other"),  # "=" was the first style seen: level 1 again
        (TEXT, 0, "Text"),
        (CODE, 0, "code here"),
    ]


def test_real_node_readline() -> None:
    path = SHARED / "eval" / "structured" / "docs" / "nodejs-readline.md"
    if not path.exists():
        pytest.skip(f"{path} is not present")
    doc = load(path, path.read_bytes())
    assert doc.title == "Readline"
    assert "<!--" not in doc.text and "YAML" not in doc.text and "<kbd>" not in doc.text
    assert any(
        b.text.startswith("Keybindings Ctrl+Shift+Backspace: Description Delete line left; ")
        for b in doc.blocks
    )
    assert sum(b.kind == HEADING for b in doc.blocks) > 30


def test_a_comment_that_is_not_yaml_of_keys_is_kept_as_its_lines() -> None:
    from nocturne.library.loaders.markup import _comment_metadata

    assert _comment_metadata("<!-- YAML\n- just\n- a list\n-->") == "- just - a list"
    assert _comment_metadata("<!-- YAML\nadded: [unclosed\n-->") == "added: [unclosed"
    assert _comment_metadata("<!-- YAML\nsource: lib/readline.js\n-->") == (
        "Source: lib/readline.js."
    )
