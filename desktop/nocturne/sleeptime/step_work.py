"""Doing one step: gather its inputs from the store, make its notes, commit it atomically.

The commit writes the step's notes, their sources and its `digest_steps` row in one
transaction, replacing an outdated version of the same step. A digest killed at any moment
therefore leaves either the whole step or none of it, and a rerun skips exactly the finished ones.
"""

from __future__ import annotations

from nocturne.engine.base import Engine
from nocturne.library import digest_steps
from nocturne.library.digest_inputs import (
    Chunk,
    chunks_by_id,
    facts_of_chunks,
    fresh_note_texts,
)
from nocturne.library.sentences import split_sentences
from nocturne.library.store import Store
from nocturne.sleeptime.chunk_step import ChunkInput, chunk_notes
from nocturne.sleeptime.key_sentences import sentences_of
from nocturne.sleeptime.library_steps import cross_document_notes, library_brief
from nocturne.sleeptime.notes import StepOutput, subject_of
from nocturne.sleeptime.plan import Step
from nocturne.sleeptime.prompts import STEP_VERSIONS
from nocturne.sleeptime.structure_step import structure_notes
from nocturne.sleeptime.summaries import SourcedSentence, summarize

SECTION_SENTENCES = 3
DOCUMENT_SENTENCES = 4


class StepSuperseded(Exception):
    """The step's inputs are gone (its document changed or was removed while digesting)."""


def _facts_of(store: Store, chunk_ids: tuple[int, ...]) -> list[SourcedSentence]:
    """The fact notes of these chunks in document order (the map results)."""
    return [SourcedSentence(f.text, f.chunk_id, f.page) for f in facts_of_chunks(store, chunk_ids)]


def _section_sentences(
    store: Store, document_id: int, chunks: list[Chunk]
) -> list[SourcedSentence]:
    """The extracted sentences of a document's section summaries (the reduce input).

    Only sentences found verbatim in a chunk are taken, so a model-written gist is never
    summarised again as if it were the document's own words.
    """
    found: list[SourcedSentence] = []
    for text in fresh_note_texts(store, document_id, "section_summary"):
        for sentence in split_sentences(text):
            chunk = next((c for c in chunks if sentence in c.text), None)
            if chunk is not None:
                found.append(SourcedSentence(sentence, chunk.id, chunk.page))
    return found


def _chunks(store: Store, chunk_ids: tuple[int, ...]) -> list[Chunk]:
    chunks = chunks_by_id(store, chunk_ids)
    if len(chunks) != len(chunk_ids):
        raise StepSuperseded
    return chunks


def _summary(store: Store, engine: Engine, step: Step, limit: int) -> StepOutput:
    assert step.document_id is not None
    document = store.document(step.document_id)
    chunks = _chunks(store, step.chunk_ids)
    if document is None:
        raise StepSuperseded
    sentences = []
    if step.kind == "document_summary":
        sentences = _section_sentences(store, step.document_id, chunks)
    if not sentences:
        sentences = _facts_of(store, step.chunk_ids)
    lead = sentences_of(chunks[0].text)[:1]
    if lead and all(s.text != lead[0] for s in sentences):
        sentences.insert(0, SourcedSentence(lead[0], chunks[0].id, chunks[0].page))
    if len(sentences) < 2:  # no facts: fall back on the chunks' own sentences
        sentences = [
            SourcedSentence(text, c.id, c.page) for c in chunks for text in sentences_of(c.text)
        ]
    return summarize(
        engine,
        step.kind,
        step.document_id,
        subject_of(document.name),
        sentences,
        [c.text for c in chunks],
        limit,
    )


def run_step(store: Store, engine: Engine, step: Step) -> StepOutput:
    """The notes of one step (nothing is written here)."""
    if step.kind == "chunk_notes":
        (chunk,) = _chunks(store, step.chunk_ids)
        return chunk_notes(
            engine,
            ChunkInput(chunk.id, chunk.document_id, chunk.page, chunk.text),
            fresh_note_texts(store, chunk.document_id, "fact"),
            fresh_note_texts(store, chunk.document_id, "question"),
        )
    if step.kind == "structure":
        assert step.document_id is not None
        document = store.document(step.document_id)
        if document is None:
            raise StepSuperseded
        title = str(document.title or "") or subject_of(str(document.name))
        return structure_notes(store, step.document_id, title)
    if step.kind == "section_summary":
        return _summary(store, engine, step, SECTION_SENTENCES)
    if step.kind == "document_summary":
        return _summary(store, engine, step, DOCUMENT_SENTENCES)
    if step.kind == "cross_document":
        assert step.pair is not None
        output = cross_document_notes(store, engine, *step.pair)
    elif step.kind == "library_brief":
        output = library_brief(store, engine)
    else:
        raise ValueError(f"unknown step kind {step.kind!r}")
    if output is None:
        raise StepSuperseded
    return output


def commit_step(store: Store, step: Step, output: StepOutput, model_id: str, seconds: float) -> int:
    """Store the step's notes, sources and row in one transaction; returns the step id."""
    step_id = digest_steps.record_step(
        store,
        digest_steps.FinishedStep(
            key=step.key,
            kind=step.kind,
            document_id=step.document_id,
            model_id=model_id,
            prompt_version=STEP_VERSIONS[step.kind],
            prompt_tokens=output.usage.prompt_tokens,
            completion_tokens=output.usage.completion_tokens,
            seconds=seconds,
            kept=len(output.notes),
            dropped=output.dropped,
        ),
        output.notes,
    )
    if step_id is None:  # a source chunk or document vanished meanwhile
        raise StepSuperseded
    return step_id
