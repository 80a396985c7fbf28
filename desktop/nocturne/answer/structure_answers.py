"""Structure questions answered from the digest's outline notes, by lookup.

"What is section 6 of X about?", "What is part 14 of X titled?", "What heading sits above
clauses 15 and 16?", "What sections does X have?" name a section by number or ask for the table
of contents; the outline the digest wrote (`sleeptime/structure_step.py`) holds the answer keyed
by section number, so no search and no generation is needed: an instant answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nocturne.answer.learned import quote
from nocturne.answer.query import Query, without_section_words
from nocturne.answer.retrieval import Evidence, Retrieval
from nocturne.answer.text_match import IdfTable, coverage, stems
from nocturne.library.learned_notes import Source, chunk_source, note_sources
from nocturne.library.search import fts_query
from nocturne.library.store import Store
from nocturne.library.structure import (
    Section,
    keyed_notes,
    references_from,
    search_sections,
    section_chunk_ids,
    section_paths,
    sections_by_id,
)

_NUMBERED = re.compile(
    r"\b(?:section|chapter|part|clause|question|appendix|article)\s+(?P<number>\d+(?:\.\d+)*)\b",
    re.IGNORECASE,
)
# "About", "titled" anywhere; "say" only when nothing more specific follows ("what does
# section 2 say?", not "what does section 1 say you must distribute?").
_ABOUT = re.compile(
    r"\b(?:about|titled|title|called|named|cover|covers|heading|deal)\b|"
    r"\b(?:say|says|state|states|contain|contains)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_PARENT = re.compile(
    r"\bheading\b.*\b(?:above|over|contains?|before|introduces?|precedes?)\b|"
    r"\b(?:under|beneath) (?:which|what) heading\b",
    re.IGNORECASE,
)
_CONTENTS = re.compile(
    r"\b(?:what|which) (?:sections|chapters|parts)\b|\btable of contents\b|"
    r"\blist (?:the|all) (?:sections|chapters)\b|\boutline of\b",
    re.IGNORECASE,
)
_ANY_NUMBER = re.compile(r"\b\d+(?:\.\d+)*\b")


@dataclass(frozen=True)
class OutlineAnswer:
    text: str
    note_ids: tuple[int, ...]


def _entry(store: Store, document_ids: tuple[int, ...], number: str) -> tuple[int, str] | None:
    for key in (number, f"{number}.0"):
        for note in keyed_notes(store, "outline", key, document_ids, limit=1):
            if note.answer:
                return note.id, note.answer
    return None


def answer_from_outline(store: Store, query: Query) -> OutlineAnswer | None:
    """An outline lookup for questions that name a section by number, or ask for the contents."""
    if len(query.document_ids) != 1:
        return None
    documents = query.document_ids
    asked = query.asked
    if _CONTENTS.search(asked):
        contents = keyed_notes(store, "outline", "", documents, limit=1)
        return OutlineAnswer(contents[0].answer, (contents[0].id,)) if contents else None
    if _PARENT.search(asked):
        numbers = _ANY_NUMBER.findall(asked)
        for number in numbers:
            entry = _entry(store, documents, number)
            if entry and "(under " in entry[1]:
                parent = entry[1].split("(under ", 1)[1].split(")", 1)[0]
                return OutlineAnswer(f"{parent} — {entry[1]}", (entry[0],))
        return None
    numbered = _NUMBERED.search(asked)
    if numbered and _ABOUT.search(asked):
        entry = _entry(store, documents, numbered.group("number"))
        if entry:
            return OutlineAnswer(entry[1], (entry[0],))
    return None


DEBUG = False
TITLE_WEIGHT = 1.0
DERIVED_TITLE_WEIGHT = 0.3  # a "title" that is only the first words of a clause
PRECISION_WEIGHT = 0.5
EVIDENCE_WEIGHT = 0.5
EVIDENCE_CAP = 0.1  # with a title that says it all, evidence only breaks ties
CONTENT_EVIDENCE_CAP = 0.9
TITLE_DECIDES = 1.2  # a title score (coverage + precision) that says it all
POINTING_WEIGHT = 1.5  # "see Test Suite Problems": the section pointed to, not the pointer


def outline_key(section: Section) -> str:
    """The key the digest's outline entry for `section` has (sleeptime/structure_step.py)."""
    return section.number or " ".join(section.title.lower().split())


def title_says_it(query: Query, section: Section, idf: IdfTable) -> bool:
    """The section's title holds nearly all the question asks about."""
    wanted = set(without_section_words(query.stems))
    title = stems(section.title) - query.named.name_stems
    return bool(wanted) and coverage(wanted, title, idf) >= 0.9


_ELSEWHERE = re.compile(
    r"\b(?:elsewhere|another (?:section|part|question|answer|place|chapter)|a separate|"
    r"refers? (?:you |me )?to|points? (?:you |me )?to|cross[- ]referenced?)\b",
    re.IGNORECASE,
)


def _pointed_to(store: Store, section: Section, wanted: set[str], idf: IdfTable) -> Section | None:
    """The section a reference written in `section` points to, the most relevant first."""
    best: tuple[float, int] | None = None
    for note in references_from(store, section.id):
        if not str(note.key).isdigit():
            continue
        value = coverage(wanted, stems(note.text), idf)
        if best is None or value > best[0]:
            best = (value, int(note.key))
    if best is None:
        return None
    found = sections_by_id(store, [best[1]])
    return found[0] if found else None


def is_derived_title(store: Store, section: Section) -> bool:
    """Plain-text clauses ("6. As an exception to the Sections above") have no title of their
    own: the loader used the clause's first words, which say little about what it covers."""
    chunk_ids = section_chunk_ids(store, [section.id]).get(section.id, [])
    if not chunk_ids:
        return False
    chunk = store.chunk(chunk_ids[0])
    if chunk is None:
        return False
    title = section.title
    if section.number and title.startswith(section.number):
        title = title[len(section.number) :]
    head = " ".join(title.strip(" .):").rstrip("…").split())
    text = " ".join(str(chunk.text).split())
    # A clause repeats its number and first words; a real heading's text does not repeat the
    # number ("4.3 The frobnicate script" followed by "The frobnicate script rewrites …").
    if not section.number or not text.startswith(section.number):
        return False
    text = text[len(section.number) :].lstrip(" .):")
    return bool(head) and text.startswith(head)


def which_section(
    store: Store, query: Query, evidence: list[Evidence], idf: IdfTable
) -> tuple[Section, Evidence | None] | None:
    """ "Which section covers X": sections ranked by how well their title says X (all of it,
    and nothing else: "3.4 Why is lsof so slow?" over "3.21.5 Why are the +D and +d options so
    slow?"), plus how well the evidence inside them does; a shallower section wins a tie."""
    wanted = set(without_section_words(query.stems))
    if not wanted:
        return None
    scores: dict[int, float] = {}
    sections: dict[int, Section] = {}
    for section, _ in search_sections(
        store, fts_query(" ".join(sorted(wanted))), query.document_ids, limit=20
    ):
        sections[section.id] = section
        title = stems(section.title) - query.named.name_stems
        title.discard(section.number)
        precision = len(title & wanted) / len(title) if title else 0.0
        weight = DERIVED_TITLE_WEIGHT if is_derived_title(store, section) else TITLE_WEIGHT
        scores[section.id] = weight * (coverage(wanted, title, idf) + PRECISION_WEIGHT * precision)
    # When some title says nearly all the question asks, titles decide and evidence only breaks
    # ties; otherwise the question describes content, and where the evidence stands decides.
    title_decides = max(scores.values(), default=0.0) >= TITLE_DECIDES
    cap = EVIDENCE_CAP if title_decides else CONTENT_EVIDENCE_CAP
    best_evidence: dict[int, Evidence] = {}
    from_evidence: dict[int, float] = {}
    named = query.document_ids
    top = [ev for ev in evidence if not named or ev.source.document_id in named][:6]
    paths = section_paths(store, [ev.source.chunk_id for ev in top])
    targets = {s.id: s for s in sections_by_id(store, [e.points_to for e in top if e.points_to])}
    for rank, ev in enumerate(top):
        # How well the sentence says X itself, not how many structure words it shares with the
        # question ("… is described in section 6.3" for "which section describes X").
        said = coverage(wanted, stems(f"{ev.lead} {ev.text}"), idf)
        path = paths.get(ev.source.chunk_id, ())
        numbered = [s for s in path if s.number] or list(path)
        if ev.points_to in targets:  # a sentence that says where the answer is: go there
            numbered = [targets[ev.points_to]]
        if not numbered:
            continue
        leaf = numbered[-1]
        sections.setdefault(leaf.id, leaf)
        best_evidence.setdefault(leaf.id, ev)
        pointing = POINTING_WEIGHT if ev.points_to in targets else 1.0
        from_evidence[leaf.id] = from_evidence.get(leaf.id, 0.0) + pointing * EVIDENCE_WEIGHT * (
            said / (1 + 0.5 * rank)
        )
    for section_id, value in from_evidence.items():
        scores[section_id] = scores.get(section_id, 0.0) + min(cap, value)
    if not scores:
        return None
    ranked = sorted(scores, key=lambda i: (-(scores[i] - 0.02 * sections[i].level), i))
    if ranked and _ELSEWHERE.search(query.text):
        # "… are answered elsewhere. Which section holds them?": the place the best section
        # points to, when it points to one.
        pointed = _pointed_to(store, sections[ranked[0]], wanted, idf)
        if pointed is not None:
            return pointed, None
    if DEBUG:
        for i in ranked[:6]:
            print(f"   {scores[i]:.2f} {sections[i].label[:60]}")
    chosen = sections[ranked[0]]
    if scores[ranked[0]] <= 0:
        return None
    return chosen, best_evidence.get(chosen.id)


# An identifier a person can only mean literally: camelCase, snake_case, a command-line option.
_IDENTIFIER = re.compile(r"(?<![\w-])(?:[a-z]+[A-Z]\w*|[A-Za-z]+_\w+|--?[a-z][\w-]*)\b")


def answer_from_definitions(store: Store, query: Query) -> OutlineAnswer | None:
    """A question about an option or setting by its exact name ("the crlfDelay option") is
    answered by the digest's definition of it."""
    if not query.document_ids:
        return None
    for match in _IDENTIFIER.finditer(query.asked):
        term = match.group(0)
        for note in keyed_notes(store, "definition", term.lower(), query.document_ids, limit=1):
            return OutlineAnswer(f"{term}: “{note.text}”", (note.id,))
    return None


@dataclass(frozen=True)
class LocatedSection:
    text: str
    sources: list[Source]
    from_outline: bool  # the digest's outline entry for the section: an instant answer
    title_decided: bool


def answer_which_section(
    store: Store, retrieval: Retrieval, use_notes: bool
) -> LocatedSection | None:
    """ "Which section covers X": the section whose title and text say X best, named first."""
    query = retrieval.query
    if query is None:
        return None
    found = which_section(store, query, retrieval.evidence, IdfTable(store))
    if found is None:
        return None
    section, evidence = found
    name = f"Section {section.number}" if section.number else section.title
    # "Section 3.1 (Blurry images)", not "Section 3.1 (3.1 Blurry images)".
    own_title = section.title
    if section.number and own_title.startswith(section.number):
        own_title = own_title[len(section.number) :].strip(" .):") or own_title
    title = f" ({own_title})" if section.number and own_title != section.number else ""
    entries = (
        keyed_notes(store, "outline", outline_key(section), [section.document_id], limit=1)
        if use_notes
        else []
    )
    decided = evidence is None or title_says_it(query, section, IdfTable(store))
    if evidence is not None:
        return LocatedSection(
            f"{name}{title} — {quote(evidence)}", [evidence.source], bool(entries), decided
        )
    if entries:
        sources = list(note_sources(store, [entries[0].id]).get(entries[0].id, ()))[:1]
    else:
        chunk_ids = section_chunk_ids(store, [section.id]).get(section.id, [])
        sources = [s for s in (chunk_source(store, c) for c in chunk_ids[:1]) if s]
    return LocatedSection(f"{name}{title}", sources, bool(entries), decided)
