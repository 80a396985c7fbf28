"""Numbered names a question asks about that the library knows only with other numbers:
"Debian 14" where the documents stop at Debian 13 is a near miss, not an answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne.answer.query import analyse
from nocturne.answer.unknown_names import unknown_numbered_name
from nocturne.library.store import Store
from nocturne.settings import Settings

from .test_structure_answers import ingest

RELEASES = """# Release notes

Debian 12 is called bookworm. Debian 13 is called trixie and ships the 6.12 kernel.
Releases are announced on the mailing list before they reach the mirrors.
"""
LICENCE = (
    "Linking with the library is allowed under these terms. "
    "The LGPL 3 is a later licence with other terms.\n"
)


@pytest.fixture
def docs(store: Store, settings: Settings, tmp_path: Path) -> dict[str, int]:
    return ingest(
        store, settings, tmp_path / "docs", {"release-notes.md": RELEASES, "lgpl-2.1.txt": LICENCE}
    )


@pytest.mark.parametrize(
    ("question", "unknown"),
    [
        ("What code name do the release notes give for Debian 14?", "Debian 14"),
        ("Which kernel does Debian 13 ship?", ""),  # the documents know that one
        ("What is Ubuntu 24 called?", ""),  # a name they never use says nothing
        ("what about debian 14?", ""),  # a numbered name is written with a capital
        ("Does Debian 13 or Debian 15 ship the kernel?", "Debian 15"),
        ("Is Debian 12 older than Debian 16 and Debian 17?", "Debian 16"),  # the first one
        ("What does LGPL 4 say about linking?", "LGPL 4"),
        # "the LGPL 2.1" names the document the question is about, not a thing in it.
        ("What does the LGPL 2.1 say about linking?", ""),
    ],
)
def test_a_numbered_name_the_library_knows_only_otherwise(
    store: Store, docs: dict[str, int], question: str, unknown: str
) -> None:
    assert unknown_numbered_name(store, analyse(store, question)) == unknown


def test_an_empty_library_knows_no_name_to_miss(store: Store) -> None:
    assert unknown_numbered_name(store, analyse(store, "What is Debian 14 called?")) == ""
