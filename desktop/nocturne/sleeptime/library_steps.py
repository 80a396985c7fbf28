"""Notes that span documents (budget high): what related documents share, and a library brief.

Both are extractive at heart: the shared and distinctive terms of two documents with one quoted
sentence from each, and a list of the documents with their lead sentences and common themes. The
model adds one sentence when the sources support it (as in the summaries), so a stronger model
writes more of these notes without code changes.
"""

from __future__ import annotations

from collections import Counter

from nocturne.engine.base import Engine
from nocturne.library.digest_documents import digestible_documents
from nocturne.library.digest_inputs import document_chunks
from nocturne.library.store import Store
from nocturne.sleeptime.key_sentences import sentences_of
from nocturne.sleeptime.notes import EXTRACTED, NoteDraft, StepOutput, subject_of
from nocturne.sleeptime.prompts import (
    BRIEF_EXTRACT,
    CROSS_EXTRACT,
    SUMMARY_MODEL,
    comparison_messages,
    summary_messages,
)
from nocturne.sleeptime.summaries import model_line
from nocturne.sleeptime.terms import document_terms, shared_terms, weighted_terms

SHARED_SHOWN = 4
BRIEF_DOCUMENTS = 12


def _best_sentence(store: Store, document_id: int, terms: list[str]) -> tuple[str, int] | None:
    """The document sentence (with its chunk id) that mentions the most of `terms`."""
    wanted = set(terms)
    best: tuple[int, str, int] | None = None
    for chunk in document_chunks(store, document_id):
        for sentence in sentences_of(chunk.text):
            hits = len(wanted & set(sentence.lower().replace(",", " ").split()))
            if hits and (best is None or hits > best[0]):
                best = (hits, sentence, chunk.id)
    return None if best is None else (best[1], best[2])


def _listing(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def cross_document_notes(
    store: Store, engine: Engine, first: int, second: int
) -> StepOutput | None:
    """One note on what two related documents share and where they differ."""
    a, b = store.document(first), store.document(second)
    if a is None or b is None:
        return None
    profiles = {first: document_terms(store, first), second: document_terms(store, second)}
    shared = shared_terms(profiles, first, second)[:SHARED_SHOWN]
    output = StepOutput()
    if not shared:
        return output
    name_a, name_b = subject_of(a.name), subject_of(b.name)
    quote_a, quote_b = _best_sentence(store, first, shared), _best_sentence(store, second, shared)
    top = weighted_terms(profiles)
    only_a = [w for w in top[first] if w not in profiles[second]][:3]
    only_b = [w for w in top[second] if w not in profiles[first]][:3]
    parts = [f"{name_a} and {name_b} both discuss {_listing(shared)}."]
    if only_a and only_b:
        parts.append(
            f"They differ: {name_a} is more about {_listing(only_a)}; "
            f"{name_b} about {_listing(only_b)}."
        )
    chunk_ids: list[int] = []
    version = CROSS_EXTRACT
    model_id = EXTRACTED
    if quote_a and quote_b:
        rows = [store.chunk(quote_a[1]), store.chunk(quote_b[1])]
        sources = [str(row.text) for row in rows if row is not None]
        line = model_line(
            engine,
            comparison_messages(quote_a[0], quote_b[0]),
            sources,
            [quote_a[0], quote_b[0]],
            output,
            "digest:cross_document",
        )
        if line:
            parts.insert(0, line)
            version, model_id = f"{SUMMARY_MODEL}+{CROSS_EXTRACT}", engine.model_id
        parts.append(f"{name_a}: {quote_a[0]} {name_b}: {quote_b[0]}")
        chunk_ids = [quote_a[1], quote_b[1]]
    output.notes.append(
        NoteDraft(
            "cross_document",
            " ".join(parts),
            tuple(chunk_ids),
            None,
            None,
            model_id,
            version,
            tokens=output.usage.total,
        )
    )
    return output


def library_brief(store: Store, engine: Engine) -> StepOutput:
    """A short overview: how many documents, each one's lead sentence, the shared themes."""
    output = StepOutput()
    documents = digestible_documents(store)
    if not documents:
        return output
    leads: list[tuple[str, str, int, str]] = []  # subject, sentence, chunk id, chunk text
    profiles = {}
    for document in documents:
        doc_id = document.id
        profiles[doc_id] = document_terms(store, doc_id)
        chunks = document_chunks(store, doc_id)
        for chunk in chunks[:2]:
            found = sentences_of(chunk.text)
            if found:
                leads.append((subject_of(document.name), found[0], chunk.id, chunk.text))
                break
    # A theme is a term among the most distinctive of at least two documents.
    spread: Counter[str] = Counter()
    for terms in weighted_terms(profiles).values():
        spread.update(terms)
    themes = [w for w, n in spread.most_common(5) if n > 1]
    count = len(documents)
    parts = [f"The library holds {count} document{'s' if count != 1 else ''}."]
    for subject, sentence, _, _ in leads[:BRIEF_DOCUMENTS]:
        parts.append(f"{subject}: {sentence}")
    if themes:
        parts.append(f"Themes shared by several documents: {_listing(themes)}.")
    version, model_id = BRIEF_EXTRACT, EXTRACTED
    shown = leads[:BRIEF_DOCUMENTS]
    if shown:
        line = model_line(
            engine,
            summary_messages(" ".join(s for _, s, _, _ in shown), "the library"),
            [text for _, _, _, text in shown],
            [s for _, s, _, _ in shown],
            output,
            "digest:library_brief",
        )
        if line:
            parts.insert(1, line)
            version, model_id = f"{SUMMARY_MODEL}+{BRIEF_EXTRACT}", engine.model_id
    output.notes.append(
        NoteDraft(
            "library_brief",
            " ".join(parts),
            tuple(c for _, _, c, _ in shown),
            None,
            None,
            model_id,
            version,
            tokens=output.usage.total,
        )
    )
    return output
