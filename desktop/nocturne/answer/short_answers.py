"""What an answer shows first, and how much of its evidence it quotes.

- When the question expects a kind of answer (a number with its unit, a date or time, a name, a
  command or file) and the evidence holds one, that span is the short answer: exact, copied from
  the source, and no model is needed for it. Of several, the one whose clause holds the
  question's own words ("the motor base has a 7-year warranty; the jar a 2-year one"), then,
  of amounts or dates in one clause, the one whose own part of it does ("EUR 45 when booked
  online or EUR 70 at the airport" for "… at the airport?"), and for "who does X" the one who
  does it, not what it is done with. When two fit equally well, or a
  sentence beside the evidence answers as well, no span is shown: the quote shows both.
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
from functools import lru_cache

from nocturne.answer.answer_type import (
    END_STEMS,
    START_STEMS,
    TYPED,
    Span,
    answer_spans,
    does_what_is_asked,
    loosely_in,
)
from nocturne.answer.query import LIGHT_VERB_STEMS, Query
from nocturne.library.search import STOPWORDS
from nocturne.library.words import content_stems, stem

QUOTE_MAX_CHARS = 300
TRIM_ABOVE = 450
_DURATION = frozenset(
    content_stems(
        "second seconds minute minutes hour hours day days week weeks month months year years"
    )
)
_MONEY_UNITS = frozenset(
    content_stems("euro euros dollar dollars pound pounds cent cents yen franc eur usd gbp")
)
_PERCENT = re.compile(r"%|\bper ?cent\b", re.IGNORECASE)
_ASKS_AN_AMOUNT = re.compile(
    r"\bhow much\b(?!\s+(?:time|longer|later|earlier))|"
    r"\b(?:cost|costs|price|fee|fees|refund|charge)\b"
)
_CLOCK_TIME = re.compile(r"\b[0-2]?\d[:.][0-5]\d\b|\b\d{1,2}\s?[ap]\.?m\b", re.IGNORECASE)
_MONTH_NAME = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b"
)
_FREQUENCY = re.compile(r"\b(?:times?|once|twice|every|daily|weekly|monthly|yearly|hourly)\b", re.I)
_FILLER_START = re.compile(
    r"^(?:(?:the|my) answer(?: to (?:the|this|your) question)? is|here is the answer|answer:|a:|"
    r"according to the (?:passages?|documents?),?|"
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
_STARTS, _ENDS = START_STEMS, END_STEMS


@dataclass(frozen=True)
class TypedAnswer:
    span: Span
    index: int  # which of the passages holds it
    # Two spans of the evidence fit the question equally well from different clauses ("adults
    # may borrow 25 items; children's cards allow 10" for "how many can a child borrow" when
    # nothing ties "child" to either): say less — quote the sentence, no short answer.
    ambiguous: bool = False


# Where a clause of a sentence ends: its full stops and semicolons, and a ", but" / ", and"
# that starts another. Commas alone are not used: they separate a list's items as often.
_CLAUSE_BOUND = re.compile(
    r"[.;!?](?=\s|$)|,\s+(?=(?:and|but|while|whereas)\s)|\s(?=(?:but|whereas|while)\s)"
)
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:from|to|with|for|at|in|on|into|via|of|than|against|toward|towards)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_BY_BEFORE = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)


def _clause(sentence: str, span: Span) -> tuple[int, int]:
    """The bounds of the clause of `sentence` that holds `span`."""
    begin, end = 0, len(sentence)
    for match in _CLAUSE_BOUND.finditer(sentence):
        if match.end() <= span.start:
            begin = match.end()
        elif match.start() >= span.end:
            end = match.start()
            break
    return begin, end


# Inside a clause, where one candidate's own part ends and the next one's begins: "EUR 45 when
# booked online | or EUR 70 at the airport", "adults pay EUR 10 | , children EUR 5".
_PART_BOUND = re.compile(r",?\s+(?:or|and|while|whereas|but)\s+|[,;]\s+")
_PARTED = ("number", "date")  # the kinds whose candidates a clause's parts tell apart


@lru_cache(maxsize=256)
def _candidates(kind: str | None, sentence: str, asked: str) -> tuple[Span, ...]:
    return tuple(answer_spans(kind, sentence, asked))


@lru_cache(maxsize=256)
def _without_spans(kind: str | None, sentence: str, asked: str) -> str:
    """The sentence with its candidate answers blanked out, positions kept."""
    for span in _candidates(kind, sentence, asked):
        sentence = sentence[: span.start] + " " * (span.end - span.start) + sentence[span.end :]
    return sentence


def _own_part(
    query: Query, span: Span, sentence: str
) -> tuple[tuple[int, int], frozenset[str] | None]:
    """The bounds of the words that qualify `span`, and those words (None: the clause's own).

    The span's clause; or, when the clause holds other candidate answers, the span's own part of
    it, cut at an "or", "and", comma or the like between the candidates (text between two such
    cuts qualifies neither). A later part leaves out what it shares with the first, whose words
    before its candidate (the lead-in) it takes as well, but for what it says itself:
    - nothing: all of them ("Extra checked bags cost EUR 45 when booked online or EUR 70 at the
      airport": the 70 is what extra bags cost too);
    - words right before its candidate, which stand for the first words of the lead-in, the
      verb being left out ("Adults pay EUR 10, children EUR 5": children pay);
    - words and then a preposition, which stand for the last ones, the subject being shared
      ("The library was built in 1920 and renovated in 2025": the library was renovated).
    So the words that tell the parts apart decide. Only amounts and dates are parted: names in
    one clause are as often a list's items or a name and its place ("Engines Ltd, London").
    """
    begin, end = _clause(sentence, span)
    kind, asked = query.answer_type, query.asked
    inside = [s for s in _candidates(kind, sentence, asked) if begin <= s.start < end]
    if kind not in _PARTED or len(inside) < 2 or span not in inside:
        return (begin, end), None
    blank = _without_spans(kind, sentence, asked)
    at = inside.index(span)

    def cuts(low: int, high: int) -> list[re.Match[str]]:
        return list(_PART_BOUND.finditer(blank, inside[low].end, inside[high].start))

    first, last = at, at  # the candidates of the span's part: no cut between them
    while first > 0 and not cuts(first - 1, first):
        first -= 1
    while last < len(inside) - 1 and not cuts(last, last + 1):
        last += 1
    part_begin = cuts(first - 1, first)[-1].end() if first > 0 else begin
    part_end = cuts(last, last + 1)[0].start() if last < len(inside) - 1 else end
    words = content_stems(blank[part_begin:part_end])
    if first > 0:
        lead_in = content_stems(blank[begin : inside[0].start])
        before = blank[part_begin : inside[first].start]
        said = len(content_stems(before))
        if said and _WORD.findall(before)[-1].lower() not in STOPWORDS:
            lead_in = lead_in[said:]  # "children EUR 5": children, not adults
        elif said:
            lead_in = lead_in[: max(0, len(lead_in) - said)]  # "renovated in": not built
        words += lead_in
    return (part_begin, part_end), frozenset(words)


def _held(
    query: Query, span: Span, sentence: str, words: frozenset[str] | None = None
) -> frozenset[str]:
    """The question's words in the span's clause (or among `words`). The candidate answers' own
    words do not count (they are answers, not what one is about), except the span's unit
    ("10 days" holds "days")."""
    if words is None:
        begin, end = _clause(sentence, span)
        words = frozenset(
            content_stems(_without_spans(query.answer_type, sentence, query.asked)[begin:end])
        )
    found = set(words)
    if query.answer_type == "number":
        found |= set(content_stems(span.text)[1:])
    return frozenset(q for q in query.stems if loosely_in(q, found))


def _fit(query: Query, span: Span, sentence: str) -> float:
    """How well a span's kind fits the way the question asks ("how long" wants a duration; "who
    pays" the one who pays, not who is paid)."""
    asked = query.asked.lower()
    value = 0.0
    if "how long" in asked and set(content_stems(span.text)) & _DURATION:
        value += 1.0
    if "how much" in asked and _is_money(span.text):
        value += 1.0
    if ("how often" in asked or "how many times" in asked) and _FREQUENCY.search(span.text):
        value += 1.0
    verb = _verb(query)
    if query.answer_type == "name" and verb and re.match(r"\s*who\b", asked):
        before = sentence[: span.start]
        previous = _WORD.findall(before)[-1:]
        subject = not previous or previous[0].lower() in STOPWORDS  # not "conquered England"
        if subject and does_what_is_asked(sentence, span.end, frozenset((verb,))):
            value += 1.0  # "Ben will order lumber": Ben does it
        elif _BY_BEFORE.search(before) and any(
            loosely_in(stem(w.lower()), {verb}) for w in _WORD.findall(before)[-4:]
        ):
            value += 0.5  # "the gate was fixed by Dev"
        elif _PREPOSITION_BEFORE.search(before):
            value -= 1.0  # "… order lumber from Greenway Supply": what it is done with
    return value


_AUX = r"(?:will|shall|must|may|can|could|should|would|do|does|did|is|are|was|were|has|have|had)"
_WHO_VERB = re.compile(rf"^\s*who\s+(?:{_AUX}\s+)?(?:also\s+)?(\w+)", re.IGNORECASE)
_LAST_VERB = re.compile(rf"\b{_AUX}\s+(?:\w+\s+){{1,3}}?(\w+)\s*\??\s*$", re.IGNORECASE)


_NAMED_VERB = re.compile(
    rf"\b{_AUX}\s+(?:(?:the|a|an)\s+)?(?:(?:[A-Z][\w'’-]*|I|you|we|they|he|she|it)\s+)+([a-z]\w+)"
)


def _verb(query: Query) -> str:
    """The question's own verb, when its form shows it: "who waters …", "… can a child borrow",
    "did the Broncos defeat …", "can I borrow"."""
    for pattern in (_WHO_VERB, _NAMED_VERB, _LAST_VERB):
        match = pattern.search(query.asked)
        found = stem(match.group(1).lower()) if match else ""
        if found in query.stems:
            return found
    return ""


_COUNTED = re.compile(rf"\bhow (?:many|much)\s+(.+?)(?:\s+{_AUX}\b|\?|$)", re.IGNORECASE)


def _counted(query: Query) -> frozenset[str]:
    """What "how many" counts: "how many interceptions are …" -> {"intercept"}; "how many days
    per week" -> {"day"}."""
    match = _COUNTED.search(query.asked)
    if not match:
        return frozenset()
    counted = [s for s in content_stems(re.split(r"\s(?:per|a|an|each)\s", match.group(1))[0])]
    return frozenset(counted[-1:]) & query.stems  # the head noun: "how many defense players"


def _weight(query: Query, held: frozenset[str]) -> float:
    """The question's words a clause holds, its verb counting half: parallel clauses share the
    verb, even when one leaves it out ("Chloe will water on Tuesdays; Dev on Sundays"), and
    differ in what they are about."""
    verb = _verb(query)
    return sum(1.0 if word == verb else 2.0 for word in held)


def _value(query: Query, held: frozenset[str]) -> float:
    # What is counted comes first: "how many interceptions" is answered by the number beside
    # "interceptions", whatever else of the question the other clause holds.
    return 10.0 * len(held & _counted(query)) + _weight(query, held)


def _preference(query: Query, span: Span, sentence: str) -> tuple[float, float, float, float]:
    """How well a span answers: the question's words its clause holds, then how its kind fits;
    then, within one clause, the question's words its own part holds ("EUR 70 at the airport"
    for "… at the airport?"), and how near the question's words it stands."""
    value = _value(query, _held(query, span, sentence))
    fit = _fit(query, span, sentence)
    own = _value(query, _held(query, span, sentence, _own_part(query, span, sentence)[1]))
    positions = [
        m.start()
        for m in _WORD.finditer(sentence)
        if stem(m.group(0).lower()) in query.stems and not span.start <= m.start() < span.end
    ]
    nearness = 0.0
    if positions:
        nearness = -min(min(abs(p - span.start), abs(p - span.end)) for p in positions) / 1000.0
    return value, fit, own, nearness


def _no_amount(query: Query, span: Span) -> bool:
    """ "How much does the trip cost?", "the refund if I cancel 45 days before": a clock time
    ("8:00 am"), a date ("8 November") or a bare span of time ("60 and 30 days") is no amount
    (a price per month is one)."""
    if not _ASKS_AN_AMOUNT.search(query.asked.lower()):
        return False
    text = span.text
    if _CLOCK_TIME.search(text) or _MONTH_NAME.search(text):
        return True
    return bool(set(content_stems(text)) & _DURATION) and not _is_money(text)


def _is_money(text: str) -> bool:
    """An amount of money or a share of one: "45 euros", "€45", "50 percent"."""
    return bool(
        set(content_stems(text)) & _MONEY_UNITS or text[:1] in "$€£¥" or _PERCENT.search(text)
    )


def _opposite(query: Query, span: Span, sentence: str) -> bool:
    """Whether the span is what starts something and the question asks when it ends (or the
    other way round): "starts on 1 October" does not answer "when does the lease end". Nor does
    it answer when something else happened ("when was the lease signed") unless its clause
    holds what the question asks about."""
    asked = set(content_stems(query.asked))
    before = set(content_stems(" ".join(_WORD.findall(sentence[: span.start])[-3:])))
    if (asked & _ENDS and before & _STARTS) or (asked & _STARTS and before & _ENDS):
        return True
    event = set(query.stems) - LIGHT_VERB_STEMS
    return bool(
        before & (_STARTS | _ENDS)
        and not asked & (_STARTS | _ENDS)
        and event
        and not _held(query, span, sentence) & event
    )


def typed_answer(query: Query, passages: Sequence[str]) -> TypedAnswer | None:
    """The span of the kind the question asks for, from the first passage that holds one.

    A later passage (the second piece of evidence) gives the span only when the first holds
    none; either way the span must not be the opposite end of what was asked. Of the spans of
    a passage, the one whose clause, then whose own part of it, holds most of the question's
    words; when two from different clauses or parts are equally good, the answer is
    `ambiguous`.
    """
    if query.answer_type not in TYPED:
        return None
    for index, sentence in enumerate(passages):
        spans = [
            s
            for s in answer_spans(query.answer_type, sentence, query.asked)
            if not _opposite(query, s, sentence) and not _no_amount(query, s)
        ]
        if spans:
            ranked = sorted(spans, key=lambda s: _preference(query, s, sentence), reverse=True)
            best = ranked[0]
            top = _preference(query, best, sentence)[:3]
            part = _own_part(query, best, sentence)[0]
            tied = [
                s
                for s in ranked[1:]
                if _preference(query, s, sentence)[:3] == top
                and s.text != best.text
                and _own_part(query, s, sentence)[0] != part
            ]
            return TypedAnswer(best, index, ambiguous=bool(tied))
    return None


def rival_sentence(query: Query, first: str, others: Sequence[str]) -> int | None:
    """Which of `others` (sentences beside the first, of its passage) answers as well: it holds a
    word of the question the first lacks, at least as much of the question in all, and an
    answer of the kind asked for ("Adults may borrow up to 25 items." beside "Children's cards
    allow 10 items." for "how many items can a child borrow"). Then neither is the answer."""
    mine = typed_answer(query, [first])
    if mine is None:
        return None
    missing = {q for q in query.stems if not loosely_in(q, set(content_stems(first)))}
    if not missing:
        return None
    best = _preference(query, mine.span, first)[:2]
    for index, other in enumerate(others):
        theirs = typed_answer(query, [other])
        if theirs is None or not {q for q in missing if loosely_in(q, set(content_stems(other)))}:
            continue
        if _preference(query, theirs.span, other)[:2] >= best:
            return index
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


_DIGITS = re.compile(r"(?<![\w.,])\d[\d,.]*\d(?![\w])|(?<![\w.,])\d(?![\w])")
_LITERAL_QUESTION = re.compile(
    r"\b(?:name|names|called|code|password|passcode|pin|number|id|address|e-?mail|phone|url|"
    r"key|model|serial)\b",
    re.IGNORECASE,
)
# A literal a person copies: a word with a digit or an inner capital ("RPL-Public", "A4", "iOS").
_LITERAL_WORD = re.compile(r"\b(?=[\w-]*(?:\d|[a-z][A-Z]|[A-Z]-[A-Z]))[\w][\w.-]*\w\b")


def number_values(text: str) -> frozenset[float]:
    """Every value a written number may have: "2,500" and "2.500" both read 2500 (a group of
    three digits after a separator) or 2.5."""
    text = text.strip(".,")
    groups = re.split(r"[,.]", text)
    readings = {text} if len(groups) == 1 else set()
    if len(groups) > 1 and all(len(group) == 3 for group in groups[1:]):
        readings.add("".join(groups))  # thousands
    for separator in ",.":
        if separator in text:
            whole, _, fraction = text.rpartition(separator)
            readings.add(whole.replace(",", "").replace(".", "") + "." + fraction)
    values = set()
    for reading in readings:
        try:
            values.add(float(reading))
        except ValueError:
            continue
    return frozenset(values)


def _numbers_as_written(phrase: str, evidence: str) -> str | None:
    """The phrase with each of its numbers as the evidence writes it ("2.500" -> "2,500"), or
    None when a number of the phrase is not in the evidence at all."""
    written = [(m.group(0), number_values(m.group(0))) for m in _DIGITS.finditer(evidence)]
    pieces: list[str] = []
    last = 0
    for match in _DIGITS.finditer(phrase):
        values = number_values(match.group(0))
        same = [text for text, other in written if text == match.group(0)]
        alike = same or [text for text, other in written if values & other]
        if not alike:
            return None
        pieces += [phrase[last : match.start()], alike[0]]
        last = match.end()
    return "".join(pieces) + phrase[last:]


def _literals(kind: str | None, text: str, question: str) -> list[str]:
    """What of `text` a person would copy that the question does not already say."""
    found = [m.group(0) for m in _LITERAL_WORD.finditer(text)]
    for each in (kind, *(k for k in TYPED if k != kind)) if kind in TYPED else ("name", "code"):
        found += [span.text for span in answer_spans(each, text, question)]
    asked = {w.lower() for w in _WORD.findall(question)}
    return [f for f in found if not {w.lower() for w in _WORD.findall(f)} <= asked]


def faithful_phrase(phrase: str, evidence: str, query: Query | None, question: str) -> str:
    """The model's phrase as the evidence supports it, or "" when it says what the evidence does
    not: every number of it is the evidence's (shown as the evidence writes it), every word of
    it is the evidence's or the question's, and when the question asks for a literal (a name,
    code, number) that the evidence holds, the phrase holds it ("the network name is the global
    Wi-Fi network" for "… the network name is RPL-Public" goes)."""
    if not phrase:
        return ""
    checked = _numbers_as_written(phrase, evidence)
    if checked is None:
        return ""  # a number the evidence does not hold: the model's, or another sentence's
    known = set(content_stems(evidence)) | set(content_stems(question))
    if any(not loosely_in(word, known) for word in content_stems(checked)):
        return ""
    kind = query.answer_type if query is not None else None
    if kind in TYPED or _LITERAL_QUESTION.search(question):
        literals = _literals(kind, evidence, question)
        lowered = checked.lower()
        if literals and not any(literal.lower() in lowered for literal in literals):
            return ""
    return checked


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
