"""What an answer shows first, and how much of its evidence it quotes.

- When the question expects a kind of answer (a number with its unit, a date or time, a name, a
  command or file) and the evidence holds one, that span is the short answer: exact, copied from
  the source, and no model is needed for it.
- Otherwise the model's phrase is shown only when it is whole: a phrase stopped by the token cap
  is cut back to its last clause or dropped, filler ("the answer is", "which is the answer to
  the question") goes, and a phrase that merely restates the quote is dropped for the quote.
- The quote is the sentence that holds the answer; a long one is trimmed to the clauses around
  the answer, marked with "…" where text was left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from nocturne.answer.answer_type import TYPED, Span, answer_spans
from nocturne.answer.query import Query
from nocturne.library.words import content_stems, stem

QUOTE_MAX_CHARS = 300
TRIM_ABOVE = 450
_DURATION = frozenset(
    content_stems(
        "second seconds minute minutes hour hours day days week weeks month months year years"
    )
)
_MONEY_UNITS = frozenset(
    content_stems("euro euros dollar dollars pound pounds cent cents yen franc")
)
_FREQUENCY = re.compile(r"\b(?:times?|once|twice|every|daily|weekly|monthly|yearly|hourly)\b", re.I)
_FILLER_START = re.compile(
    r"^(?:the answer(?: to (?:the|your) question)? is|answer:|a:|according to the passage,?|"
    r"the passage says(?: that)?)\s*",
    re.IGNORECASE,
)
_FILLER_END = re.compile(
    r",?\s*(?:which|that|this) is the (?:correct )?answer\b.*$|,?\s*is the answer\b.*$",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[,;:.](?=\s|$)|\s(?=(?:and|but|or|which|while)\s)")
_CLAUSE_SPLIT = re.compile(r"(?<=[,;:])\s+|\s+(?=(?:and|but|which|while|whereas|unless)\s)")
_WORD = re.compile(r"\w+")
# A date that starts something is not the answer to when it ends, and the other way round.
_STARTS = frozenset(content_stems("start starts begin begins commence commences from since"))
_ENDS = frozenset(
    content_stems("end ends finish finishes expire expires until terminate terminates")
)


@dataclass(frozen=True)
class TypedAnswer:
    span: Span
    index: int  # which of the passages holds it


def _preference(query: Query, span: Span, sentence: str) -> float:
    """How well a span fits what the question asks for; nearer the question's words is better."""
    asked = query.asked.lower()
    words = [w.lower() for w in _WORD.findall(span.text)]
    units = {stem(w) for w in words[1:]} | ({stem(words[-1])} if words else set())
    value = 0.0
    if units & query.stems:
        value += 2.0  # "how many days" -> "10 days"
    if "how long" in asked and units & _DURATION:
        value += 1.0
    if "how much" in asked and (units & _MONEY_UNITS or span.text[:1] in "$€£¥"):
        value += 1.0
    if "how often" in asked and _FREQUENCY.search(span.text):
        value += 1.0
    positions = [
        m.start()
        for m in _WORD.finditer(sentence)
        if stem(m.group(0).lower()) in query.stems and not span.start <= m.start() < span.end
    ]
    if positions:
        distance = min(min(abs(p - span.start), abs(p - span.end)) for p in positions)
        value -= distance / 1000.0
    return value


def _opposite(query: Query, span: Span, sentence: str) -> bool:
    """Whether the span is what starts something and the question asks when it ends (or the
    other way round): "starts on 1 October" does not answer "when does the lease end"."""
    asked = set(content_stems(query.asked))
    before = set(content_stems(" ".join(_WORD.findall(sentence[: span.start])[-3:])))
    return bool((asked & _ENDS and before & _STARTS) or (asked & _STARTS and before & _ENDS))


def typed_answer(query: Query, passages: Sequence[str]) -> TypedAnswer | None:
    """The span of the kind the question asks for, from the first passage that holds one.

    A later passage (the second piece of evidence) gives the span only when the first holds
    none; either way the span must not be the opposite end of what was asked.
    """
    if query.answer_type not in TYPED:
        return None
    for index, sentence in enumerate(passages):
        spans = [
            s
            for s in answer_spans(query.answer_type, sentence, query.asked)
            if not _opposite(query, s, sentence)
        ]
        if spans:
            best = max(spans, key=lambda s: _preference(query, s, sentence))
            return TypedAnswer(best, index)
    return None


def whole_phrase(phrase: str, stopped_by_cap: bool, quote: str) -> str:
    """The model's phrase as shown, or "" when it is not worth showing."""
    phrase = _FILLER_START.sub("", " ".join(phrase.split()).strip(" \"'“”")).strip()
    phrase = _FILLER_END.sub("", phrase).strip(" ,;:")
    if stopped_by_cap:
        ends = [m.start() for m in _CLAUSE_END.finditer(phrase)]
        phrase = phrase[: ends[-1]].strip(" ,;:") if ends else ""
    if not phrase:
        return ""
    own = set(content_stems(phrase))
    quoted = set(content_stems(quote))
    if len(quoted) >= 4 and len(own & quoted) >= 0.7 * len(quoted):
        return ""  # it says what the quote says: show the quote alone
    return phrase


def trim_quote(text: str, asked: frozenset[str], anchor: Span | None = None) -> str:
    """The clauses of a long sentence around its answer (or holding most of the question's words).

    Sentences up to TRIM_ABOVE characters stay whole: trimming one of ordinary length cost
    answers on every shared set (the asked-for part often sits in its last clause).
    """
    if len(text) <= TRIM_ABOVE:
        return text
    clauses: list[tuple[int, int]] = []
    start = 0
    for match in _CLAUSE_SPLIT.finditer(text):
        clauses.append((start, match.start()))
        start = match.end()
    clauses.append((start, len(text)))
    words = [set(content_stems(text[b:e])) & asked for b, e in clauses]
    best: tuple[float, int, int] | None = None
    for low in range(len(clauses)):
        for high in range(low, len(clauses)):
            if high > low and clauses[high][1] - clauses[low][0] > QUOTE_MAX_CHARS:
                break
            held = set().union(*words[low : high + 1])
            value = float(len(held))
            if anchor is not None and clauses[low][0] <= anchor.start < clauses[high][1] + 1:
                value += 100.0
            # Of windows holding as much, the longest: what is asked for is often just beyond
            # its words.
            value += (clauses[high][1] - clauses[low][0]) / 100_000
            if best is None or value > best[0]:
                best = (value, low, high)
    assert best is not None
    begin, end = clauses[best[1]][0], clauses[best[2]][1]
    if end - begin > QUOTE_MAX_CHARS:  # one clause alone is too long: cut at words
        if anchor is not None and anchor.end > begin + QUOTE_MAX_CHARS:
            begin = max(begin, anchor.start - QUOTE_MAX_CHARS // 2)
            begin = text.find(" ", begin) + 1 if text.find(" ", begin) >= 0 else begin
        piece = text[begin : begin + QUOTE_MAX_CHARS]
        end = begin + (piece.rfind(" ") if " " in piece else len(piece))
    trimmed = text[begin:end].strip().rstrip(",;:")
    return ("… " if begin > 0 else "") + trimmed + (" …" if end < len(text) else "")
