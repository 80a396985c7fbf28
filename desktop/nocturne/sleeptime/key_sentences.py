"""Which sentences of a passage carry its facts: the extractive half of the digest.

The bundled 135M model restates prompts and invents answers (DESIGN.md, "The bundled model"), so
key facts are the document's own sentences, chosen by what makes a sentence worth quoting later:
numbers, dates, names, definitions, defaults and obligations, and how central its words are to
the passage. Scoring is plain Python, deterministic and cheap, so it also drives the extractive
summaries.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nocturne.library.search import STOPWORDS, content_words
from nocturne.library.sentences import split_sentences

_NUMBER = re.compile(r"\d")
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_MONTH = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b"
)
_DEFINITION = re.compile(
    r"\b(is|are|was|were) (a|an|the|one of)\b|\brefers? to\b|\bdefined as\b|\bknown as\b|"
    r"\bmeans\b|\bconsists? of\b",
    re.IGNORECASE,
)
_DEFAULT = re.compile(r"\bdefaults?\b|\bby default\b", re.IGNORECASE)
_OBLIGATION = re.compile(
    r"\b(must|shall|required|requires|should|may not|must not|never|always|at most|at least)\b",
    re.IGNORECASE,
)
_PRONOUN_START = re.compile(r"^(It|This|That|These|Those|They|He|She|Its|Their|His|Her)\b")
_NAME = re.compile(r"(?<=\s)[A-Z][a-zA-Z]+")
_HEADING = re.compile(r"^#+\s")

MIN_WORDS = 6
MAX_WORDS = 60


@dataclass(frozen=True)
class ScoredSentence:
    text: str
    position: int  # order in the passage
    score: float


_SENTENCE_STARTERS = frozenset(
    "The A An In On At It Its This These Those During After Before Since From As By For "
    "Although While When Between Many Some Most Several Each Every Today Until If Do Use "
    "Always Never Please".split()
)
_HEADING_MARK = re.compile(r"(?:^|\s)#{1,6}\s+")
MAX_HEADING_WORDS = 12


def strip_heading(segment: str) -> str:
    """Drop the heading words at the start of `segment` ("Title In 1990, ..." -> "In 1990, ...").

    Chunk text keeps a markdown heading on the line before its paragraph, but chunking joins
    lines, so a heading runs into its first sentence. It ends where a typical sentence start
    follows, or where a capitalised word follows a lower-case one ("first use Rinse the tank").
    """
    words = segment.split(" ")
    for cut in range(1, min(MAX_HEADING_WORDS, len(words))):
        word, before = words[cut], words[cut - 1]
        if word in _SENTENCE_STARTERS or (
            word[:1].isupper() and (before[:1].islower() or before[:1].isdigit())
        ):
            return " ".join(words[cut:])
    return segment if len(words) > MAX_HEADING_WORDS else ""


_GLUE_STARTERS = frozenset("The This These It A An".split())


def strip_glued_title(sentence: str) -> str:
    """Drop a heading without markup run into its sentence ("Pets and tools The garden is ...").

    Loaders of HTML, PDF and plain text keep headings as short lines that chunking joins to the
    next sentence. A sentence-starting word ("The", "This", ...) right after a content word
    (never after "of", "in" and the like, as in "the city of The Hague") marks the seam.
    """
    words = sentence.split(" ")
    for cut in range(1, min(MAX_HEADING_WORDS, len(words) - MIN_WORDS)):
        before = words[cut - 1]
        if (
            words[cut] in _GLUE_STARTERS
            and before[-1:].isalnum()
            and before.lower() not in STOPWORDS
        ):
            return " ".join(words[cut:])
    return sentence


def sentences_of(text: str) -> list[str]:
    """Sentences worth considering: no markdown headings, not fragments, not walls of text."""
    segments = _HEADING_MARK.split(text)
    found = []
    for index, segment in enumerate(segments):
        if index > 0 or _HEADING_MARK.match(text):
            segment = strip_heading(segment)
        for sentence in split_sentences(segment):
            sentence = strip_glued_title(sentence)
            words = len(sentence.split())
            if MIN_WORDS <= words <= MAX_WORDS:
                found.append(sentence)
    return found


def salience(sentence: str) -> float:
    """How much a sentence looks like a fact a reader will ask about."""
    score = 0.0
    if _NUMBER.search(sentence):
        score += 1.5
    if _YEAR.search(sentence) or _MONTH.search(sentence):
        score += 1.0
    score += min(3, len(set(_NAME.findall(sentence)))) * 0.5
    if _DEFINITION.search(sentence):
        score += 1.0
    if _DEFAULT.search(sentence):
        score += 1.5
    if _OBLIGATION.search(sentence):
        score += 1.0
    if _PRONOUN_START.match(sentence):
        score -= 1.0  # not self-contained
    if sentence.endswith("?") or sentence.count('"') >= 2:
        score -= 1.0  # rhetorical questions and long quotations are poor facts
    return score


def centrality(sentence: str, weights: Counter[str]) -> float:
    """Share of the passage's word weight this sentence covers, on a 0..2 scale."""
    words = set(content_words(sentence))
    if not words or not weights:
        return 0.0
    top = sum(count for _, count in weights.most_common(len(words))) or 1
    return 2.0 * sum(weights[w] for w in words) / top


def word_weights(texts: Iterable[str]) -> Counter[str]:
    """Content-word frequencies of a passage (words seen once carry no centrality)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(content_words(text))
    return Counter({word: n - 1 for word, n in counts.items() if n > 1})


def rank_sentences(sentences: Sequence[str], context: Iterable[str] = ()) -> list[ScoredSentence]:
    """Sentences scored by salience plus centrality within `context` (default: themselves)."""
    weights = word_weights(list(context) or sentences)
    scored = [
        ScoredSentence(text, i, salience(text) + centrality(text, weights))
        for i, text in enumerate(sentences)
    ]
    return sorted(scored, key=lambda s: (-s.score, s.position))


def key_sentences(text: str, limit: int, minimum_score: float = 1.0) -> list[str]:
    """The `limit` best fact sentences of `text`, in their original order."""
    ranked = [s for s in rank_sentences(sentences_of(text)) if s.score >= minimum_score]
    chosen = sorted(ranked[:limit], key=lambda s: s.position)
    return [s.text for s in chosen]


def central_sentences(sentences: Sequence[str], limit: int) -> list[str]:
    """An extractive summary: the lead sentence plus the most central others, in order."""
    if not sentences:
        return []
    weights = word_weights(sentences)
    rest = sorted(
        range(1, len(sentences)),
        key=lambda i: (-(centrality(sentences[i], weights) + 0.5 * salience(sentences[i])), i),
    )
    chosen = sorted([0, *rest[: max(0, limit - 1)]])
    return [sentences[i] for i in chosen]
