"""Abstaining plainly when the library does not say, answering when it does in other word forms,
and keeping to the document a question names."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne.answer.query import analyse
from nocturne.answer.raw import NOT_FOUND
from nocturne.answer.retrieval import retrieve
from nocturne.library.store import Store
from nocturne.settings import Settings

from .test_structure_answers import ask, digest, ingest


@pytest.fixture(params=["raw sentences", "digested"])
def docs(
    request: pytest.FixtureRequest, store: Store, settings: Settings, tmp_path: Path
) -> dict[str, int]:
    found = ingest(store, settings, tmp_path / "docs")
    if request.param == "digested":
        digest(store)
    return found


@pytest.mark.parametrize(
    "question",
    [
        "What's the Wi-Fi password for my home router?",
        "Who directed Casablanca?",
        "What is the capital of Australia?",
    ],
)
def test_off_topic_questions_abstain(
    store: Store, settings: Settings, docs: dict[str, int], question: str
) -> None:
    answer = ask(store, settings, question)
    assert answer.abstained, answer.answer
    assert answer.answer == NOT_FOUND
    assert answer.route == "abstain"
    assert answer.citations == []
    assert answer.savings.tokens == 0  # no answer, nothing saved


def test_a_past_tense_in_the_text_still_answers(
    store: Store, settings: Settings, docs: dict[str, int]
) -> None:
    answer = ask(store, settings, "What did the authors give away at a conference?")
    assert not answer.abstained, answer.extra
    assert "The authors gave the first copy away at a conference in 2015." in answer.answer
    assert [c.document for c in answer.citations][:1] == ["frobtool-manual.md"]


def test_a_participle_in_the_question_meets_the_past_in_the_text(
    store: Store, settings: Settings, docs: dict[str, int]
) -> None:
    answer = ask(store, settings, "What have the Frobtool authors given away?")
    assert not answer.abstained, answer.extra
    assert "gave the first copy away" in answer.answer


@pytest.mark.parametrize(
    ("document", "expected", "other"),
    [
        ("the Frobtool manual", "mailing list", "issue tracker"),
        ("the Gizmo FAQ", "issue tracker", "mailing list"),
    ],
)
def test_the_named_document_gives_the_evidence(
    store: Store,
    settings: Settings,
    docs: dict[str, int],
    document: str,
    expected: str,
    other: str,
) -> None:
    # "Bugs are reported on the project's mailing list." / "... issue tracker.": the same words
    # but for the last two, in two documents.
    question = f"Where are bugs reported, according to {document}?"
    query = analyse(store, question)
    [named] = query.document_ids
    best = retrieve(store, question, query=query).evidence[0]
    assert best.source.document_id == named and expected in best.text, best
    answer = ask(store, settings, question)
    assert expected in answer.answer and other not in answer.answer, answer.answer
    assert {c.document for c in answer.citations} == {
        next(name for name, i in docs.items() if i == named)
    }


def test_without_a_name_either_document_may_answer_but_one_is_quoted(
    store: Store, settings: Settings, docs: dict[str, int]
) -> None:
    answer = ask(store, settings, "Where are bugs reported?")
    assert not answer.abstained
    assert ("mailing list" in answer.answer) != ("issue tracker" in answer.answer), answer.answer


def test_a_question_for_a_number_the_evidence_lacks_abstains(
    store: Store, settings: Settings, docs: dict[str, int]
) -> None:
    # The manual speaks of the unfrob script and its backup folder, but of no size at all.
    answer = ask(store, settings, "How many megabytes does the unfrob backup folder need?")
    assert answer.abstained, answer.answer
    # What comes closest is shown, marked as not an answer, with its source.
    first, closest = answer.answer.split("\n")
    assert first == NOT_FOUND
    assert closest.startswith("Closest passage (not an answer): “") and "backup folder" in closest
    assert [c.document for c in answer.citations] == ["frobtool-manual.md"]
    assert answer.savings.tokens == 0
    kept = ask(store, settings, "How many days are report files kept?")
    assert not kept.abstained and "thirty days" in kept.answer, kept.answer


RELEASES = """# Release notes

Debian 12 is called bookworm. Debian 13 is called trixie and ships the 6.12 kernel.
Releases are announced on the mailing list before they reach the mirrors.
"""


@pytest.mark.parametrize(
    ("question", "unknown"),
    [
        ("What code name do the release notes give for Debian 14?", "Debian 14"),
        ("Which kernel does Debian 13 ship, according to the release notes?", ""),
        # A name the notes spell otherwise (or never use) is no near miss.
        ("What is Ubuntu 24 called in the release notes?", ""),
    ],
)
def test_a_numbered_name_the_documents_never_mention_is_not_answered(
    store: Store, settings: Settings, tmp_path: Path, question: str, unknown: str
) -> None:
    ingest(store, settings, tmp_path / "docs", {"release-notes.md": RELEASES})
    found = retrieve(store, question, query=analyse(store, question))
    assert found.unknown_name == unknown
    answer = ask(store, settings, question)
    if unknown:
        assert answer.abstained
        assert answer.answer.startswith(NOT_FOUND)
    elif "13" in question:
        assert not answer.abstained
        assert "6.12" in answer.answer


def test_a_number_beside_a_document_name_word_is_not_part_of_the_name(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    ingest(store, settings, tmp_path / "docs", {"debian-reference.md": RELEASES})
    query = analyse(store, "What does the Debian Reference say about Debian 14?")
    assert "14" not in query.named.name_stems
    assert "14" in query.stems
