"""What documents are about (`sleeptime/terms.py`): term counts, TF-IDF top terms, shared terms,
and the related pairs. `related_pairs` counts overlaps with bit sets; it must choose exactly the
pairs that comparing every pair of documents one by one chooses (largest overlap first, ties by
the lower ids, at most PARTNERS_PER_DOCUMENT each), and stay fast when every pair shares common
words."""

from __future__ import annotations

import random
import time
from collections import Counter

from digest_samples import add_document

from nocturne.library.store import Store
from nocturne.sleeptime.terms import (
    MIN_SHARED_TERMS,
    PARTNERS_PER_DOCUMENT,
    TOP_TERMS,
    document_terms,
    related_pairs,
    shared_terms,
    term_counts,
    weighted_terms,
)


def pair_by_pair(profiles: dict[int, Counter[str]]) -> list[tuple[int, int]]:
    """The definition: every pair compared, sorted, then taken greedily."""
    top = weighted_terms(profiles)
    ids = sorted(profiles)
    candidates = []
    for i, first in enumerate(ids):
        for second in ids[i + 1 :]:
            overlap = len(set(top[first]) & set(top[second]))
            if overlap >= MIN_SHARED_TERMS:
                candidates.append((overlap, first, second))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    partners: Counter[int] = Counter()
    pairs = []
    for _, first, second in candidates:
        if partners[first] < PARTNERS_PER_DOCUMENT and partners[second] < PARTNERS_PER_DOCUMENT:
            pairs.append((first, second))
            partners[first] += 1
            partners[second] += 1
    return sorted(pairs)


def _profiles(
    rng: random.Random, documents: int, vocabulary: int, terms: int
) -> dict[int, Counter[str]]:
    words = [f"w{i}" for i in range(vocabulary)]
    ids = rng.sample(range(1, 10 * documents + 2), documents)
    return {
        doc_id: Counter({rng.choice(words): rng.randint(1, 9) for _ in range(terms)})
        for doc_id in ids
    }


def test_the_same_pairs_as_comparing_every_pair() -> None:
    rng = random.Random(14)
    for _ in range(200):
        profiles = _profiles(
            rng, rng.randint(0, 40), rng.choice([4, 10, 30, 300]), rng.randint(1, 40)
        )
        assert related_pairs(profiles) == pair_by_pair(profiles)


def test_a_thousand_documents_sharing_every_common_word_take_well_under_a_second() -> None:
    profiles = _profiles(random.Random(15), 1000, 40, 60)
    started = time.perf_counter()
    pairs = related_pairs(profiles)
    assert time.perf_counter() - started < 1.0  # one by one: about 1.3 s here, 130 s at 10,000
    assert len(pairs) == 1000  # everyone has two partners


def test_a_documents_terms_are_its_content_words_of_three_letters_or_more(store: Store) -> None:
    doc = add_document(store, "notes.pdf", ["Oil prices rose in 1973. Oil and gas, ok? Oil!"])
    assert len(store.chunks(doc)) == 1
    assert term_counts(store, doc) == Counter({"oil": 3, "prices": 1, "rose": 1, "gas": 1})
    assert document_terms(store, doc) == term_counts(store, doc)
    assert term_counts(store, doc + 1) == Counter()  # no such document: no terms


def test_weighted_terms_rank_rare_terms_above_common_ones_and_ignore_single_uses() -> None:
    profiles = {
        1: Counter(oil=5, embargo=3, price=2, once=1),
        2: Counter(oil=2, forest=6, rain=4, price=1),
        3: Counter(forest=2, tree=3),
    }
    # rain (4 uses, one document) outweighs forest (6 uses, two documents)
    assert weighted_terms(profiles) == {
        1: ["oil", "embargo", "price"],
        2: ["rain", "forest", "oil"],
        3: ["tree", "forest"],
    }
    assert weighted_terms({}) == {}


def test_only_the_top_terms_count() -> None:
    many = Counter({f"term{n:02d}": 100 - n for n in range(TOP_TERMS + 5)})
    assert weighted_terms({1: many})[1] == [f"term{n:02d}" for n in range(TOP_TERMS)]


def test_shared_terms_are_used_often_by_both_most_shared_first() -> None:
    profiles = {
        1: Counter(oil=5, embargo=3, price=2, war=9),
        2: Counter(oil=2, embargo=4, price=1, forest=6),
    }
    assert shared_terms(profiles, 1, 2) == ["embargo", "oil"]  # price: once in the second
    assert shared_terms(profiles, 2, 1) == ["embargo", "oil"]


def test_documents_need_enough_top_terms_in_common_to_be_compared() -> None:
    common = {f"w{n}": 3 for n in range(MIN_SHARED_TERMS)}
    profiles = {
        4: Counter({**common, "alpha": 5}),
        9: Counter({**common, "beta": 5}),
        2: Counter({**dict(list(common.items())[:-1]), "gamma": 5}),  # one term short
    }
    assert related_pairs(profiles) == [(4, 9)]
    assert related_pairs({}) == []
    assert related_pairs({1: Counter(common)}) == []
