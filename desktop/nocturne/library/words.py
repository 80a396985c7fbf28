"""Words and stems, one way for the whole app: the index, retrieval, extraction and abstention.

The FTS5 index stems with Porter; questions and sentences are stemmed with the Snowball
project's Porter stemmer so that what a question asks for and what the index found agree
("leases" and "lease", "houses" and "house" meet).
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from nocturne.library.search import STOPWORDS

# Hyphens split words, as in the FTS index ("coding-style" -> "coding", "style").
# Dots split words too ("node.js" -> "node", "js"), except inside numbers ("2.1", "1.5-2.1").
# A key combination stays one word ("Ctrl+L", "Shift+Tab"): its letter alone says nothing.
_WORD = re.compile(
    r"\b(?:ctrl|alt|shift|meta|cmd|super|option)(?:\+\w+)+|"
    r"[\w](?:[\w']|(?<=\d)\.(?=\d))*[\w]|[\w]",
    re.UNICODE,
)
_NUMBER = re.compile(r"^\d[\d,.]*$")
_STEMMER = snowballstemmer.stemmer("porter")


def words(text: str) -> list[str]:
    """Lower-cased words; "node's" -> "node", "v2.1" stays whole, trailing dots dropped."""
    found = []
    for match in _WORD.finditer(text.lower()):
        word = match.group(0).strip("'.-")
        if word.endswith("'s"):
            word = word[:-2]
        if word:
            found.append(word)
    return found


# British spellings a question may use for an American text, or the other way round; both
# sides of every comparison go through `stem`, so mapping one way is enough.
_SPELLINGS = {
    "licence": "license",
    "licences": "licenses",
    "licenced": "licensed",
    "behaviour": "behavior",
    "colour": "color",
    "favour": "favor",
    "centre": "center",
    "catalogue": "catalog",
    "programme": "program",
    "analyse": "analyze",
    "summarise": "summarize",
    "summarised": "summarized",
    "organisation": "organization",
    "initialise": "initialize",
    "internationalisation": "internationalization",
    "serialise": "serialize",
    "optimise": "optimize",
    "recognise": "recognize",
    "customise": "customize",
}


# Irregular verb forms and plurals a stemmer cannot join to their base ("gave up" for "give up",
# "threw" for "throw", "children" for "child"): questions are asked in the present, documents
# often tell in the past.
_IRREGULAR = {
    past: base
    for base, forms in {
        "give": "gave given",
        "throw": "threw thrown",
        "go": "went gone",
        "take": "took taken",
        "make": "made",
        "write": "wrote written",
        "begin": "began begun",
        "run": "ran",
        "come": "came",
        "see": "saw seen",
        "get": "got gotten",
        "find": "found",
        "hold": "held",
        "build": "built",
        "send": "sent",
        "spend": "spent",
        "win": "won",
        "lose": "lost",
        "fall": "fell fallen",
        "buy": "bought",
        "bring": "brought",
        "think": "thought",
        "teach": "taught",
        "tell": "told",
        "sell": "sold",
        "pay": "paid",
        "keep": "kept",
        "meet": "met",
        "become": "became",
        "choose": "chose chosen",
        "drive": "drove driven",
        "fly": "flew flown",
        "grow": "grew grown",
        "know": "knew known",
        "show": "shown",
        "stand": "stood",
        "understand": "understood",
        "break": "broke broken",
        "speak": "spoke spoken",
        "wear": "wore worn",
        "rise": "rose risen",
        "draw": "drew drawn",
        "eat": "ate eaten",
        "forget": "forgot forgotten",
        "hide": "hid hidden",
        "ride": "rode ridden",
        "sing": "sang sung",
        "swim": "swam swum",
        "bind": "bound",
        "feel": "felt",
        "lead": "led",
        "sleep": "slept",
        # irregular plurals: "children's cards" answer "how many items can a child borrow"
        "child": "children",
        "person": "people",
        "man": "men",
        "woman": "women",
        "foot": "feet",
        "tooth": "teeth",
        "mouse": "mice",
    }.items()
    for past in forms.split()
}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    if _NUMBER.match(word) or len(word) <= 1:
        return word
    word = _IRREGULAR.get(word, word)
    if len(word) <= 2:
        return word
    word = _SPELLINGS.get(word, word)
    if word.endswith("isation"):
        word = word[: -len("isation")] + "ization"
    return str(_STEMMER.stemWord(word))


# A unit written short after a number ("1200 W", "1.8 l", "5 kg") is the word a question uses
# for it ("how many watts"): the short form is read as the word too.
_UNITS = {
    "W": "watt",
    "kW": "kilowatt",
    "V": "volt",
    "mAh": "milliamp",
    "kg": "kilogram",
    "g": "gram",
    "mg": "milligram",
    "km": "kilometre",
    "cm": "centimetre",
    "mm": "millimetre",
    "l": "litre",
    "L": "litre",
    "ml": "millilitre",
    "mL": "millilitre",
    "Hz": "hertz",
    "kHz": "kilohertz",
    "MHz": "megahertz",
    "GHz": "gigahertz",
    "KB": "kilobyte",
    "MB": "megabyte",
    "GB": "gigabyte",
    "TB": "terabyte",
    "mph": "mile",
    "km/h": "kilometre",
    "rpm": "rpm",
    "RPM": "rpm",
    "°C": "degree",
    "°F": "degree",
}
_SHORT_UNIT = re.compile(
    r"(?<=\d)\s?(" + "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True)) + r")(?![\w/])"
)


def content_stems(text: str) -> list[str]:
    """Stems of the words of `text` that carry meaning (no stopwords, no single letters; a lone
    "_" is a name in code, as in Python's wildcard pattern; a unit written short after a number
    as its word: "1200 W" holds "watt")."""
    found = [stem(w) for w in words(text) if (len(w) > 1 or w == "_") and w not in STOPWORDS]
    if any(c.isdigit() for c in text):
        found += [stem(_UNITS[m.group(1)]) for m in _SHORT_UNIT.finditer(text)]
    return found


# Words that only make a sentence a question; they say nothing about the answer.
QUESTION_STEMS = frozenset(
    content_stems(
        "who whom whose what which when where why how name named kind type called tell according "
        "say says said mention mentions thing"
    )
)
