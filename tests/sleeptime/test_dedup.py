"""Near-duplicate detection of notes: stem overlap against the texts already kept."""

from __future__ import annotations

from nocturne.sleeptime.dedup import Deduplicator, similarity


def test_deduplicator_drops_near_repeats() -> None:
    seen = Deduplicator(["What is the default timeout?"])
    assert not seen.add("What's the default timeout?")
    assert seen.add("Who defined the protocol?")
    assert similarity("oil embargo prices", "forest rain basin") == 0.0


def test_similarity_is_the_share_of_shared_stems() -> None:
    assert similarity("oil embargo", "Oil embargoes") == 1.0  # case and plural do not count
    # {oil, embargo, pric, rose} against {oil, embargo, pric, fell}: 3 shared of 5
    assert similarity("oil embargo prices rose", "oil embargo prices fell") == 0.6
    assert similarity("", "") == 1.0
    assert similarity("the of", "and") == 1.0  # stopwords only: nothing to tell them apart


def test_the_threshold_decides_how_near_a_repeat_is() -> None:
    strict = Deduplicator()
    assert strict.add("oil embargo prices rose")
    assert strict.add("oil embargo prices fell")  # 0.6 < 0.8: a different note
    loose = Deduplicator(threshold=0.5)
    assert loose.add("oil embargo prices rose")
    assert not loose.add("oil embargo prices fell")
    assert loose.add("forest")


def test_is_duplicate_only_asks_and_add_remembers() -> None:
    seen = Deduplicator()
    assert not seen.is_duplicate("oil embargo")
    assert not seen.is_duplicate("oil embargo")  # asking kept nothing
    assert seen.add("oil embargo")
    assert seen.is_duplicate("Oil embargoes")
    assert not seen.add("oil embargo")


def test_a_text_without_content_words_repeats_only_another_such_text() -> None:
    seen = Deduplicator()
    assert seen.add("the of")
    assert not seen.add("and a")
    assert seen.add("oil prices")
