"""Structure questions answered from the digest's outline notes, by lookup.

"What is section 6 of X about?", "What is part 14 of X titled?", "What heading sits above
clauses 15 and 16?", "What sections does X have?" name a section by number or ask for the table
of contents; the outline the digest wrote (`sleeptime/structure_step.py`) holds the answer keyed
by section number, so no search and no generation is needed: an instant answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nocturne.answer.query import Query
from nocturne.library.store import Store
from nocturne.library.structure import keyed_notes

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
