"""Near-duplicate detection of notes: stem overlap against the texts already kept."""

from __future__ import annotations

from nocturne.sleeptime.dedup import Deduplicator, similarity


def test_deduplicator_drops_near_repeats() -> None:
    seen = Deduplicator(["What is the default timeout?"])
    assert not seen.add("What's the default timeout?")
    assert seen.add("Who defined the protocol?")
    assert similarity("oil embargo prices", "forest rain basin") == 0.0
