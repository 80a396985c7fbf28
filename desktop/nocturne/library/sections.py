"""A document's section tree, built once from its heading blocks.

Every text block belongs to the innermost section open where it stands, so every chunk (and
every sentence of it) knows its section path. Levels come from the loader; two general rules
repair what plain formats lose:
- a numbered heading at the level of an unnumbered heading right above it is nested under it
  (a licence's "NO WARRANTY" above clauses 15 and 16, a FAQ part title above its questions),
  and so is "4.8.1" under "4.8" when the loader gave both the same level;
- a section's level is its depth in the tree, so a document whose first heading is an h3, or
  whose headings skip levels, still gets a tree without gaps.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from nocturne.library.blocks import HEADING, Block

_NUMBER = re.compile(
    r"^\s*(?:(?:chapter|section|part|appendix|clause|article)\s+)?"
    r"(?P<number>(?:\d{1,3}|[A-Z])(?:\.\d+)*)(?:[.):]|\s|$)\s*",
    re.IGNORECASE,
)
TITLE_MAX_CHARS = 160


@dataclass(frozen=True)
class SectionDraft:
    """A section before it is stored; `parent` is the ordinal of its parent section."""

    ordinal: int
    parent: int | None
    number: str
    title: str
    level: int
    page: int | None

    @property
    def label(self) -> str:
        return section_label(self.number, self.title)


def section_label(number: str, title: str) -> str:
    """ "4.4 Error handling"; the number is not repeated when the title already starts with it."""
    if not number or title.startswith(number):
        return title
    return f"{number} {title}"


def heading_number(text: str) -> str:
    """The section number a heading starts with ("4.8.6. Lambda" -> "4.8.6"), or ""."""
    match = _NUMBER.match(text)
    if not match:
        return ""
    number = match.group("number")
    rest = text[match.end() :]
    if len(number) == 1 and number.isalpha() and not re.match(r"(?i)\s*appendix", text):
        # "A Tour of ..." is a title, not appendix A; only "Appendix A" counts.
        return ""
    if not rest.strip() and not re.match(r"(?i)\s*(chapter|section|part|appendix)", text):
        return ""  # a bare number is a page number or a list marker, not a heading
    return number


def _clean_title(text: str) -> str:
    title = " ".join(text.split()).strip(" ¶#")
    if len(title) > TITLE_MAX_CHARS:
        title = title[: TITLE_MAX_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return title


def _extends(number: str, above: str) -> bool:
    """ "4.8.1" extends "4.8" (and "4.8"): a subsection number under its parent's."""
    return bool(number and above and number.startswith(above + "."))


def build_sections(blocks: Sequence[Block]) -> tuple[list[SectionDraft], list[int | None]]:
    """The sections of `blocks` and, per block, the ordinal of the section it belongs to."""
    sections: list[SectionDraft] = []
    membership: list[int | None] = []
    stack: list[tuple[int, int]] = []  # (loader level, ordinal) of the open sections
    for block in blocks:
        if block.kind != HEADING or not block.text.strip():
            membership.append(stack[-1][1] if stack else None)
            continue
        number = block.number or heading_number(block.text)
        level = max(1, block.level or 1)
        while stack:
            above_level, above_ordinal = stack[-1]
            above = sections[above_ordinal].number
            if _extends(number, above) or above_level < level:
                break  # "4.8.1" under "4.8", or a deeper heading under a shallower one
            if above_level == level and number and not above:
                break  # numbered items under an unnumbered heading of the same level
            stack.pop()
        ordinal = len(sections)
        sections.append(
            SectionDraft(
                ordinal,
                stack[-1][1] if stack else None,
                number,
                _clean_title(block.text),
                len(stack) + 1,
                block.page,
            )
        )
        stack.append((level, ordinal))
        membership.append(ordinal)
    return sections, membership


def section_paths(sections: Sequence[SectionDraft]) -> list[list[int]]:
    """For each section, the ordinals from the top section down to it."""
    paths: list[list[int]] = []
    for section in sections:
        parent = section.parent
        paths.append([*paths[parent], section.ordinal] if parent is not None else [section.ordinal])
    return paths
