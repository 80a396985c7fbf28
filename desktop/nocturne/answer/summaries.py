"""Summaries that are summaries: whole sentences covering what was asked, each with its source.

"Summarize the lease", "Give me an overview of the espresso machine manual", "What is Camlidl
for, in a sentence or two?": the whole document, read from its outline — what it is for (its
introduction or preamble), which main sections it has, and what the main ones say (each one's
key sentence, preferring those the digest's section summaries chose). "Summarise how package
salvaging works": the section the question's own words name, its lead and what its subsections
say. Every sentence is whole and readable (never a heading, a navigation or contents line, a cut
sentence) and is followed by where it stands ("[2. Rent, p. 1]"). Before the digest has written
summaries of a document, the answer says so (route "summary:pending") rather than passing its
first sentence off as a summary. Comparisons are in `comparisons`.
"""

from __future__ import annotations

import re

from nocturne.answer.document_parts import (
    Outline,
    Part,
    Sentence,
    WholeAnswer,
    is_intro_title,
    outline_of,
    readable,
)
from nocturne.answer.query import (
    DOCUMENT_KIND_STEMS,
    LIGHT_VERB_STEMS,
    Query,
    without_section_words,
)
from nocturne.answer.retrieval import Retrieval
from nocturne.answer.text_match import IdfTable, coverage, stems
from nocturne.library.learned_notes import Source, note_sources
from nocturne.library.search import fts_query
from nocturne.library.store import Store
from nocturne.library.structure import (
    Section,
    document_catalog,
    search_sections,
    section_paths,
)
from nocturne.sleeptime.key_sentences import salience, sentences_of

MIN_SENTENCES = 3
MAX_SENTENCES = 6
OUTLINE_TITLES = 7  # section titles listed by name; the rest are counted
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
_SUMMARY_WORDS = frozenset(
    stems(
        "summarise summarize summary overview short brief sentence sentences few nutshell sum "
        "explain works work module library tool program package project purpose main point "
        "give me tell about content contents"
    )
)


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
    return not (subject - query.named.name_stems - _SUMMARY_WORDS - DOCUMENT_KIND_STEMS)


def _topic(query: Query) -> set[str]:
    """What the summary is to be about, beyond the document itself."""
    return (
        set(without_section_words(query.stems))
        - _SUMMARY_WORDS
        - query.named.name_stems
        - DOCUMENT_KIND_STEMS
        - LIGHT_VERB_STEMS
    )


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


def _marked(sentence: Sentence, known: str = "") -> str:
    """The sentence and where it stands, unless that is the heading already said."""
    label = sentence.label
    if known and label.startswith(known):
        label = label[len(known) :].lstrip(", ")
    return f"{sentence.text} [{label}]" if label else sentence.text


def _outline_sentence(name: str, outline: Outline) -> str | None:
    """ "It has 6 main sections: Before first use, …, Troubleshooting and Warranty." """
    titles = list(dict.fromkeys(p.title for p in outline.parts if p.title))
    titles = [t for t in titles if t.lower() != name.lower()]
    if len(titles) < 2:
        return None
    kind = "numbered clauses" if outline.kind == "clauses" else "main sections"
    if outline.kind == "clauses" and not any(ch.isdigit() for p in outline.parts for ch in p.label):
        kind = "parts"
    shown = titles[:OUTLINE_TITLES]
    more = len(titles) - len(shown)
    listed = ", ".join(shown[:-1]) + (
        f", {shown[-1]} and {more} more" if more else f" and {shown[-1]}"
    )
    return f"It has {len(titles)} {kind}: {listed}."


def compose(name: str, outline: Outline, topic: set[str], idf: IdfTable) -> list[Sentence | str]:
    """3–6 whole sentences: what the text is for, its outline, then what its main parts say."""
    chosen: list[Sentence | str] = []
    used: set[str] = set()

    def add(sentence: Sentence | None) -> None:
        if sentence is not None and sentence.text not in used:
            used.add(sentence.text)
            chosen.append(sentence)

    intro = [s for s in outline.intro if readable(s.text)]
    parts = list(outline.parts)
    if not intro and parts and is_intro_title(parts[0].title) and len(parts) > 2:
        first = parts.pop(0)  # "Preamble", "1. Scope of This Document": what the text is for
        intro = first.readable_sentences[:1]
    add(intro[0] if intro else None)
    line = _outline_sentence(name, outline) if len(parts) >= 2 else None
    if line:
        chosen.append(line)
    slots = MAX_SENTENCES - len(chosen)

    def weight(item: tuple[int, Part]) -> float:
        index, part = item
        key = part.key_sentence(used)
        facts = salience(key.text) if key else -5.0
        about = (
            coverage(topic, stems(f"{part.title} {key.text if key else ''}"), idf) if topic else 0
        )
        return min(6, len(part.readable_sentences)) + 0.5 * facts + 4.0 * about - 0.1 * index

    ranked = sorted(enumerate(parts), key=lambda item: -weight(item))[: max(0, slots)]
    for _, part in sorted(ranked, key=lambda item: item[0]):
        add(part.key_sentence(used))
    # Too few parts to fill three sentences: more of what the biggest parts say.
    pool = sorted(parts, key=lambda p: -len(p.readable_sentences))
    for part in pool:
        while len(chosen) < MIN_SENTENCES:
            before = len(chosen)
            add(_best_other(part, used, topic, idf))
            if len(chosen) == before:
                break
    if len(chosen) < MIN_SENTENCES:
        for sentence in intro[1:]:
            if len(chosen) < MIN_SENTENCES:
                add(sentence)
    return chosen


def _best_other(part: Part, used: set[str], topic: set[str], idf: IdfTable) -> Sentence | None:
    best: tuple[float, Sentence] | None = None
    for index, sentence in enumerate(part.readable_sentences):
        if sentence.text in used:
            continue
        value = (
            2.0 * coverage(topic, stems(sentence.text), idf)
            + 0.3 * salience(sentence.text)
            + (1.0 if sentence.text in part.chosen else 0.0)
            - 0.02 * index
        )
        if best is None or value > best[0]:
            best = (value, sentence)
    return best[1] if best else None


def _render(
    heading: str, sentences: list[Sentence | str], known: str = ""
) -> tuple[str, list[Source]]:
    text = " ".join(_marked(s, known) if isinstance(s, Sentence) else s for s in sentences)
    sources = list(dict.fromkeys(s.source for s in sentences if isinstance(s, Sentence)))
    return f"{heading}: {text}", sources


def summarise_section(
    store: Store, query: Query, section: Section, idf: IdfTable, use_notes: bool
) -> WholeAnswer | None:
    """A section's lead, what its subsections say (or its key sentences), whole and sourced."""
    outline = outline_of(store, section.document_id, use_notes, section)
    if not any(p.readable_sentences for p in outline.parts) and not outline.intro:
        return None
    topic = _topic(query)
    if outline.kind == "text":
        part = outline.parts[0]
        sentences: list[Sentence | str] = []
        lead = part.readable_sentences[:1]
        sentences.extend(lead)
        used = {s.text for s in lead}
        while len(sentences) < SUMMARY_SENTENCES:
            other = _best_other(part, used, topic, idf)
            if other is None:
                break
            used.add(other.text)
            sentences.append(other)
        order = {s.text: i for i, s in enumerate(part.sentences)}
        sentences.sort(key=lambda s: order.get(s.text, 0) if isinstance(s, Sentence) else -1)
    else:
        sentences = compose(section.label, outline, topic, idf)
    if not sentences:
        return None
    text, sources = _render(f"Summary of {section.label}", sentences, section.label)
    return WholeAnswer(text, sources, "summary:section")


def document_name(store: Store, document_id: int) -> str:
    return next(
        (d.title or d.name for d in document_catalog(store) if d.document_id == document_id),
        "this document",
    )


def summarise_document(store: Store, query: Query, use_notes: bool) -> WholeAnswer:
    document_id = query.document_ids[0]
    name = document_name(store, document_id)
    if not use_notes or document_summary_note(store, document_id) is None:
        return WholeAnswer(
            f"{name} has not been digested far enough for a summary yet: summaries are written "
            "by the digest at budget medium or deeper. Digest now, then ask again.",
            [],
            "summary:pending",
        )
    outline = outline_of(store, document_id, use_notes)
    sentences = compose(name, outline, set(), IdfTable(store))
    if sum(isinstance(s, Sentence) for s in sentences) < 2:
        # Nothing readable in the outline: the digest's own document summary, sentence by
        # sentence, kept only where whole.
        note_id, note = document_summary_note(store, document_id) or (0, "")
        found = note_sources(store, [note_id]).get(note_id, ())
        source = found[0] if found else None
        if source is not None:
            extra = [
                Sentence(s, source, f"p. {source.page}" if source.page else "")
                for s in sentences_of(note)
                if readable(s)
            ]
            sentences.extend(extra[: MAX_SENTENCES - len(sentences)])
    text, sources = _render(f"Summary of {name}", sentences)
    return WholeAnswer(text, sources, "summary:document")


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


from nocturne.answer.comparisons import answer_comparison, is_comparison  # noqa: E402

__all__ = ["WholeAnswer", "answer_comparison", "answer_summary", "is_comparison", "is_summary"]
