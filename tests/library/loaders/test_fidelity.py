"""Fidelity in CI: at least 98 % of a reference extraction's words reach the blocks."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne.library.blocks import Block
from nocturne.library.loaders import load
from nocturne.library.loaders.fidelity import word_share, words


def test_words_fold_ligatures_and_quotes() -> None:
    assert words("The ﬁle’s end") == words("the file's END")


def test_words_split_at_underscores_and_drop_soft_hyphens_and_pilcrows() -> None:
    assert words("snake_case don’t soft\u00adhyphen ¶ x2 x2") == {
        "snake": 1,
        "case": 1,
        "don't": 1,
        "softhyphen": 1,
        "x2": 2,
    }


def test_word_share_counts_each_word_as_often_as_it_appears() -> None:
    assert word_share("rent rent rent due", [Block("rent due")]) == 0.5
    assert word_share("Rent is due", [Block("rent"), Block("IS due")]) == 1.0
    assert word_share("", []) == 1.0  # nothing to find: nothing missing


@pytest.mark.parametrize(
    "name,content,reference",
    [
        (
            "page.html",
            "<html><body><div class='para'>Rent is due on the third.</div><div>"
            "<span>Pets</span> need <a href='#'>consent</a>.</div><table><tr><td>a</td>"
            "<td>b</td></tr></table><script>x()</script></body></html>",
            "Rent is due on the third. Pets need consent. a b",
        ),
        (
            "notes.md",
            "# Rent\n\n<!-- YAML added: v1 -->\n\nRent is **due** on the `third`, see"
            " [the rules](http://x.org).\n\n| a | b |\n|---|---|\n| c | d |\n",
            "Rent Rent is due on the third, see the rules. a b c d",
        ),
        (
            "guide.rst",
            "Rent\n====\n\nRent is *due* on the ``third``; see :ref:`the rules <rules>`.\n\n"
            ".. note::\n\n   Pets need consent.\n",
            "Rent Rent is due on the third; see the rules. Pets need consent.",
        ),
        (
            "plain.txt",
            "                 TERMS\n\n  1. Rent is due on the third day.\n\n1.1\tPets\n\nMore.\n",
            "TERMS 1. Rent is due on the third day. 1.1 Pets More.",
        ),
    ],
)
def test_synthetic_fidelity(tmp_path: Path, name: str, content: str, reference: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    doc = load(path, path.read_bytes())
    assert word_share(reference, doc.blocks) >= 0.98
    assert word_share(content if name.endswith(".txt") else reference, doc.blocks) >= 0.98
