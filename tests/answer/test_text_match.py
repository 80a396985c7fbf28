"""How closely a question matches a sentence or an anticipated question, without a model: stems
and their inverse document frequency in the library."""

from __future__ import annotations

import pytest

from nocturne.answer import text_match
from nocturne.answer.text_match import (
    IdfTable,
    coverage,
    question_similarity,
    stem,
    stems,
    weighted_coverage,
)
from nocturne.library.store import Store

from .conftest import Library


def test_stems_match_plural_and_tense_and_drop_question_words() -> None:
    assert stem("tackles") == stem("tackle") == stem("tackled") == stem("tackling")
    assert stem("passes") == stem("pass") != stem("passport")  # not just the first letters
    assert stems("Who intercepted passes?") == stems("intercepts pass")
    assert "who" not in stems("Who was born?")


def test_rare_words_weigh_more(library: Library) -> None:
    idf = IdfTable(library.store)
    assert idf.idf("kuechly") > idf.idf("the")
    same = question_similarity(stems("When was Tesla born?"), stems("When was Tesla born?"), idf)
    assert same == pytest.approx(1.0)


def test_an_empty_library_weighs_every_word_alike_and_calls_none_absent(store: Store) -> None:
    idf = IdfTable(store)
    assert idf.idf("kuechly") == idf.idf("the") == 1.0
    assert not idf.absent("kuechly")


def test_a_word_in_no_chunk_is_absent(library: Library) -> None:
    idf = IdfTable(library.store)
    assert idf.absent(stem("Kubernetes"))
    assert not idf.absent(stem("Panthers"))


def test_coverage_is_the_weighted_share_of_the_question_in_the_sentence(
    library: Library,
) -> None:
    idf = IdfTable(library.store)
    question = {stem("Tesla"), stem("born")}
    assert coverage(question, {stem("Tesla"), stem("born"), stem("Smiljan")}, idf) == 1.0
    half = coverage(question, {stem("Tesla")}, idf)
    assert half == pytest.approx(idf.idf(stem("Tesla")) / idf.weight(question))
    assert coverage(set(), {stem("Tesla")}, idf) == 0.0
    assert coverage(question, set(), idf) == 0.0


def test_the_premise_of_a_question_counts_half(library: Library) -> None:
    idf = IdfTable(library.store)
    question = {stem("Tesla"), stem("born")}
    premise = frozenset({stem("Tesla")})
    assert weighted_coverage(question, {stem("born")}, idf) == coverage(
        question, {stem("born")}, idf
    )
    tesla, born = idf.idf(stem("Tesla")), idf.idf(stem("born"))
    assert weighted_coverage(question, {stem("born")}, idf, premise) == pytest.approx(
        born / (0.5 * tesla + born)
    )
    assert weighted_coverage(set(), {stem("born")}, idf, premise) == 0.0


def test_question_similarity_is_a_weighted_dice_score(library: Library) -> None:
    idf = IdfTable(library.store)
    a = stems("When was Tesla born?")
    b = stems("Where was Tesla born?")
    assert question_similarity(a, b, idf) == pytest.approx(1.0)  # the same content words
    c = stems("Who did Tesla work for?")
    shared = idf.weight(a & c)
    assert question_similarity(a, c, idf) == pytest.approx(
        2 * shared / (idf.weight(a) + idf.weight(c))
    )
    assert question_similarity(set(), set(), idf) == 0.0


def test_the_shared_idf_cache_is_emptied_past_its_bound(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_match, "MAX_CACHED_WORDS", 2)
    first = IdfTable(library.store)
    for word in ("tesla", "born", "panther"):
        first.idf(word)
    again = IdfTable(library.store)  # the same counts, kept on the connection...
    assert again._cache is first._cache
    assert again._cache == {}  # ...cleared once they outgrew the bound
    assert again.idf("tesla") == first.idf("tesla") > 0.1
