"""Who wrote a document, and when: its front matter.

A manual's title page ("Camlidl user's manual · Version 1.04 · Xavier Leroy · INRIA Rocquencourt
· May 1, 2002") answers "who wrote the Camlidl manual", although it shares no word with the
question but the document's name: the name only says which document, and "wrote" is in no line
of it. When a question names a document and asks who wrote, edited or published it, or when,
the short lines that open the document are a candidate whose authorship words count as found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nocturne.answer.query import Query
from nocturne.answer.text_match import stems
from nocturne.library.learned_notes import Source, first_chunks
from nocturne.library.sentences import split_paragraphs
from nocturne.library.store import Store
from nocturne.library.structure import section_paths, sections_of

_ABOUT_AUTHORSHIP = re.compile(
    r"\bwho (?:wrote|writes|authored|edited|created|made|maintains|published|is behind)\b|"
    r"\b(?:authors?|editors?|publishers?|maintainers?|written by|authored by)\b|"
    r"\bwhen (?:was|were|is) .{0,60}\b(?:written|published|released|dated|issued)\b",
    re.IGNORECASE,
)
AUTHORSHIP_STEMS = frozenset(
    stems(
        "wrote write writes written author authors authored edit edited editor create created "
        "maintain maintains maintainer publish published publisher release released date dated "
        "issue issued"
    )
)
TITLE_LINE_WORDS = 8  # a title page is short lines; the first longer paragraph is the text
MAX_LINES = 8


@dataclass(frozen=True)
class FrontMatter:
    text: str  # the opening lines, joined: "Camlidl user's manual · Version 1.04 · …"
    source: Source


def front_matter(store: Store, query: Query) -> list[FrontMatter]:
    """The opening lines of the documents the question names, if it asks who made them."""
    if not query.document_ids or not _ABOUT_AUTHORSHIP.search(query.asked):
        return []
    found = []
    for document_id in query.document_ids[:2]:
        opening = _opening_lines(store, document_id)
        if opening is not None and len(opening[0]) >= 2:
            found.append(FrontMatter(" · ".join(opening[0]), opening[1]))
    return found


def _opening_lines(store: Store, document_id: int) -> tuple[list[str], Source] | None:
    """The short lines before the first paragraph of text: the headings before it (a title
    page's lines are often read as headings of empty sections) and the chunks' own short
    paragraphs."""
    sources = first_chunks(store, document_id)
    if not sources:
        return None
    paths = section_paths(store, [s.chunk_id for s in sources])
    texts: list[str] = []
    last_section = -1
    for source in sources:
        chunk = store.chunk(source.chunk_id)
        paragraphs = (
            [" ".join(p.split()) for p in split_paragraphs(str(chunk.text))] if chunk else []
        )
        path = paths.get(source.chunk_id, ())
        last_section = max([last_section, *(s.ordinal for s in path)])
        long = next(
            (i for i, p in enumerate(paragraphs) if len(p.split()) > TITLE_LINE_WORDS), None
        )
        texts.extend(paragraphs[:long])
        if long is not None:
            break
    titles = [s.title for s in sections_of(store, document_id) if s.ordinal <= last_section]
    lines = list(dict.fromkeys([*titles, *texts]))
    return lines[:MAX_LINES], sources[0]
