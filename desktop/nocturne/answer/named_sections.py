"""The sections a question names by their title: "the coding-style section", "the if-statement
part of the tutorial", "the FAQ's bug-report answer".

A question that says where to look is answered from there: the section's sentences are
candidates even when they share few words with the question ("Wrap lines so that they don't
exceed 79 characters" for "what maximum line length does the coding-style section recommend?"),
and the words that only name the section count as found in each of them, so that they stop
favouring whichever sentence repeats them ("it is a good time to talk about coding style").
"""

from __future__ import annotations

from dataclasses import dataclass

from nocturne.answer.query import Query
from nocturne.library.search import fts_query
from nocturne.library.store import Store
from nocturne.library.structure import Section, search_sections
from nocturne.library.words import stem, words

# A section is named when a word saying "part of the document" ("section", "intermezzo",
# "entry") stands within WINDOW words of most of a short title's words: "the coding-style
# section", "the if-statement part", "the FAQ entry about the test suite".
WINDOW = 5
NAMED_SHARE = 0.6
MAX_TITLE_WORDS = 8  # a "title" that is a clause's first sentence is named by no question
MAX_NAMED = 2
_PART_WORDS = frozenset(
    "section sections chapter part clause subsection answer entry paragraph intermezzo "
    "heading appendix".split()
)
_FILLER = frozenset("a an the of and to in on".split())


@dataclass(frozen=True)
class NamedSection:
    section: Section
    shared: frozenset[str]  # the question's content stems that name it


def named_sections(store: Store, query: Query) -> list[NamedSection]:
    """The sections (of the named documents, if any) whose titles the question names."""
    if query.answer_type == "section":
        return []  # "which section covers X" asks for the section; it names none
    tokens = words(query.text)
    near: set[str] = set()
    for index, token in enumerate(tokens):
        if token in _PART_WORDS:
            near |= {stem(t) for t in tokens[max(0, index - WINDOW) : index + WINDOW + 1]}
    if not near:
        return []
    hits = search_sections(
        store, fts_query(" ".join(query.topic_words) or query.text), query.document_ids, limit=20
    )
    found: list[tuple[float, NamedSection]] = []
    for section, _score in hits:
        title = [stem(w) for w in words(section.bare_title) if w not in _FILLER]
        if not title or len(title) > MAX_TITLE_WORDS:
            continue
        present = [t for t in title if t in near]
        shared = frozenset(present) & query.stems
        share = len(present) / len(title)
        if shared <= query.named.name_stems:
            continue  # "the Developer's Reference" names the document, not a section of it
        if share >= NAMED_SHARE and shared != query.stems:
            found.append((share, NamedSection(section, shared)))
    found.sort(key=lambda item: -item[0])
    return [named for _value, named in found[:MAX_NAMED]]
