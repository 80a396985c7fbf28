"""What each document is about, as weighted terms, and which documents share a subject.

Used by the library-wide steps (budget high): documents whose top terms overlap are compared,
and the library brief names the themes most documents share. TF-IDF over chunk text; no model.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping

from nocturne.library.digest_inputs import chunk_texts
from nocturne.library.search import content_words
from nocturne.library.store import Store

TOP_TERMS = 25
MIN_SHARED_TERMS = 3
PARTNERS_PER_DOCUMENT = 2


def term_counts(store: Store, document_id: int) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text in chunk_texts(store, document_id):
        counts.update(w for w in content_words(text) if not w.isdigit() and len(w) > 2)
    return counts


def document_terms(store: Store, document_id: int) -> Counter[str]:
    """Raw term counts of one document (weighted against the library in `weighted_terms`)."""
    return term_counts(store, document_id)


def weighted_terms(profiles: Mapping[int, Counter[str]]) -> dict[int, list[str]]:
    """Each document's TOP_TERMS terms by TF-IDF against the other documents."""
    frequency: Counter[str] = Counter()
    for counts in profiles.values():
        frequency.update(set(counts))
    total = len(profiles)
    ranked: dict[int, list[str]] = {}
    for doc_id, counts in profiles.items():
        scores = {
            word: n * math.log(1 + total / frequency[word]) for word, n in counts.items() if n > 1
        }
        ranked[doc_id] = sorted(scores, key=lambda w: (-scores[w], w))[:TOP_TERMS]
    return ranked


def shared_terms(profiles: Mapping[int, Counter[str]], first: int, second: int) -> list[str]:
    """Terms both documents use often, most frequent together first."""
    a, b = profiles[first], profiles[second]
    common = [w for w in set(a) & set(b) if a[w] > 1 and b[w] > 1]
    return sorted(common, key=lambda w: (-(min(a[w], b[w])), w))


def related_pairs(profiles: Mapping[int, Counter[str]]) -> list[tuple[int, int]]:
    """Pairs of documents (lower id first) whose top terms overlap enough to compare them."""
    top = weighted_terms(profiles)
    ids = sorted(profiles)
    candidates: list[tuple[int, int, int]] = []
    for i, first in enumerate(ids):
        for second in ids[i + 1 :]:
            overlap = len(set(top[first]) & set(top[second]))
            if overlap >= MIN_SHARED_TERMS:
                candidates.append((overlap, first, second))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    partners: Counter[int] = Counter()
    pairs: list[tuple[int, int]] = []
    for _, first, second in candidates:
        if partners[first] < PARTNERS_PER_DOCUMENT and partners[second] < PARTNERS_PER_DOCUMENT:
            pairs.append((first, second))
            partners[first] += 1
            partners[second] += 1
    return sorted(pairs)
