"""Cross references resolved at sleep time: the referring sentence joined with its target.

"see section 6.3", "under the terms of Sections 1 and 2", "(§11.9)", "Subsection 6a",
"described in chapter 4" point at a section by number; "see match Statements", "(See "Test Suite
Problems.")", "the answer to the "Is there an lsof license?" question" point at one by its title.
Following them is the offline inference the sleep-time paper means: at question time one note
holds both places, and a two-place question is answered from it with both cited.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from nocturne.library.structure import Section

_BY_NUMBER = re.compile(
    r"\b(?:sub)?(?:sections?|sect\.|chapters?|clauses?|parts?|questions?|appendix|appendices)"
    r"\s+(?P<numbers>\d+(?:\.\d+)*[a-z]?"
    r"(?:\s*(?:,|and|or|&|through|to|-|–)\s*\d+(?:\.\d+)*[a-z]?)*)|"
    r"\bappendix\s+(?P<letter>[A-Z])\b|"
    r"§\s*(?P<sign>\d+(?:\.\d+)*)",
    re.IGNORECASE,
)
_POINTER = re.compile(
    r"\b(?:see|refer|described|explained|covered|discussed|answer to|found in|details in)\b",
    re.IGNORECASE,
)
_RANGE = re.compile(r"(?P<first>\d+)\s*(?:-|–|through|to)\s*(?P<last>\d+)\b")
_ADDRESS = re.compile(r"\S+://\S+|\bwww\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# "Subsection 6a", "section 2(d)", "clause 4.1 (c)": one lettered item of a numbered section.
_ITEM = re.compile(
    r"\b(?:sub)?(?:sections?|clauses?|paragraphs?|articles?)\s+(?P<number>\d+(?:\.\d+)*)"
    r"\s?(?:\((?P<paren>[a-h])\)|(?P<letter>[a-h]))(?![\w(])",
    re.IGNORECASE,
)
MIN_TITLE_CHARS = 8
MAX_RANGE = 10  # "Sections 1-4" names four sections; "sections 1-900" is no reference


@dataclass(frozen=True)
class Reference:
    sentence: str
    target: Section


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _bare_title(section: Section) -> str:
    return _normal(section.bare_title)


def find_references(
    sentence: str, sections: Sequence[Section], own: Section | None
) -> list[Reference]:
    """The sections of the same document that `sentence` points to (never its own section)."""
    by_number: dict[str, Section] = {}
    for section in sections:
        if section.number:
            by_number.setdefault(section.number, section)
            if section.number.endswith(".0"):
                by_number.setdefault(section.number[:-2], section)
    found: dict[int, Reference] = {}
    for match in _BY_NUMBER.finditer(sentence):
        for number in _numbers(match):
            target = by_number.get(number) or by_number.get(number.rstrip("abcdefgh"))
            if target is not None and (own is None or target.id != own.id):
                found.setdefault(target.id, Reference(sentence, target))
    if _POINTER.search(sentence) or re.search(r"[\"“][^\"”]{8,}[\"”]", sentence):
        # A web or mail address is no title: ".../debian-policy/..." does not name "debian-policy".
        flat = f" {_normal(_ADDRESS.sub(' ', sentence))} "
        for section in sections:
            title = _bare_title(section)
            if len(title) < MIN_TITLE_CHARS or len(title.split()) < 2:
                continue
            if (own is None or section.id != own.id) and f" {title} " in flat:
                found.setdefault(section.id, Reference(sentence, section))
    return list(found.values())


def _numbers(match: re.Match[str]) -> list[str]:
    """The section numbers one match names: "1 and 2", "1-3" (each of 1, 2, 3), "6a", "A"."""
    if match.group("letter"):
        return [match.group("letter")]
    text = match.group("numbers") or match.group("sign") or ""
    numbers: list[str] = []
    for span in _RANGE.finditer(text):
        first, last = int(span.group("first")), int(span.group("last"))
        if first < last <= first + MAX_RANGE:
            numbers.extend(str(n) for n in range(first, last + 1))
    numbers.extend(re.findall(r"\d+(?:\.\d+)*[a-z]?", text))
    return list(dict.fromkeys(numbers))


@dataclass(frozen=True)
class ItemReference:
    sentence: str
    target: Section
    item: str  # the item's letter: "a" for "Subsection 6a"


def find_item_references(sentence: str, sections: Sequence[Section]) -> list[ItemReference]:
    """The lettered items of numbered sections `sentence` points to ("Subsection 6a"), its own
    section's included: "the materials specified in Subsection 6a, above" is read in 6c."""
    by_number = {s.number: s for s in reversed(sections) if s.number}
    found: dict[tuple[int, str], ItemReference] = {}
    for match in _ITEM.finditer(sentence):
        target = by_number.get(match.group("number"))
        item = (match.group("paren") or match.group("letter") or "").lower()
        if target is not None and item:
            found.setdefault((target.id, item), ItemReference(sentence, target, item))
    return list(found.values())


def item_sentence(item: str, sentences: Sequence[str]) -> str:
    """The sentence that opens item `item` ("a) Accompany the work …", "(a) …"), or ""."""
    opening = re.compile(rf"^\s*\(?{re.escape(item)}\)\s+\S", re.IGNORECASE)
    return next((s for s in sentences if opening.match(s)), "")
