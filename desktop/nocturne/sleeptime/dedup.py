"""Near-duplicate detection, so overlapping chunks and repeated phrasing do not fill the notes.

Chunks overlap by design (a sentence at a chunk edge appears twice), and a tiny model asks the
same question in slightly different words; both would otherwise become duplicate notes.
"""

from __future__ import annotations

from collections.abc import Iterable

from nocturne.sleeptime.support import stems

DUPLICATE_JACCARD = 0.8


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of content-word stems (1.0 for two empty texts)."""
    left, right = stems(a), stems(b)
    if not left and not right:
        return 1.0
    return len(left & right) / len(left | right)


class Deduplicator:
    """Remembers texts already kept and says whether a new one repeats any of them."""

    def __init__(self, existing: Iterable[str] = (), threshold: float = DUPLICATE_JACCARD) -> None:
        self.threshold = threshold
        self._kept: list[set[str]] = [stems(text) for text in existing]

    def is_duplicate(self, text: str) -> bool:
        words = stems(text)
        for other in self._kept:
            union = words | other
            if not union or len(words & other) / len(union) >= self.threshold:
                return True
        return False

    def add(self, text: str) -> bool:
        """Keep `text` unless it repeats an earlier one; True when kept."""
        if self.is_duplicate(text):
            return False
        self._kept.append(stems(text))
        return True
