"""The support check: a note is kept only if its source says it.

Every fact, anticipated answer and model-written sentence is checked against the chunk(s) it
claims to come from: most of its content words must occur there. This is what makes a tiny model
usable: whatever it invents is dropped (and counted), whatever it phrases from the source stays.
A stronger model passes the check more often, so notes get better without code changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nocturne.library.search import STOPWORDS, content_words

SUPPORT_THRESHOLD = 0.8  # share of a note's content words that must occur in its sources
# Model-written sentences must be stricter: a tiny model glues facts of different sources
# together with one or two words of its own ("... an oil embargo on the region of South America").
MODEL_SUPPORT_THRESHOLD = 0.9
MIN_CONTENT_WORDS = 2
# A doubled final consonant, as in "shipp(ed)"; never "-ll", "-ss", "-ff", "-zz" ("called",
# "passed"), which stay doubled without a suffix, nor a three-letter stem ("add(ed)").
_DOUBLED = re.compile(r"(?<=\w\w)([bcdgjkmnpqrtvwx])\1$")


def _stem(word: str) -> str:
    """A crude stem so that "ships"/"shipped"/"shipping" match; good enough for overlap."""
    for suffix in ("'s", "’s", "ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            stem = word[: -len(suffix)]
            if suffix in ("ing", "ed") and _DOUBLED.search(stem):
                return stem[:-1]  # "shipped", "running": the consonant doubled for the suffix
            return stem
    return word


def stems(text: str) -> set[str]:
    """Stemmed content words; possessives and contractions ("what's") lose their stopword."""
    found = {_stem(w) for w in content_words(text)}
    return {w for w in found if w not in STOPWORDS}


def support_ratio(note: str, sources: Iterable[str]) -> float:
    """Share of the note's distinct content words that occur in the sources (0 when empty)."""
    words = stems(note)
    if not words:
        return 0.0
    source_words: set[str] = set()
    for text in sources:
        source_words |= stems(text)
    return len(words & source_words) / len(words)


def is_supported(note: str, sources: Iterable[str], threshold: float = SUPPORT_THRESHOLD) -> bool:
    """True when the note has enough content and most of it occurs in the sources."""
    if len(stems(note)) < MIN_CONTENT_WORDS:
        return False
    return support_ratio(note, sources) >= threshold


_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
ANCHOR_SHARE = 0.3  # a number must sit in a source sentence sharing this much of the note


def numbers_anchored(note: str, source_sentences: Sequence[str]) -> bool:
    """Every number in the note occurs in a source sentence about the same thing.

    Catches the tiny model's favourite invention: a real year or amount from elsewhere in the
    passage moved into the wrong statement ("in 2015, ABC launched..." when it was 2000).
    """
    numbers = set(_NUMBER.findall(note))
    if not numbers:
        return True
    words = stems(note)
    return all(
        any(
            number in _NUMBER.findall(sentence)
            and len(words & stems(sentence)) >= ANCHOR_SHARE * len(words)
            for sentence in source_sentences
        )
        for number in numbers
    )


def is_model_text_supported(note: str, source_sentences: Sequence[str]) -> bool:
    """The stricter check for model-written sentences: supported, and numbers in place."""
    return is_supported(note, source_sentences, MODEL_SUPPORT_THRESHOLD) and numbers_anchored(
        note, source_sentences
    )


def containment(note: str, sentence: str) -> float:
    """Share of the note's content words found in `sentence` (1.0: a copy or a shortening)."""
    words = stems(note)
    return len(words & stems(sentence)) / len(words) if words else 1.0


@dataclass(frozen=True)
class SupportedAnswer:
    sentence: str
    shared: int  # content words shared with the question
    new: int  # content words the sentence adds: the answer itself


def best_supporting_sentence(question: str, sentences: Sequence[str]) -> SupportedAnswer | None:
    """The sentence that answers `question` best, or None when none plausibly does.

    A sentence answers when it shares at least two of the question's content words (it is about
    the same thing) and adds words the question lacks (the answer is not just the question
    echoed). Ties go to the earlier sentence.
    """
    asked = stems(question)
    if len(asked) < MIN_CONTENT_WORDS:
        return None
    best: SupportedAnswer | None = None
    for sentence in sentences:
        words = stems(sentence)
        shared = len(asked & words)
        new = len(words - asked)
        if shared < MIN_CONTENT_WORDS or new < 2:
            continue
        if best is None or shared > best.shared:
            best = SupportedAnswer(sentence, shared, new)
    if best is None or best.shared < 0.6 * len(asked):
        return None
    return best
