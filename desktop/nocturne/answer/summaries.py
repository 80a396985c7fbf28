"""Summaries and comparisons that are what they say: whole sentences covering what was asked.

"Summarise how package salvaging works", "What is Camlidl for, in a sentence or two?", "In
short, what does Node's readline module do?": the target is a section when the question's own
words name one ("package salvaging" -> "5.12 Package Salvaging"), else the whole document. A
section is summarised by its lead sentence and its key sentences (the digest's section notes
when they exist, else the section's own sentences ranked the same way); a document by the
digest's document summary — before the digest has written one, the answer says so rather than
passing the first sentence off as a summary. "Do X and Y agree on …" and "which … do both X and
Y …" search each named document on its own and quote both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from nocturne.answer.query import Query, without_section_words
from nocturne.answer.retrieval import Evidence, Retrieval, Source, note_sources, retrieve
from nocturne.answer.text_match import IdfTable, coverage, stems
from nocturne.library.search import fts_query
from nocturne.library.sentences import split_sentences
from nocturne.library.store import Store
from nocturne.library.structure import (
    Section,
    document_catalog,
    search_sections,
    section_chunk_ids,
    section_paths,
    sections_of,
)
from nocturne.sleeptime.key_sentences import salience, sentences_of

SUMMARY_SENTENCES = 4
SECTION_MATCH = 0.5  # title coverage of the question's own words that makes it a section summary
SECTION_AGREEING_MATCH = 0.25
EVIDENCE_MATCH = 0.4  # else the best evidence's section, when it covers this much of the topic
_SUMMARY_VERB = re.compile(
    r"^\s*(?:please\s+)?(?:summari[sz]e|sum up|give (?:me )?(?:a |an )?(?:short |brief )?"
    r"(?:summary|overview)|(?:a |an )?(?:short |brief )?(?:summary|overview) of|tl;?dr)\b|"
    r"\bin (?:short|brief|a nutshell|a sentence or two|one sentence|a few sentences)\b",
    re.IGNORECASE,
)
_WHAT_ABOUT = re.compile(
    r"^\s*(?:in short,?\s*)?what (?:is|are) (?P<x>.{1,80}?) (?:all )?(?:about|for)\b|"
    r"^\s*(?:in short,?\s*)?what does (?P<y>.{1,80}?) do\b",
    re.IGNORECASE,
)
_COMPARE = re.compile(
    r"\b(?:both|each|agree|disagree|compare|comparison|differ|difference|same|in common)\b",
    re.IGNORECASE,
)
_SUMMARY_WORDS = frozenset(
    stems(
        "summarise summarize summary overview short brief sentence sentences few nutshell sum "
        "explain works work module library tool program package project purpose main point"
    )
)


@dataclass(frozen=True)
class WholeAnswer:
    text: str
    sources: list[Source]
    route: str  # "summary:section", "summary:document", "compare", "summary:pending"


def is_summary(query: Query) -> bool:
    if not query.document_ids or len(query.document_ids) != 1:
        return False
    if _SUMMARY_VERB.search(query.asked) and not re.match(
        r"^\s*(?:in (?:short|brief|a nutshell|a sentence or two|one sentence|a few "
        r"sentences),?\s*)?(?:why|how|when|where|who|which)\b",
        query.asked,
        re.IGNORECASE,
    ):
        return True
    what = _WHAT_ABOUT.search(re.sub(r"^\s*in [^,]{2,30},\s*", "", query.asked))
    if not what:
        return False
    subject = stems(what.group("x") or what.group("y") or "")
    return not (subject - query.named.name_stems - _SUMMARY_WORDS)


def _topic(query: Query) -> set[str]:
    """What the summary is to be about, beyond the document itself."""
    return set(without_section_words(query.stems)) - _SUMMARY_WORDS - query.named.name_stems


def _target_section(
    store: Store, query: Query, retrieval: Retrieval, idf: IdfTable
) -> Section | None:
    topic = _topic(query)
    if not topic:
        return None
    best: tuple[float, Section] | None = None
    for section, _ in search_sections(
        store, fts_query(" ".join(sorted(topic))), query.document_ids, limit=10
    ):
        score = coverage(topic, stems(section.title), idf)
        if best is None or score > best[0] + 1e-9:
            best = (score, section)
    if best is not None and best[0] >= SECTION_MATCH:
        return best[1]
    if best is not None and best[0] >= SECTION_AGREEING_MATCH:
        # A weaker title match counts when the evidence agrees: a top sentence stands there.
        top = retrieval.evidence[:3]
        paths = section_paths(store, [ev.source.chunk_id for ev in top])
        if any(best[1] in paths.get(ev.source.chunk_id, ()) for ev in top):
            return best[1]
    # No title says it: the section where the best evidence for the topic stands.
    for evidence in retrieval.evidence[:1]:
        if evidence.coverage >= EVIDENCE_MATCH:
            path = section_paths(store, [evidence.source.chunk_id]).get(evidence.source.chunk_id)
            if path:
                return path[-1]
    return None


def _section_sentences(store: Store, section: Section) -> list[tuple[str, Source]]:
    """The section's own sentences, then its subsections', in document order."""
    family = [section.id]
    for other in sections_of(store, section.document_id):
        if other.parent_id in family:
            family.append(other.id)
    chunk_ids = section_chunk_ids(store, family)
    found: list[tuple[str, Source]] = []
    for section_id in family:
        for chunk_id in chunk_ids.get(section_id, [])[:6]:
            chunk = store.chunk(chunk_id)
            if chunk is None:
                continue
            source = Source(
                chunk_id,
                int(chunk["document_id"]),
                str(chunk["document_name"]),
                str(chunk["document_path"]),
                chunk["page"],
            )
            found.extend((s, source) for s in sentences_of(str(chunk["text"])))
    return found


def _digest_section_sentences(
    store: Store, section: Section, sentences: list[tuple[str, Source]]
) -> set[str]:
    """Sentences of this section that the digest's section summaries chose as key."""
    chunk_ids = {source.chunk_id for _, source in sentences}
    chosen: set[str] = set()
    for note in summaries_touching(store, chunk_ids):
        chosen.update(split_sentences(note))
    return chosen


def summaries_touching(store: Store, chunk_ids: set[int]) -> list[str]:
    if not chunk_ids:
        return []
    from nocturne.library.structure import notes_from_chunks

    return notes_from_chunks(store, "section_summary", sorted(chunk_ids))


def summarise_section(
    store: Store, query: Query, section: Section, idf: IdfTable, use_notes: bool
) -> WholeAnswer | None:
    sentences = _section_sentences(store, section)
    if not sentences:
        return None
    key = _digest_section_sentences(store, section, sentences) if use_notes else set()
    topic = _topic(query)

    def value(item: tuple[int, tuple[str, Source]]) -> float:
        index, (text, _) = item
        return (
            2.0 * coverage(topic, stems(text), idf)
            + 0.3 * salience(text)
            + (1.0 if text in key else 0.0)
            - 0.02 * index
        )

    indexed = list(enumerate(sentences))
    lead = indexed[0]
    rest = sorted(indexed[1:], key=lambda item: -value(item))[: SUMMARY_SENTENCES - 1]
    chosen = sorted([lead, *rest], key=lambda item: item[0])
    text = " ".join(s for _, (s, _) in chosen)
    sources = list(dict.fromkeys(source for _, (_, source) in chosen))
    return WholeAnswer(f"Summary of {section.label}: {text}", sources, "summary:section")


def summarise_document(store: Store, query: Query, use_notes: bool) -> WholeAnswer:
    document_id = query.document_ids[0]
    name = next(
        (d.title or d.name for d in document_catalog(store) if d.document_id == document_id),
        "this document",
    )
    summary = document_summary_note(store, document_id) if use_notes else None
    if summary is None:
        return WholeAnswer(
            f"{name} has not been digested yet, so there is no summary of it; run "
            "“Digest now” (nocturne digest) and ask again.",
            [],
            "summary:pending",
        )
    note_id, text = summary
    sources = list(note_sources(store, [note_id]).get(note_id, ()))[:3]
    return WholeAnswer(f"Summary of {name}: {text}", sources, "summary:document")


def document_summary_note(store: Store, document_id: int) -> tuple[int, str] | None:
    from nocturne.answer.intent import document_summary

    return document_summary(store, document_id)


def answer_summary(
    store: Store, query: Query, retrieval: Retrieval, use_notes: bool
) -> WholeAnswer | None:
    if not is_summary(query):
        return None
    idf = IdfTable(store)
    section = _target_section(store, query, retrieval, idf)
    if section is not None:
        return summarise_section(store, query, section, idf, use_notes)
    if _topic(query):
        return None  # a "why"/"how" about something specific: answered from evidence
    return summarise_document(store, query, use_notes)


def is_comparison(query: Query) -> bool:
    return len(query.document_ids) == 2 and bool(_COMPARE.search(query.text))


def answer_comparison(
    store: Store, query: Query, use_notes: bool, idf: IdfTable
) -> tuple[WholeAnswer, list[Evidence]] | None:
    """The best evidence from each of the two named documents, quoted side by side."""
    if not is_comparison(query):
        return None
    parts: list[str] = []
    sources: list[Source] = []
    chosen: list[Evidence] = []
    for document_id in query.document_ids:
        one = replace(query, named=replace(query.named, document_ids=(document_id,)))
        found = retrieve(store, query.text, idf=idf, use_notes=use_notes, query=one)
        inside = [ev for ev in found.evidence if ev.source.document_id == document_id]
        if not inside:
            return None
        best = inside[0]
        chosen.append(best)
        parts.append(f"{best.source.document_name}: {best.lead}“{best.text}”")
        sources.append(best.source)
    return WholeAnswer("\n".join(parts), sources, "compare"), chosen
