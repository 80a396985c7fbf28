"""Structure questions answered from the digest's outline notes, by lookup.

"What is section 6 of X about?", "What is part 14 of X titled?", "What heading sits above
clauses 15 and 16?", "What sections does X have?" name a section by number or ask for the table
of contents; the outline the digest wrote (`sleeptime/structure_step.py`) holds the answer keyed
by section number, so no search and no generation is needed: an instant answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nocturne.answer.query import Query, without_section_words
from nocturne.answer.retrieval import Evidence
from nocturne.answer.text_match import IdfTable, coverage, stems
from nocturne.library.search import fts_query
from nocturne.library.store import Store
from nocturne.library.structure import (
    Section,
    keyed_notes,
    search_sections,
    section_paths,
    sections_by_id,
)

_NUMBERED = re.compile(
    r"\b(?:section|chapter|part|clause|question|appendix|article)\s+(?P<number>\d+(?:\.\d+)*)\b",
    re.IGNORECASE,
)
_ABOUT = re.compile(r"\b(?:about|titled|title|called|named|cover|covers|heading|deal)\b", re.I)
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


TITLE_WEIGHT = 1.0
EVIDENCE_WEIGHT = 0.5


def which_section(
    store: Store, query: Query, evidence: list[Evidence], idf: IdfTable
) -> tuple[Section, Evidence | None] | None:
    """ "Which section covers X": sections ranked by how well their title says X, plus how well
    the best evidence inside them does; a shallower section wins a tie ("3.4 Why is lsof so
    slow?" over "3.21.5 Why are the +D and +d options so slow?")."""
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
        precision = len(title & wanted) / len(title) if title else 0.0
        scores[section.id] = TITLE_WEIGHT * coverage(wanted, title, idf) + 0.3 * precision
    best_evidence: dict[int, Evidence] = {}
    top = evidence[:5]
    paths = section_paths(store, [ev.source.chunk_id for ev in top])
    targets = {s.id: s for s in sections_by_id(store, [e.points_to for e in top if e.points_to])}
    for ev in top:
        path = paths.get(ev.source.chunk_id, ())
        numbered = [s for s in path if s.number] or list(path)
        if ev.points_to in targets:  # a sentence that says where the answer is: go there
            numbered = [targets[ev.points_to]]
        if not numbered:
            continue
        leaf = numbered[-1]
        sections.setdefault(leaf.id, leaf)
        if leaf.id not in best_evidence:
            best_evidence[leaf.id] = ev
            scores[leaf.id] = scores.get(leaf.id, 0.0) + EVIDENCE_WEIGHT * ev.coverage
    if not scores:
        return None
    ranked = sorted(scores, key=lambda i: (-(scores[i] - 0.02 * sections[i].level), i))
    chosen = sections[ranked[0]]
    if scores[ranked[0]] <= 0:
        return None
    return chosen, best_evidence.get(chosen.id)
