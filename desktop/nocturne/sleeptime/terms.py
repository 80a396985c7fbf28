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
    """Pairs of documents (lower id first) whose top terms overlap enough to compare them.

    The pairs with the largest overlap first (ties by the lower ids), each document in at most
    PARTNERS_PER_DOCUMENT of them. Counted with bit sets, one bit per document: each term's set
    of documents is a Python int, and a document's overlap with every other one is the sum of
    its terms' sets, added bit-sliced (one int per binary digit of the count). So a library of
    10,000 documents, where every pair shares a few common words, takes seconds where comparing
    the pairs one by one took minutes, with the same pairs.
    """
    top = {doc_id: set(terms) for doc_id, terms in weighted_terms(profiles).items()}
    ids = sorted(profiles)
    holders: dict[str, int] = {}  # term -> the documents (bits by position in `ids`) using it
    for position, doc_id in enumerate(ids):
        for word in top[doc_id]:
            holders[word] = holders.get(word, 0) | (1 << position)
    width = max(1, TOP_TERMS.bit_length())

    def overlaps(position: int) -> list[int]:
        """The overlap of `ids[position]` with every document, as bit planes of the count."""
        planes = [0] * width
        for word in top[ids[position]]:
            carry = holders[word]
            for digit in range(width):
                if not carry:
                    break
                planes[digit], carry = planes[digit] ^ carry, planes[digit] & carry
        return planes

    partners = [0] * len(ids)
    available = (1 << len(ids)) - 1  # documents with partners to spare
    counted: dict[int, list[int]] = {}
    pairs: list[tuple[int, int]] = []
    for overlap in range(TOP_TERMS, MIN_SHARED_TERMS - 1, -1):
        for position, doc_id in enumerate(ids):
            if len(top[doc_id]) < overlap or not available >> position & 1:
                continue
            planes = counted.get(position)
            if planes is None:
                planes = counted[position] = overlaps(position)
            match = available & ~((1 << (position + 1)) - 1)  # later documents only
            for digit, plane in enumerate(planes):
                match &= plane if overlap >> digit & 1 else ~plane
            while match and partners[position] < PARTNERS_PER_DOCUMENT:
                lowest = match & -match
                match ^= lowest
                other = lowest.bit_length() - 1
                pairs.append((doc_id, ids[other]))
                partners[position] += 1
                partners[other] += 1
                if partners[other] >= PARTNERS_PER_DOCUMENT:
                    available &= ~lowest
                    counted.pop(other, None)
            if partners[position] >= PARTNERS_PER_DOCUMENT:
                available &= ~(1 << position)
                counted.pop(position, None)
    return sorted(pairs)
