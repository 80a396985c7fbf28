"""A question about what a referred-to section says: the digest's reference note leads from the
referring sentence ("Its output is described in section 6.3.") to the section's own text."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne.answer.query import analyse
from nocturne.answer.retrieval import retrieve
from nocturne.library.store import Store
from nocturne.library.structure import keyed_notes, section_chunk_ids
from nocturne.settings import Settings

from .test_structure_answers import ask, digest, ingest, section

QUESTION = (
    "What does the section referred to by the frobnicate script section say about report files?"
)


@pytest.fixture
def docs(store: Store, settings: Settings, tmp_path: Path) -> dict[str, int]:
    found = ingest(store, settings, tmp_path / "docs")
    digest(store)
    return found


def chunk_of(store: Store, document_id: int, number: str) -> int:
    section_id = section(store, document_id, number)
    [chunk_id] = section_chunk_ids(store, [section_id])[section_id]
    return chunk_id


def test_the_digest_resolved_the_reference(store: Store, docs: dict[str, int]) -> None:
    manual = docs["frobtool-manual.md"]
    target = section(store, manual, "6.3")
    [note] = keyed_notes(store, "reference", str(target), [manual])
    assert note.text.startswith("Its output is described in section 6.3. → 6.3 Report files")
    assert note.answer == "6.3 Report files"


def test_retrieval_follows_the_reference_into_the_target_section(
    store: Store, docs: dict[str, int]
) -> None:
    manual = docs["frobtool-manual.md"]
    query = analyse(store, QUESTION)
    evidence = retrieve(store, QUESTION, query=query).evidence
    followed = [
        ev for ev in evidence if ev.origin == "followed" and ev.source.document_id == manual
    ]
    assert followed, [(ev.origin, ev.text) for ev in evidence[:5]]
    assert {ev.source.chunk_id for ev in followed} == {chunk_of(store, manual, "6.3")}
    assert all(ev.lead == "6.3 Report files: " for ev in followed)
    assert all(
        ev.via is not None and ev.via.chunk_id == chunk_of(store, manual, "4.3") for ev in followed
    )
    [pointer] = [
        ev for ev in evidence if ev.origin == "reference" and ev.source.document_id == manual
    ]
    assert pointer.points_to == section(store, manual, "6.3")
    # Without notes there is nothing to follow.
    plain = retrieve(store, QUESTION, query=query, use_notes=False).evidence
    assert not [ev for ev in plain if ev.origin in ("followed", "reference")]


def test_the_answer_quotes_the_target_section_and_cites_both(
    store: Store, settings: Settings, docs: dict[str, int]
) -> None:
    answer = ask(store, settings, QUESTION)
    assert not answer.abstained, answer.extra
    assert answer.answer.startswith("6.3 Report files: “"), answer.answer
    quoted = answer.answer.split("“", 1)[1].split("”", 1)[0]
    assert quoted in {
        "Each pass writes a report file named after the widget it changed.",
        "Report files are kept for thirty days and then deleted.",
        "A report lists every widget that was changed.",
    }
    sections = [c.section for c in answer.citations]
    assert sections[:2] == ["6.3 Report files", "4.3 The frobnicate script"], sections
    manual = docs["frobtool-manual.md"]
    assert {c.chunk_id for c in answer.citations} >= {
        chunk_of(store, manual, "6.3"),
        chunk_of(store, manual, "4.3"),
    }


OFFER_LICENCE = """WIDGET LIBRARY LICENCE

TERMS AND CONDITIONS

0. This Licence applies to any widget library that carries a notice saying so.

1. You may copy and give away verbatim copies of the Library as you receive it.

2. You may modify your copy of the Library and give away the modified copies.

3. You may apply the terms of a later version of this Licence instead.

4. You may give away the Library in object code, with its source code beside it.

5. A work that only links with the Library is not a derivative of the Library.

6. As an exception to the Sections above, you may combine a work with the Library and
distribute it under terms of your choice, provided that you do one of these things:

a) Accompany the work with the complete corresponding machine-readable source code for the
Library.

b) Use a suitable shared library mechanism for linking with the Library.

c) Accompany the work with a written offer, valid for three years, to give the same user the
materials specified in Subsection 6a, above, for a charge no more than the cost of copying.
"""


def test_a_lettered_item_reference_is_followed_to_the_items_own_sentence(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    ingest(store, settings, tmp_path / "licence", {"widget-licence.txt": OFFER_LICENCE})
    digest(store)
    question = (
        "If I choose the written-offer option of the widget licence, what does the offer have "
        "to give the user?"
    )
    answer = ask(store, settings, question)
    assert not answer.abstained, answer.extra
    assert "written offer" in answer.answer
    assert "complete corresponding machine-readable source code" in answer.answer, answer.answer
