"""What kind of answer a question expects, and the spans of a sentence that could be one.

A classic question-answering cue that needs no model: "how many" wants a number the question does
not already contain, "when" a date, "who" a name. Among sentences that match the question's words
about equally well, the one that also holds the expected kind of answer is the better quote
(measured on ../shared/eval: about +1 point of top-1 accuracy; see README), and the span itself,
with its unit ("2,500 euros", "Monday at 18:40", "camlidlcompat.h"), is the short answer shown
first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nocturne.library.search import STOPWORDS
from nocturne.library.words import QUESTION_STEMS, content_stems, stem

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    r"dozen|hundred|thousand|million|billion|once|twice"
)
# Words after a number that are not its unit ("3 and 4", "12 of them", "2 is").
_NOT_UNITS = frozenset(
    "a an and or of to in on at by for from with is are was were be been the this that these "
    "those it its as if than then so but not no nor per via into onto over under after before "
    "which who whom whose what when where why how can may must should will would shall".split()
)
_UNIT_WORD = r"[A-Za-z][\w’'-]*"
# Words that belong to the unit after them: "3–5 working days", "20 square metres".
_UNIT_MODIFIER = (
    r"(?:working|business|calendar|banking|school|consecutive|full|clear|square|sq|cubic|"
    r"nautical|fluid|metric)\s"
)
_DECIMAL = r"\d(?:[\d,.]*\d)?"
# What one side of a dimension is measured in: "55 cm x 40 cm", "2 by 4 m".
_LENGTH_UNIT = (
    r"(?:mm|cm|dm|m|km|in|inch(?:es)?|ft|feet|foot|yd|yards?|px|pixels?|"
    r"(?:milli|centi|kilo)?(?:metres?|meters?))\b|[\"″′']"
)
# A dimension is one value: "55 x 40 x 23 cm", "55×40×23 cm", "1920 x 1080 pixels", "2 by 4 m"
# ("by" only before a unit of length: "rose in 2021 by 5%" is two numbers).
_DIMENSION = (
    rf"\b{_DECIMAL}(?:\s?(?:{_LENGTH_UNIT})(?=\s?[x×]))?"
    rf"(?:\s?[x×]\s?{_DECIMAL}(?:\s?(?:{_LENGTH_UNIT})(?=\s?[x×]))?)+(?:{_LENGTH_UNIT})?(?![A-Za-z\d])|"
    rf"\b{_DECIMAL}(?:\s+by\s+{_DECIMAL})+(?=\s?(?:{_LENGTH_UNIT}))"
)
# A clock time or a span of hours is one value: "9:30 am", "10:00–18:00".
_CLOCK_VALUE = r"\b[0-2]?\d:[0-5]\d(?:\s?[–-]\s?[0-2]?\d:[0-5]\d)?(?![\d:])"
# A range is one value: "3 to 5 days", "between 3 and 5" ("from 3 to 5 euros" may be a change,
# not a range: two values).
_END_OF_RANGE = rf"(?:[0-2]?\d:[0-5]\d|{_DECIMAL})"
_TO_RANGE = (
    rf"(?<!from )\b{_END_OF_RANGE}\s+to\s+{_END_OF_RANGE}(?=\s[A-Za-z])|"
    rf"(?<=between )\b{_END_OF_RANGE}\s+and\s+{_END_OF_RANGE}(?![\d:])"
)
# A telephone number is one value: "+1 617 555 0142", "(030) 555-0142", "09 70 80 12 34"
# (groups of digits, seven or more in all; an ISO date "2024-05-12" is none).
_PHONE = (
    r"(?:\+\d{1,3}[\s-]?(?:\(\d{1,4}\)[\s-]?)?|(?<![\w)])\(\d{1,4}\)[\s-]?)\d{2,4}(?:[\s-]\d{2,4})+(?![\d%])|"
    r"(?!\d{4}-\d\d-\d\d\b)(?=(?:[\s-]?\d){7})\b\d{2,4}(?:[\s-]\d{2,4}){2,}(?![\d%,.]\d)(?![\d%])"
)
_NUMBER_SPAN = re.compile(
    r"(?P<prefix>(?:[$€£¥]|\b(?:EUR|USD|GBP)\s|\bevery\s)\s?)?"
    r"(?P<number>(?P<phone>"
    + _PHONE
    + r")|\bv\d+(?:\.\d+)+\b|"
    + _DIMENSION
    + "|"
    + _TO_RANGE
    + "|"
    + _CLOCK_VALUE
    + "|"
    # a range ("1038–40"), an ordinal ("10th"), a percentage; never the front of a word ("4K")
    r"\b" + _DECIMAL + r"(?:st|nd|rd|th)?(?:\s?[–-]\s?\d+(?:st|nd|rd|th)?)?%?(?![A-Za-z\d])|"
    r"\b(?:" + _NUMBER_WORDS + r")\b)"
    r"(?P<hyphen>-[A-Za-z][\w-]*)?"
    r"(?P<unit>\s?%|\s?°\s?[CF]?(?![A-Za-z])|\s(?:per ?cent)\b|\s(?:a|an|per|each)\s[a-z]+\b|"
    r"\s(?:" + _UNIT_MODIFIER + r")?" + _UNIT_WORD + r"(?:/[A-Za-z]{1,4}\b)?"
    r"(?:\s(?:a|an|per|each)\s[a-z]+)?)?",
    re.IGNORECASE,
)
# (only an abbreviation has a full stop of its own: "on 3 June." ends the sentence)
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# "9:30 am" and "9:30 a.m.": the full stop after "am." is the sentence's.
_AM_PM = r"(?i:[ap]\.m\.|[ap]\.?m\b)"
_TIME = rf"[0-2]?\d[:.][0-5]\d(?:\s?{_AM_PM})?|\b\d{{1,2}}\s?{_AM_PM}"
_YEAR = r"(?:1[0-9]{3}|20[0-9]{2})"
# A season or a year that runs over two: "winter 2024/25", "the 2024–25 season".
_YEARS = rf"{_YEAR}(?:[/–-](?:\d{{4}}|\d{{2}}))?"
# A part of a year (or month) is one date: "spring 2025", "early 2025", "mid-2025", "Q3 2025",
# "the third quarter of 2025"; its words may start the sentence. ("The end of March" stays
# "March": what ends there is read from the words before it, as for "ends on 31 March".)
_PART_OF_YEAR = (
    rf"\b(?i:spring|summer|autumn|fall|winter)(?:\s+of)?\s+{_YEARS}\b|"
    rf"\b(?i:early|mid|late)(?:\s+|-)(?:{_MONTH}(?:\s+{_YEAR})?|{_YEARS})\b|"
    rf"\b(?:Q[1-4]|H[12])\s+{_YEARS}\b|"
    r"\b(?i:(?:the\s+)?(?:(?:first|second|third|fourth|last|final|1st|2nd|3rd|4th)\s+"
    r"(?:quarter|half))\s+of)\s+"
    rf"(?:{_MONTH}(?:\s+{_YEAR})?|{_YEARS})\b"
)
# Month names are matched with their capital only: "may" and "march" are also verbs.
_DATE_PART = (
    rf"{_PART_OF_YEAR}|"
    rf"\b{_DAY}\s+{_MONTH}(?:,?\s+\d{{4}})?|\b{_MONTH}\s+{_DAY}\b(?:,?\s+\d{{4}})?|"
    rf"\b{_MONTH}\s+\d{{4}}\b|\b{_MONTH}(?![\w-])|\b{_WEEKDAY}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b|"
    rf"\b{_YEARS}\b|\b{_YEAR}s\b|\b\d{{1,2}}(?:st|nd|rd|th) century\b|"
    rf"(?<![\d.]){_TIME}|\b(?:today|tomorrow|yesterday|noon|midnight)\b"
)
# Parts joined into one date: "Monday at 18:40", "24 December 2026", and a range written with a
# dash or "between … and", "10:00–18:00", "between 1 May and 30 September" ("Monday to Friday"
# stays two: either end may be what is asked).
_DATE_SPAN = re.compile(
    rf"(?<=[Bb]etween )(?:{_DATE_PART})\s+and\s+(?:{_DATE_PART})|"
    rf"(?:{_DATE_PART})(?:(?:,\s*|\s+(?:at|on|from|the)\s+|\s?[–-]\s?|\s+)(?:{_DATE_PART}))*"
)
_NAME_WORD = r"[A-Z][\w’'.-]*[\w.]"
_NAME_SPAN = re.compile(
    rf"\b{_NAME_WORD}(?:\s+(?:(?:of|de|van|von|der|da|du|la|le|y)\s+)?{_NAME_WORD})*"
)
_CALENDAR = re.compile(rf"(?:{_MONTH}|{_WEEKDAY})s?")  # "Mondays" is nobody's name either
_DETERMINER = re.compile(
    # (or a line of a title page, joined with " · ": its first word is capitalised anyway)
    r"\b(?:the|a|an|this|that|these|those|our|your|its|their|each|any)\s+$|\b\d{1,2}\.\s+$|·\s+$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(
    # (a title's full stop ends nothing: "with Mrs. Okoye")
    r"(?<=[a-z]{2})(?<!\bMrs)(?<!\bProf)(?<!\bRev)\.\s+|\.\s+(?=(?:If|The|This|That|It|In|On|When|Then|A|An|For|Each|All|No)\b)"
)
_CODE_SPAN = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.]*\w|https?://\S*[\w/]|(?<![\w/])/[\w.-]+/[\w./-]*\w|"
    r"\b[\w-]+\.(?:h|c|py|js|sh|txt|conf|cfg|ini|json|xml|dll|exe|so|md|html?|tlb|idl)\b|"
    r"(?<![\w-])--?[a-z][\w-]*|\b[a-z]+\d+[a-z\d]*\b|\b\w+_\w+\b|"
    r"\b(?:Ctrl|Alt|Shift|Meta|Cmd)[+-]\w+|`[^`]+`"
)
_WORD = re.compile(r"\w+")
_NUMBER_QUESTION = re.compile(
    r"(?:^|[,;:]\s*|\b(?:by default|according to [^,]+),?\s*)"
    r"(?:how (?:many|much|long|old|far|large|big|tall|often|hot|cold|warm|fast|heavy|wide|deep)|"
    r"(?:what|which)(?:'s| is| are| was)?(?: the)? (?:percentage|percent|number|"
    r"amount|size|value|port|version|dimensions?|measurements|weight|height|capacity|"
    r"temperature|speed|price|pressure|voltage|distance|"
    r"(?:maximum|minimum|smallest|largest|longest|shortest|"
    r"default|highest|lowest)\b[\w\s-]{0,30}?(?:length|value|size|number|count|limit|delay|"
    r"timeout|width|depth|height|weight|dimensions?|measurements|capacity)))\b"
)
# "What is the customer service phone number?": a telephone number is a number too.
_PHONE_QUESTION = re.compile(r"\b(?:tele)?phone number\b|\bfax number\b")
# "In which Node.js version …": a version number, whatever names the program.
_VERSION_QUESTION = re.compile(r"\b(?:which|what) [\w.+-]+ (?:version|release)\b")
_DATE_QUESTION = re.compile(
    r"(?:^|[,;:]\s*)(?:when|what year|in what year|what date|which year|during what|"
    r"what time|at what time|"
    r"what(?:'s| is| was) the date)\b"
)
_NAME_QUESTION = re.compile(r"(?:^|[,;:]\s*)(?:who|whom|whose)\b")
# "What command registers it", "which header file", "where do I send a bug report": the answer
# is a literal a person types or copies — a command, file, option, path, address.
# "What is the address of the apartment?": a street address (an e-mail or web address is code).
_PLACE_QUESTION = re.compile(
    r"\b(?:street|postal|mailing|home|office|delivery)?\s*address\b(?!.*\b(?:e-?mail|web|ip|url)\b)"
)
# "42 Elm Street, Unit 7B, Portland, Oregon 97205", "221B Baker Street", "12 Rua das Flores".
_STREET = (
    r"Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|Drive|Dr|Way|Court|Ct|Place|Pl|"
    r"Square|Sq|Terrace|Parkway|Highway|Strasse|Straße|Rua|Rue|Via|Calle"
)
_PLACE_SPAN = re.compile(
    rf"\b\d{{1,5}}[A-Z]?\s+(?:[A-Z][\w'-]*\s+){{0,3}}(?:{_STREET})\b\.?"
    rf"(?:,\s*(?:[A-Z][\w'-]*|Unit|Apt\.?|Suite|No\.?|\d{{3,6}})[^,.;()]*){{0,4}}"
    rf"|\b(?:{_STREET})\s+(?:[a-z]{{1,3}}\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*\s+\d{{1,5}}\b"
)
_ASKS_WHERE_ON_DISK = re.compile(
    r"\bwhere on disk\b|\bwhere\b.{0,40}?\b(?:stored|saved|save|saves|kept|installed|located)\b",
    re.IGNORECASE,
)
_CODE_QUESTION = re.compile(
    r"\b(?:what|which)\s+(?:\w+\s+){0,2}?(?:command|commands|program|script|header|file name|"
    r"filename|option|flag|switch|function|variable|environment variable|package|tool|"
    # "what address do I write to" is typed, "the address of the apartment" a place, not code
    r"address(?!\s+of\b)|"
    r"e-?mail|url|path|directory|folder|key combination|keybinding)\b|"
    r"\bwhere\b.{0,40}?\b(?:send|mail|e-?mail|report)\b|"
    r"\bwhere on disk\b|\bwhere\b.{0,40}?\b(?:stored|saved|kept|installed|located)\b",
)
_LIST_MARKER = re.compile(
    # a list or footnote mark; an address, whose digits are no quantity ("…/2012/09/msg08.html")
    r"(?:^|(?<=\s))\d{1,2}[.)](?=\s+[A-Za-z(])|\[\d{1,3}\]|https?://\S+|\b[\w.-]+@[\w-]+\.[\w.]+"
)

TYPED = ("number", "date", "name", "code", "place")
START_STEMS = frozenset(content_stems("start starts begin begins commence commences from since"))
END_STEMS = frozenset(
    content_stems("end ends finish finishes expire expires until terminate terminates")
)
# "runs for 12 months", "a term of two years": how long something lasts, which with its start
# says when it ends.
_SPAN_OF_TIME = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty|"
    r"thirty|sixty|ninety)\s+(?:full\s+|calendar\s+|working\s+)?(?:days?|weeks?|months?|years?)\b",
    re.IGNORECASE,
)


def holds_a_span_of_time(text: str) -> bool:
    return _SPAN_OF_TIME.search(text) is not None


@dataclass(frozen=True)
class Span:
    text: str
    start: int
    end: int


# "When a developer goes on vacation, what tag …" / "If I modify it, how many …": a leading
# condition is the premise, not what is asked.
_CONDITION = re.compile(r"^(?:when|if|once|after|before|while)\b[^?,]*,\s*(?=\S)")


def expected_answer(question: str) -> str | None:
    """'number', 'date', 'name', 'code' or None when the question does not say."""
    lowered = _CONDITION.sub("", question.strip().lower())
    if (
        _NUMBER_QUESTION.search(lowered)
        or _VERSION_QUESTION.search(lowered)
        or _PHONE_QUESTION.search(lowered)
    ):
        return "number"
    if _DATE_QUESTION.search(lowered) or " what year" in lowered:
        return "date"
    if _NAME_QUESTION.search(lowered):
        return "name"
    if _CODE_QUESTION.search(lowered):
        return "code"
    if _PLACE_QUESTION.search(lowered):
        return "place"
    return None


def _masked(text: str) -> str:
    """List markers ("1.", "2)"), footnote marks ("[1]") and addresses blanked out, positions
    kept."""
    return _LIST_MARKER.sub(lambda m: " " * len(m.group(0)), text)


# A number that is part of a name or a label is no quantity: "UTF-8", "PEP 8", "Debian 13",
# "TP 669", "section 4", "version 2" (a version question asks for those in its own way).
# A capitalised word before it, unless the word only starts the sentence ("Over 30 people");
# an acronym there still names ("PEP 8 has emerged …").
_CAPITALISED_BEFORE = re.compile(r"(?:[^.!?:;\s]\s+[A-Z][\w]*|(?:^|[.!?:;]\s+)[A-Z]{2,})\s$")
_TWICE = frozenset(("twice", "thrice"))


def _is_label(text: str, start: int) -> bool:
    before = text[max(0, start - 40) : start]
    if re.search(r"[A-Za-z]-$", before):
        return True
    if re.search(
        r"\b(?:section|chapter|clause|part|page|figure|table|step|item|version|release|rule|"
        r"appendix|article|paragraph|pep|rfc|no\.)\s$",
        before,
        re.IGNORECASE,
    ):
        return True
    return bool(_CAPITALISED_BEFORE.search(before))


_NAMED_NUMBER = re.compile(r"(?<![.!?]\s)(?<!^)\b(?P<name>[A-Z][\w]*)\s(?P<number>\d+(?:\.\d+)*)\b")


def named_numbers(text: str) -> list[tuple[str, str]]:
    """Numbered names in `text` as (name, number): "Debian 14", "Python 3.12", "TP 672" (not at
    the sentence start, where any word is capitalised)."""
    return [(m.group("name"), m.group("number")) for m in _NAMED_NUMBER.finditer(text)]


def _number_spans(text: str, asked: frozenset[str] = frozenset()) -> list[Span]:
    spans = []
    for match in _NUMBER_SPAN.finditer(_masked(text)):
        unit = match.group("unit") or ""
        end = match.end()
        first_unit = unit.split()[0].lower() if unit.strip() else ""
        number = match.group("number")
        if not match.group("prefix") and _is_label(text, match.start("number")):
            continue
        # "generate one", "an older one", "the latter two of these": a number word is a
        # pronoun unless a unit follows ("ten lines", "four times a day"); "once" alone is a
        # conjunction ("Once the upload is accepted, …") unless "a week" or the like follows.
        bare = not first_unit or (first_unit in _NOT_UNITS and first_unit not in ("a", "an"))
        if number.lower() == "once":
            bare = first_unit not in ("a", "an", "per", "each", "every")
        if number.isalpha() and number.lower() not in _TWICE and bare:
            continue
        if match.group("phone"):
            end = match.end("number")  # "call +1 617 555 0142 anytime": no unit
        elif first_unit in _NOT_UNITS and first_unit not in ("a", "an", "per", "each"):
            end = match.end("hyphen") if match.group("hyphen") else match.end("number")
        elif match.group("hyphen") and unit.strip() and stem(first_unit) not in asked:
            # "a 7-year limited warranty": the hyphen carries the unit; the next word is only
            # part of the answer when the question names it ("2-year warranty" for a warranty).
            end = match.end("hyphen")
        start = match.start("prefix") if match.group("prefix") else match.start("number")
        value = text[start:end].strip().rstrip("’'")
        spans.append(Span(value, start, start + len(value)))
    return spans


# Capitalised only because they start the sentence: "In Hinduism", "The Tenant" ("No Child Left
# Behind" keeps its "No").
_OPENING_WORDS = frozenset(
    "in on at by for from with to of into onto the a an this that these those if when while "
    "after before as since during then and but or".split()
)
# What may stand before a sentence's own first word: nothing, or a heading's number ("5. ").
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+)(?:\d{1,2}(?:\.\d{1,2})*\.?\s+)?$")
_NUMBERED_START = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+$")
_CAPS = re.compile(r"[A-Z][A-Z&’'-]+")
# Words between a doer and its verb ("Ben will order", "the Tenant shall pay").
_AUXILIARIES = frozenset(
    "will shall must may can should would could is are was were has have had also then usually "
    "always never only to".split()
)


def loosely_in(word_stem: str, stems: frozenset[str] | set[str]) -> bool:
    """Whether a stem is one of `stems`, or one of them starts the other and both are words of
    five letters or more ("child" and "children", whose stems the stemmer does not join)."""
    if word_stem in stems:
        return True
    if len(word_stem) < 5:
        return False
    return any(len(s) >= 5 and (word_stem.startswith(s) or s.startswith(word_stem)) for s in stems)


def _without_heading(text: str, start: int, value: str) -> tuple[int, str]:
    """A heading glued to the sentence it heads is no part of a name: "5. UTILITIES Landlord"
    -> "Landlord". Capitals right after a section number are its heading; at the sentence start
    a capitalised run of two words or five letters is too ("SECURITY DEPOSIT Tenant"); a short
    acronym there still names ("NASA Ames")."""
    parts = value.split(" ")
    caps = 0
    while caps < len(parts) - 1 and _CAPS.fullmatch(parts[caps]):
        caps += 1
    if not caps or not _SENTENCE_START.search(text[:start]):
        return start, value
    numbered = bool(_NUMBERED_START.match(text[:start])) or bool(
        re.search(r"\d\.?\s+$", text[:start])
    )
    if not numbered and caps < 2 and len(parts[0]) < 5:
        return start, value
    cut = len(" ".join(parts[:caps])) + 1
    return start + cut, value[cut:]


def does_what_is_asked(text: str, end: int, asked: frozenset[str]) -> bool:
    """Whether the words right after a name are the question's verb: "Ben will order" for
    "who will order", "Tenant pays" for "who pays"."""
    for word in _WORD.findall(text[end : end + 40])[:3]:
        lowered = word.lower()
        if lowered in _AUXILIARIES:
            continue
        return loosely_in(stem(lowered), asked)
    return False


def _name_spans(text: str, asked: frozenset[str] = frozenset()) -> list[Span]:
    spans = []
    for match in _NAME_SPAN.finditer(text):
        value = _SENTENCE_END.split(match.group(0))[0]  # "Pets. Small" is two sentences
        if value.endswith(".") and "." not in value.split()[-1][:-1]:
            value = value[:-1]  # the sentence's full stop, not an abbreviation's ("B.V.")
        start, value = _without_heading(text, match.start(), value)
        first = (
            start != match.start()
            or not text[:start].strip()
            or bool(_NUMBERED_START.match(text[:start]))
        )
        opening = value.split(" ", 1)
        if len(opening) == 2 and opening[0].lower() in _OPENING_WORDS:
            # "In Hinduism", "The Tenant": the capital is the sentence's, not the name's
            start, value, first = start + len(opening[0]) + 1, opening[1], False
        if _CALENDAR.fullmatch(value):
            continue
        # A capital that only starts the sentence, or a defined term ("the Premises") — unless
        # it does what the question asks about: "Tenant pays" for "who pays".
        if (
            " " not in value
            and (first or _DETERMINER.search(text[:start]))
            and (
                value.lower() in STOPWORDS
                or not does_what_is_asked(text, start + len(value), asked)
            )
        ):
            continue  # ("It was written by …": a pronoun is nobody's name)
        spans.append(Span(value, start, start + len(value)))
    return spans


# "How much does the plan cost?", "what is the joining fee?": a price, not "80 GB" (unless the
# question asks how long, how many, how often or when: "how long do I have to pay?").
_ASKS_A_PRICE = re.compile(
    r"^(?!.*\b(?:how (?:long|many|often|soon)|when|what time|what date)\b)"
    r".*\b(?:cost|costs|price|prices|priced|fee|fees|refund|refunded)\b",
    re.IGNORECASE,
)
_PRICE = re.compile(
    r"[$€£¥]|\b(?:EUR|USD|GBP|CHF|JPY|AUD|CAD)\b|%|\bper ?cent\b|\bfree\b|"
    r"\b(?:euros?|dollars?|pounds?|cents?|pence|francs?|yen|kr|sek|nok|dkk)\b",
    re.IGNORECASE,
)
_MEASURES = (
    (_ASKS_A_PRICE, _PRICE, 6),
    (
        re.compile(r"\btemperature\b|\bhow (?:hot|cold|warm)\b", re.IGNORECASE),
        re.compile(r"°|\bdegrees?\b|\d\s?[CF]\b|\bkelvin\b", re.IGNORECASE),
        4,
    ),
    (
        re.compile(r"\bspeed\b|\bhow fast\b", re.IGNORECASE),
        re.compile(
            r"km/h|\bkph\b|\bmph\b|\bknots?\b|m/s\b|\brpm\b|[kmg]bit/s|[kmg]b/s|\b[kmg]bps\b|"
            r"\bper (?:hour|minute|second)\b|\ban hour\b",
            re.IGNORECASE,
        ),
        4,
    ),
    (_PHONE_QUESTION, re.compile(rf"^(?:{_PHONE})$"), 0),
)


def answer_spans(kind: str | None, sentence: str, question: str) -> list[Span]:
    """The spans of `sentence` of the kind asked for that the question does not already hold."""
    topic = frozenset(content_stems(question)) - QUESTION_STEMS
    if kind == "number":
        spans = _number_spans(sentence, topic)
        # "What temperature …" wants degrees, "… phone number" a telephone number: a number
        # of another kind ("1 teaspoon") is no answer.
        for asks, measured, after in _MEASURES:
            if asks.search(question):
                spans = [s for s in spans if measured.search(sentence[s.start : s.end + after])]
    elif kind == "date":
        spans = _date_spans(sentence, question)
    elif kind == "name":
        spans = _name_spans(sentence, topic)
    elif kind == "code":
        spans = [Span(m.group(0), m.start(), m.end()) for m in _CODE_SPAN.finditer(sentence)]
        if _ASKS_WHERE_ON_DISK.search(question):  # a place on disk: a web address is none
            spans = [s for s in spans if "://" not in s.text and "@" not in s.text]
    elif kind == "place":
        spans = [
            Span(m.group(0).rstrip(" ,"), m.start(), m.start() + len(m.group(0).rstrip(" ,")))
            for m in _PLACE_SPAN.finditer(sentence)
        ]
    else:
        return []
    asked = {w.lower() for w in _WORD.findall(question)}
    return [
        s
        for s in spans
        if s.text
        and not {w.lower() for w in _WORD.findall(s.text)} <= asked
        # a number-and-unit whose number the question already holds is not new either
        and not (kind == "number" and _WORD.findall(s.text)[0].lower() in asked)
    ]


_ASKS_CLOCK_TIME = re.compile(
    r"\b(?:(?:at\s+)?what\s+time|what\s+hours?|how\s+(?:early|late))\b", re.IGNORECASE
)
_CLOCK = re.compile(rf"(?<![\d.]){_TIME}|\b(?:noon|midnight)\b", re.IGNORECASE)
_ONLY_CALENDAR_NAME = re.compile(rf"^(?:{_WEEKDAY}|{_MONTH})$")


def _date_spans(sentence: str, question: str) -> list[Span]:
    """Dates and times of `sentence`; for "what time …" the clock times when it has any, and
    never a bare weekday or month when the question names one itself ("on Saturday": the
    "Friday" of "Friday and Saturday: 10:00 to 17:00" is no answer)."""
    spans = [Span(m.group(0), m.start(), m.end()) for m in _DATE_SPAN.finditer(sentence)]
    if _CALENDAR.search(question):
        spans = [s for s in spans if not _ONLY_CALENDAR_NAME.match(s.text)]
    if _ASKS_CLOCK_TIME.search(question):
        clock = [s for s in spans if _CLOCK.search(s.text)]
        spans = clock or spans
    elif not set(content_stems(question)) & (START_STEMS | END_STEMS | _OPEN_CLOSE_STEMS):
        spans = _ranges_joined(sentence, spans)
    return spans


# "When is half-term?" — "Monday 28 October to Friday 1 November": a question that asks for
# neither end of a span of days is answered by the whole of it.
_RANGE_WORD = re.compile(r"\s+(?:to|until|till|through)\s+$")
_OPEN_CLOSE_STEMS = frozenset(content_stems("open opens close closes last lasts"))


def _ranges_joined(sentence: str, spans: list[Span]) -> list[Span]:
    joined: list[Span] = []
    for span in spans:
        if joined and _RANGE_WORD.match(sentence[joined[-1].end : span.start]):
            start = joined[-1].start
            joined[-1] = Span(sentence[start : span.end], start, span.end)
        else:
            joined.append(span)
    return joined


def holds_expected_answer(kind: str | None, sentence: str, question: str) -> bool:
    """Whether `sentence` contains a number/date/name/code that the question itself does not."""
    return bool(answer_spans(kind, sentence, question))
