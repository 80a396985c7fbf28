"""When the library's names or text last changed (counters kept by triggers, migration m011).

What depends only on the documents' names (the catalog a question's names are matched against)
or only on their text (how many chunks hold a word) is worked out once and kept on the
connection (`Store.cached`) until the counter it depends on moves: at 10,000 documents working
them out again for every question took a second.
"""

from __future__ import annotations

from dataclasses import dataclass

from nocturne.library.store import Store


@dataclass(frozen=True)
class LibraryVersions:
    names: int
    text: int


def library_versions(store: Store) -> LibraryVersions:
    rows = store.query("SELECT name, n FROM library_versions")
    counters = {str(row[0]): int(row[1]) for row in rows}
    return LibraryVersions(counters.get("names", 0), counters.get("text", 0))
