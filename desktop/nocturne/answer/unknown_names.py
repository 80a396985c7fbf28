"""Numbered names a question asks about that the library never mentions: "the code name of
Debian 14" where the documents stop at Debian 13, "flight TP 675" in notes that list TP 669 and
TP 672. The documents know the name, never with that number: a near miss, not an answer.
"""

from __future__ import annotations

from nocturne.answer.answer_type import named_numbers
from nocturne.answer.query import Query
from nocturne.library.search import phrase_occurs
from nocturne.library.store import Store


def unknown_numbered_name(store: Store, query: Query) -> str:
    """The first numbered name of the question the library knows only without its number ("")."""
    naming = query.named.name_stems  # "the LGPL 2.1" names a document, not a thing in it
    for name, number in named_numbers(query.asked):
        if number in naming or not phrase_occurs(store, name):
            continue  # a name spelled otherwise in the documents ("Superbowl 50") says nothing
        if not phrase_occurs(store, f"{name} {number}"):
            return f"{name} {number}"
    return ""
