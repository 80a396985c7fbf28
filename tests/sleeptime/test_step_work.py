"""One step (`sleeptime/step_work.py`): its notes made from the store without writing anything,
then committed with its row in one transaction; a step whose inputs vanished is superseded."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from nocturne.library.sentences import split_sentences
from nocturne.library.store import Store
from nocturne.sleeptime.notes import EXTRACTED, NoteDraft, StepOutput
from nocturne.sleeptime.plan import Step, plan_digest
from nocturne.sleeptime.prompts import STEP_VERSIONS
from nocturne.sleeptime.step_work import StepSuperseded, commit_step, run_step

from fakes.engine import FakeEngine

Library = Callable[[], dict[str, int]]


def pending(store: Store, kind: str, document_id: int | None = None) -> list[Step]:
    return [
        step
        for step in plan_digest(store, "high", "fake-model").pending
        if step.kind == kind and (document_id is None or step.document_id == document_id)
    ]


def count(store: Store, table: str) -> int:
    return int(store.scalar(f"SELECT COUNT(*) FROM {table}"))


def chunk_text(store: Store, chunk_ids: tuple[int, ...]) -> str:
    chunks = [c for row in store.documents() for c in store.chunks(row.id)]
    return " ".join(c.text for c in chunks if c.id in chunk_ids)


def test_running_every_kind_of_step_writes_nothing(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    library()
    steps = plan_digest(store, "high", "fake-model").pending
    assert {s.kind for s in steps} == set(STEP_VERSIONS) - {"ocr_page"}
    made = {step.kind for step in steps if run_step(store, digest_engine, step).notes}
    assert made == set(STEP_VERSIONS) - {"ocr_page", "structure"}  # no headings: no outline
    assert (count(store, "notes"), count(store, "digest_steps")) == (0, 0)


def test_a_summary_before_any_facts_is_made_of_its_chunks_own_sentences(
    store: Store, library: Library
) -> None:
    docs = library()
    step = pending(store, "section_summary", docs["oil"])[0]
    [note] = run_step(store, FakeEngine(), step).notes
    source = chunk_text(store, step.chunk_ids)
    assert len(split_sentences(note.text)) == 3  # SECTION_SENTENCES
    assert all(sentence in source for sentence in split_sentences(note.text))
    assert note.text.startswith("The 1973 oil crisis began in October 1973")
    assert note.model_id == EXTRACTED  # the fake's "I do not know." is dropped


def test_a_document_summary_never_summarises_a_model_written_gist_again(
    store: Store, library: Library
) -> None:
    docs = library()
    section = pending(store, "section_summary", docs["oil"])[0]
    gist = "Oil became a weapon of the cold war in the hands of distant kings."
    extracted = "The Federal Energy Office was a short-term organization created to coordinate "
    extracted += "the response to the embargo."
    lead = "The crisis led to greater interest in renewable energy and nuclear power."
    written = StepOutput()
    written.notes.append(
        NoteDraft(
            "section_summary",
            f"{gist} {extracted} {lead}",
            section.chunk_ids,
            1,
            docs["oil"],
            "fake-model",
            STEP_VERSIONS["section_summary"],
        )
    )
    commit_step(store, section, written, "fake-model", 1.0)
    [document] = pending(store, "document_summary", docs["oil"])
    [note] = run_step(store, FakeEngine(), document).notes
    assert gist not in note.text
    # The document's lead first, then the section's sentences found in its chunks.
    assert note.text.startswith("The 1973 oil crisis began in October 1973")
    assert extracted in note.text and lead in note.text


@pytest.mark.parametrize("kind", ["chunk_notes", "structure", "section_summary"])
def test_a_step_of_a_removed_document_is_superseded(
    store: Store, library: Library, kind: str
) -> None:
    docs = library()
    step = pending(store, kind, docs["oil"])[0]
    store.remove_document(docs["oil"])
    with pytest.raises(StepSuperseded):
        run_step(store, FakeEngine(), step)


def test_a_comparison_with_a_removed_document_is_superseded(store: Store, library: Library) -> None:
    docs = library()
    [step] = pending(store, "cross_document")
    store.remove_document(docs["forest"])
    with pytest.raises(StepSuperseded):
        run_step(store, FakeEngine(), step)


def test_an_unknown_kind_is_a_bug_not_a_superseded_step(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown step kind 'poem'"):
        run_step(store, FakeEngine(), Step("poem:1", "poem", None))


def test_commit_writes_the_row_and_notes_and_replaces_an_earlier_version(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    docs = library()
    step = pending(store, "chunk_notes", docs["oil"])[0]
    output = run_step(store, digest_engine, step)
    output.dropped = 2
    first = commit_step(store, step, output, "fake-model", 2.5)
    [row] = store.query("SELECT * FROM digest_steps")
    assert row["id"] == first and row["step_key"] == step.key
    assert (row["kind"], row["document_id"], row["model_id"]) == (
        "chunk_notes",
        docs["oil"],
        "fake-model",
    )
    assert row["prompt_version"] == STEP_VERSIONS["chunk_notes"]
    assert (row["prompt_tokens"], row["completion_tokens"]) == (
        output.usage.prompt_tokens,
        output.usage.completion_tokens,
    )
    assert (row["seconds"], row["kept"], row["dropped"]) == (2.5, len(output.notes), 2)
    assert store.scalar("SELECT COUNT(*) FROM notes WHERE step_id = ?", (first,)) == len(
        output.notes
    )
    second = commit_step(store, step, output, "fake-model", 3.0)
    assert count(store, "digest_steps") == 1
    assert store.scalar("SELECT COUNT(*) FROM notes WHERE step_id = ?", (second,)) == len(
        output.notes
    )
    assert count(store, "notes") == len(output.notes)


def test_a_commit_after_the_document_changed_is_superseded_and_writes_nothing(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    docs = library()
    step = pending(store, "chunk_notes", docs["oil"])[0]
    output = run_step(store, digest_engine, step)
    assert output.notes
    store.remove_document(docs["oil"])
    with pytest.raises(StepSuperseded):
        commit_step(store, step, output, "fake-model", 1.0)
    assert (count(store, "notes"), count(store, "digest_steps")) == (0, 0)
