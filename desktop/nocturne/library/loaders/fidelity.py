"""How much of a reference extraction's wording reaches a loader's blocks.

Fidelity is measured on word multisets, not strings: a loader may reorder chrome or join lines,
but every word a reader sees should arrive once as often as it appears. Used by the fidelity
benchmark and by a unit test that keeps the ≥ 98 % goal checked in CI.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from nocturne.library.blocks import Block

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00ad": None, "¶": None})


def words(text: str) -> Counter[str]:
    """Lower-case words (letters and digits), NFKC-folded so "ﬁle" and "file" agree."""
    text = unicodedata.normalize("NFKC", text.translate(_FOLD)).lower()
    return Counter(_WORD.findall(text))


def word_share(reference: str, blocks: Iterable[Block]) -> float:
    """Share of the reference's words (with multiplicity) found in the blocks, 0..1."""
    wanted = words(reference)
    total = sum(wanted.values())
    if not total:
        return 1.0
    got = words("\n".join(block.text for block in blocks))
    return sum(min(count, got[word]) for word, count in wanted.items()) / total
