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
    r"^`?(?P<term>[A-Za-z_$][\w.$]*)`?\s+\{[\w|<>\[\]. ]+\}\s*(?P<definition>.*)"
)
_DEFAULT_VALUE = re.compile(
    r"\bDefault(?:s)?:\s*(?P<value>`[^`]+`|[^\s.,;]+(?: [^\s.,;]+){0,3})", re.IGNORECASE
)
_DEFAULT_IS = re.compile(
    r"\b(?:the|by) default (?P<term>[\w -]{2,40}?) (?:is|are|was) (?P<value>[^.;]{1,60})",
    re.IGNORECASE,
)
_DEFAULTS_TO = re.compile(
    r"(?P<term>[\w`.-]{2,40}) defaults to (?P<value>[^.;]{1,60})", re.IGNORECASE
)
MAX_TERM_WORDS = 5


@dataclass(frozen=True)
class Definition:
    term: str  # as written
    key: str  # normalised for lookup
    sentence: str  # the whole sentence or list entry, quoted as evidence
    definition: str  # the part that says what the term is, or the default value


def term_key(term: str) -> str:
    return " ".join(term.lower().strip(" `\"'“”").split())


def _plain(text: str) -> str:
    return text.strip().strip("`").strip()


def find_definitions(sentence: str, block_start: bool = True) -> list[Definition]:
    """The definitions one sentence (or list entry) states; usually none."""
    found: list[Definition] = []
    text = " ".join(sentence.split())
    for pattern in (_QUOTED_MEANS, _MEANS):
        match = pattern.search(text) if pattern is _QUOTED_MEANS else pattern.match(text)
        if match and len(match.group("term").split()) <= MAX_TERM_WORDS:
            term = match.group("term").strip()
            if term.lower() not in {"this", "it", "that", "which", "there", "what"}:
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
            if default:
                meaning = f"{meaning} (default: {_plain(default.group('value'))})"
            found.append(Definition(api.group("term"), term_key(api.group("term")), text, meaning))
    for pattern in (_DEFAULT_IS, _DEFAULTS_TO):
        match = pattern.search(text)
        if match:
            term = match.group("term").strip()
            found.append(
                Definition(term, term_key(term), text, f"default: {_plain(match.group('value'))}")
            )
    unique: dict[str, Definition] = {}
    for definition in found:
        if definition.key and definition.key not in unique:
            unique[definition.key] = definition
    return list(unique.values())
