"""Definitions, options and defaults found in a document's own sentences, keyed by the term.

"X means / shall mean / is defined as / refers to / stands for …", an option list entry
("-n, --name=NAME  array name"), an API option with its default ("removeHistoryDuplicates
{boolean} If true, … Default: false"), "the default X is 50", "X defaults to Y". Each becomes a
`definition` note keyed by the term, so "what does X mean", "what is the default Y" and "what does
option -n do" are answered by lookup. Patterns, not a model: what they find is the text itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MEANS = re.compile(
    r"^(?:the term |a |an |the )?[\"“'`]?(?P<term>[A-Za-z][\w .'’-]{0,40}?)[\"”'`]?,?\s+"
    r"(?:means|shall mean|is defined as|are defined as|refers to|stands for|is short for)\s+"
    r"(?P<definition>.{3,})",
    re.IGNORECASE,
)
_QUOTED_MEANS = re.compile(
    r"[\"“](?P<term>[^\"”]{2,40})[\"”]\s+(?:means|shall mean|refers to|is defined as)\s+"
    r"(?P<definition>.{3,})",
    re.IGNORECASE,
)
_OPTION = re.compile(
    r"^(?P<term>--?[A-Za-z][\w-]*(?:(?:, | \| |=| )(?:--?[A-Za-z][\w-]*|[A-Z_<>\[\]]{2,}))*)"
    r"\s+(?P<definition>[A-Za-z(].{2,})"
)
_API_OPTION = re.compile(
    # "historySize {number} ...", "{string|string[]}", never code ("const { once } = ...")
    r"^`?(?P<term>[A-Za-z_$][\w.$]*)`?\s+\{(?! )[\w|<>\[\]. ]+(?<! )\}\s*"
    r"(?P<definition>[^=\s].*)"
)
_DEFAULT_VALUE = re.compile(
    r"\bDefault(?:s)?:[*_]*\s*(?P<value>`[^`]+`|[^\s.,;]+(?: [^\s.,;]+){0,3})", re.IGNORECASE
)
_DEFAULT_IS = re.compile(
    r"\b(?:the|by) default,? (?:the |a |an )?(?P<term>[\w -]{2,40}?) (?:is|are)(?: set to)? "
    r"(?P<value>[^.;]{1,60})",
    re.IGNORECASE,
)
_DEFAULTS_TO = re.compile(
    r"(?P<term>[\w`.-]{2,40}) defaults to (?P<value>[^.;]{1,60})", re.IGNORECASE
)
MAX_TERM_WORDS = 5
# Words that cannot begin a term: "It means ...", "He stands for ...", "What this means is ...".
# A demonstrative followed by a noun is a term ("This License refers to ..."), alone it is not.
_NOT_A_TERM_START = frozenset(
    """it its he his she her they their we our you your i my there what which who whom whose how
    why where when and or but so then also if""".split()
)
_DEMONSTRATIVES = frozenset("this that these those".split())
# A clause, not a term: "The following is by no means ...", "Caml assumes that ...".
_NOT_IN_TERM = frozenset(
    """is are was were be been being no not that which who this it usually often always never
    also generally sometimes typically normally simply really just only still actually when if
    while because their its""".split()
)
# A default stated as a possibility or a purpose is not a value: "is likely to vary", "is to".
_NOT_A_VALUE_START = frozenset(
    "likely unlikely usually often probably possibly not also still being to".split()
)
# Nouns that only say "the default": "The default value is evaluated only once" names no term.
_NOT_A_DEFAULT_TERM = frozenset("value values setting settings one option options".split())
_DEFAULT_OF = re.compile(r"^(?:value|setting) (?:of|for) (?:the |a |an )?", re.IGNORECASE)


@dataclass(frozen=True)
class Definition:
    term: str  # as written
    key: str  # normalised for lookup
    sentence: str  # the whole sentence or list entry, quoted as evidence
    definition: str  # the part that says what the term is, or the default value
    default: str = ""  # the default value when the text states one ("30", "false")


def term_key(term: str) -> str:
    return " ".join(term.lower().strip(" `\"'“”").split())


def _is_term(term: str) -> bool:
    """A noun phrase that names something, not a pronoun or a clause.

    "This License" is a term (a demonstrative before a capitalised name); "this message",
    "Usually this" and "The following is by no" are not.
    """
    first, *rest = term.split() or [""]
    if first.lower() in _NOT_A_TERM_START or len(term.split()) > MAX_TERM_WORDS:
        return False
    if first.lower() in _DEMONSTRATIVES:
        return bool(rest) and rest[0][:1].isupper() and not _NOT_IN_TERM & {w.lower() for w in rest}
    return not _NOT_IN_TERM & {w.lower() for w in term.split()}


def _default_term(term: str) -> str:
    return _DEFAULT_OF.sub("", term.strip())


def _plain(text: str) -> str:
    return text.strip().strip("`").strip()


def find_definitions(sentence: str, block_start: bool = True) -> list[Definition]:
    """The definitions one sentence (or list entry) states; usually none."""
    found: list[Definition] = []
    text = " ".join(sentence.split())
    for pattern in (_QUOTED_MEANS, _MEANS):
        match = pattern.search(text) if pattern is _QUOTED_MEANS else pattern.match(text)
        if match:
            term = match.group("term").strip()
            if pattern is _QUOTED_MEANS or _is_term(term):
                found.append(Definition(term, term_key(term), text, match.group("definition")))
                break
    if block_start:
        option = _OPTION.match(text)
        if option:
            found.append(
                Definition(
                    option.group("term"),
                    term_key(option.group("term")),
                    text,
                    option.group("definition"),
                )
            )
        api = _API_OPTION.match(text)
        if api:
            default = _DEFAULT_VALUE.search(text)
            meaning = api.group("definition")
            value = _plain(default.group("value")) if default else ""
            if value:
                meaning = f"{meaning} (default: {value})"
            found.append(
                Definition(api.group("term"), term_key(api.group("term")), text, meaning, value)
            )
    for pattern in (_DEFAULT_IS, _DEFAULTS_TO):
        match = pattern.search(text)
        if not match:
            continue
        term = _default_term(match.group("term"))
        value = _plain(match.group("value"))
        if (
            not _is_term(term)
            or term.lower() in _NOT_A_DEFAULT_TERM
            or value.split()[0].lower() in _NOT_A_VALUE_START
        ):
            continue
        found.append(Definition(term, term_key(term), text, f"default: {value}", default=value))
    unique: dict[str, Definition] = {}
    for definition in found:
        if definition.key and definition.key not in unique:
            unique[definition.key] = definition
    return list(unique.values())
