"""Structure end to end with the real bundled model: two tiny documents in real formats are
ingested, digested at budget low, and asked about a numbered section and through a reference."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from typing import Any

import pytest

from nocturne.answer.ask import answer_question
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime.runner import DigestRunner

pytestmark = pytest.mark.integration

MANUAL = """# Camlidl manual

## 4 Building

### 4.3 The camlidldll script

The camlidldll script builds a Windows DLL from the generated stubs. The messages it prints
when a build fails are explained in section 4.4.

### 4.4 Error handling

Every failed build writes its messages to the file camlidl.log in the current directory.
"""

CLAUSES = [
    "This License Agreement applies to any software library which contains a notice placed "
    "by the copyright holder.",
    "You may copy and distribute verbatim copies of the Library's complete source code as "
    "you receive it, provided that you keep intact all the notices.",
    "You may modify your copy or copies of the Library or any portion of it, and distribute "
    "such modifications under the terms of Section 1.",
]


def licence() -> str:
    text = (
        "                  GNU LESSER GENERAL PUBLIC LICENSE\n"
        "                       Version 2.1, February 1999\n\n"
        "                    TERMS AND CONDITIONS\n\n"
    )
    for number, clause in enumerate(CLAUSES):
        text += textwrap.fill(f"{number}. {clause}", 70, initial_indent="  ") + "\n\n"
    return text


@pytest.fixture(scope="module")
def digested(tmp_path_factory: pytest.TempPathFactory, real_engine: Any) -> Iterator[Store]:
    """Ingested and digested once for the module: the digest is what takes the time."""
    root = tmp_path_factory.mktemp("structure")
    folder = root / "docs"
    folder.mkdir()
    (folder / "camlidl-1.04.md").write_text(MANUAL)
    (folder / "LGPL-2.1.txt").write_text(licence())
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NOCTURNE_HOME", str(root / "home"))  # never the real data folder
        store = Store.open(root / "library.sqlite3")
        results = list(add_paths(store, [folder], Settings(), real_engine))
        assert [r.status for r in results] == ["added", "added"], [r.line() for r in results]
        result = DigestRunner(store, real_engine, "low").run()
        assert result.reason == "done" and result.done == result.total
    yield store
    store.close()


def test_what_a_numbered_section_is_about_is_answered_instantly(
    digested: Store, settings: Settings, real_engine: Any
) -> None:
    answer = answer_question(
        digested, real_engine, "What is section 4.3 of the Camlidl manual about?", settings
    )
    assert answer.mode == "instant"
    assert answer.route == "instant"
    assert "The camlidldll script" in answer.answer
    assert answer.usage.total == 0
    assert [c.document for c in answer.citations] == ["camlidl-1.04.md"]
    assert answer.citations[0].section == "4.3 The camlidldll script"


def test_a_licence_clause_is_answered_instantly(
    digested: Store, settings: Settings, real_engine: Any
) -> None:
    answer = answer_question(
        digested, real_engine, "What is section 2 of the LGPL 2.1 about?", settings
    )
    assert answer.mode == "instant"
    assert "You may modify your copy" in answer.answer
    assert "(under TERMS AND CONDITIONS)" in answer.answer
    assert [c.document for c in answer.citations] == ["LGPL-2.1.txt"]


def test_a_question_answered_through_a_resolved_reference_cites_both_places(
    digested: Store, settings: Settings, real_engine: Any
) -> None:
    answer = answer_question(
        digested,
        real_engine,
        "Where does the camlidldll script write the messages of a failed build?",
        settings,
    )
    assert not answer.abstained
    assert "camlidl.log" in answer.answer
    sections = {c.section for c in answer.citations}
    assert {"4.3 The camlidldll script", "4.4 Error handling"} <= sections, answer.citations
