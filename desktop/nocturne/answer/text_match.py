"""How closely a question matches a sentence or an anticipated question, without a model.

Words are compared by their Snowball stem (so "tackles" meets "tackle", "leases" "lease") and
weighted by how rare they are in the library (inverse document frequency over chunks, counted
by FTS5 with the same porter tokenizer the index uses), so "Kuechly" matters more than "team".
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from nocturne.library.learned_notes import chunk_count
from nocturne.library.library_versions import library_versions
from nocturne.library.search import term_counts
from nocturne.library.store import Store
from nocturne.library.words import QUESTION_STEMS, content_stems
from nocturne.library.words import stem as library_stem


def stem(word: str) -> str:
    """The Snowball (Porter) stem, as the index and the question analysis use it."""
    return library_stem(word)


def stems(text: str) -> set[str]:
    """Stemmed content words of `text`, without the words that only make it a question."""
    return {s for s in content_stems(text) if s not in QUESTION_STEMS}


MAX_CACHED_WORDS = 50_000  # then the counts are read afresh: the cache never grows unbounded


@dataclass
class _IdfCounts:
    total: int
    idf: dict[str, float] = field(default_factory=dict)
    found: dict[str, int] = field(default_factory=dict)


class IdfTable:
    """Inverse document frequency of stems, looked up lazily through the chunks' FTS index."""

    def __init__(self, store: Store) -> None:
        self.store = store
        # Kept on the connection until a chunk or section changes: a word's counts were read
        # again for every question (a few ms each at 10,000 documents, some 70 ms a question).
        shared = store.cached(
            "idf", library_versions(store).text, lambda: _IdfCounts(chunk_count(store))
        )
        if len(shared.idf) > MAX_CACHED_WORDS:
            shared.idf.clear()
            shared.found.clear()
        self.total = shared.total
        self._cache = shared.idf
        self._found = shared.found

    def idf(self, word: str) -> float:
        if word not in self._cache:
            self._cache[word] = self._lookup(word)
        return self._cache[word]

    def absent(self, word: str) -> bool:
        """The word occurs in no chunk of the library."""
        self.idf(word)
        return self.total > 0 and self._found.get(word, 0) == 0

    def _lookup(self, word: str) -> float:
        if self.total == 0:
            return 1.0
        found, in_titles = term_counts(self.store, word)  # a damaged library: StoreError
        # A word only a heading uses ("Preamble") is not absent from the library.
        self._found[word] = found + in_titles
        # BM25-style idf, floored so that a word in every chunk still counts a little.
        return max(0.1, math.log(1 + (self.total - found + 0.5) / (found + 0.5)))

    def weight(self, words: Iterable[str]) -> float:
        return sum(self.idf(w) for w in words)


def coverage(question: set[str], sentence: set[str], idf: IdfTable) -> float:
    """Share of the question's (idf-weighted) meaning that the sentence contains, 0..1."""
    total = idf.weight(question)
    if total <= 0:
        return 0.0
    return idf.weight(question & sentence) / total


def weighted_coverage(
    question: set[str],
    sentence: set[str],
    idf: IdfTable,
    context: frozenset[str] = frozenset(),
    context_weight: float | None = None,
) -> float:
    """Like `coverage`, with the words in `context` (the premise of a multi-sentence question,
    "My upload has large changes. Which urgency …?") counting `context_weight` (default half):
    the asking sentence says what the answer is about, the premise only where to look."""
    if not context:
        return coverage(question, sentence, idf)
    share = CONTEXT_WEIGHT if context_weight is None else context_weight

    def weight(words: set[str]) -> float:
        return sum(idf.idf(w) * (share if w in context else 1.0) for w in words)

    total = weight(question)
    return weight(question & sentence) / total if total > 0 else 0.0


CONTEXT_WEIGHT = 0.5
# A follow-up's earlier questions ("What is the annual premium? And how much per month?") only
# say which thing it is about; what it asks is its own words.
FOLLOW_UP_CONTEXT_WEIGHT = 0.25


def question_similarity(question: set[str], anticipated: set[str], idf: IdfTable) -> float:
    """Dice similarity of two questions' idf-weighted stems, 0..1 (1 = same content words)."""
    total = idf.weight(question) + idf.weight(anticipated)
    if total <= 0:
        return 0.0
    return 2 * idf.weight(question & anticipated) / total
