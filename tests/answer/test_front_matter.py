"""'Who wrote the X manual?': the named document's title page answers, though it shares no
word with the question but the document's name."""

from __future__ import annotations

from pathlib import Path

from nocturne.answer.front_matter import front_matter
from nocturne.answer.query import analyse
from nocturne.library.store import Store
from nocturne.settings import Settings

from .test_structure_answers import ask, ingest

MANUAL = """Frobtool user's manual

Version 2.0

Ada Lovelace

Analytical Engines Ltd, London

12 March 2024

Frobtool rewrites widgets in a project and writes a report of what it changed. This manual
explains how to install it, how to run it and what its reports say. Everyone who writes
widget code for a living should read the first chapter at least once.
"""
OTHER = """Gardening notes

The tomatoes were planted by Charles Babbage in May, who wrote the watering plan as well.
"""


def docs(store: Store, settings: Settings, tmp_path: Path) -> None:
    ingest(
        store,
        settings,
        tmp_path / "docs",
        {"frobtool-manual.txt": MANUAL, "gardening-notes.txt": OTHER},
    )


def test_who_wrote_the_manual_is_read_from_its_title_page(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    docs(store, settings, tmp_path)
    [opening] = front_matter(store, analyse(store, "Who wrote the Frobtool manual?"))
    lines = opening.text.split(" · ")
    assert {"Frobtool user's manual", "Version 2.0", "Ada Lovelace", "12 March 2024"} <= set(lines)
    assert not any("rewrites widgets" in line for line in lines)  # the text itself is not in it
    answer = ask(store, settings, "Who wrote the Frobtool manual?")
    assert not answer.abstained
    assert answer.answer.startswith("Ada Lovelace — "), answer.answer
    assert answer.citations[0].document == "frobtool-manual.txt"


def test_only_questions_about_who_made_a_named_document_read_its_title_page(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    docs(store, settings, tmp_path)
    assert front_matter(store, analyse(store, "What does the Frobtool manual explain?")) == []
    assert front_matter(store, analyse(store, "Who wrote the watering plan?")) == []
