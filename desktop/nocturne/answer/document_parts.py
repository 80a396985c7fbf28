"""A document (or a section) as its main parts, read from its outline: summaries, comparisons.

A summary covers what a document is for and what its main sections say, so it starts from the
section tree: the level below the title where the document branches, each part with its own and
its subsections' sentences in reading order, and the sentences the digest's section summaries
chose marked. A document without a section tree still often has clause headings written inline
("1. Term. The lease starts …", "Flights: the outbound flight …"); those are its parts then.
Only whole, readable sentences ever come out: never a heading, a navigation or contents line,
a code prompt, a fragment or a sentence cut short.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from nocturne.library.learned_notes import Source
from nocturne.library.records import ChunkRecord
from nocturne.library.store import Store
from nocturne.library.structure import Section, notes_from_chunks, sections_of
from nocturne.sleeptime.key_sentences import salience, sentences_of

MAX_SENTENCE_CHARS = 320
MIN_SENTENCE_WORDS = 5
MAX_SENTENCE_WORDS = 55
MIN_INLINE_HEADINGS = 3
_NAVIGATION = re.compile(
    r"^\s*(?:next|previous|prev|up|home|back|contents|table of contents|index|top|"
    r"back to top|skip to|go to|jump to|search|menu|print|edit|copyright|all rights reserved)\b",
    re.IGNORECASE,
)
_NOT_PROSE = re.compile(
    r">>>|\$ |\|\s|\s\||\.{3}|…|\.\s\.\s\.|\.{2,}\s*\d+\s*$|\{|\}|;\s*$|==|->|=>|\bhttps?://|"
    r"©|\(C\)|^\W|^[a-z]"
)
_PRONOUN_START = re.compile(
    r"^(?:It|This|That|These|Those|They|He|She|Its|Their|His|Her|Such|Here|There|Also|But|"
    r"And|Or|So|Then|However|Otherwise|Instead|Thus|Therefore)\b"
)
_ENDS_WHOLE = re.compile(r"[.!?][\"'”’)\]]?$")
_SKIP_TITLES = re.compile(
    r"^\s*(?:index|contents|table of contents|toc|navigation|footnotes|notes|references|"
    r"bibliography|colophon|copyright|license information|about this document|search)\s*$",
    re.IGNORECASE,
)
_INTRO_TITLES = re.compile(
    r"\b(?:preamble|introduction|overview|scope|about|purpose|summary|abstract|foreword|"
    r"what is)\b",
    re.IGNORECASE,
)
# Inline clause headings of documents without a section tree: "4. Security deposit. Before …"
# and "Flights: outbound flight …" at the start of a paragraph.
_NUMBERED_CLAUSE = re.compile(
    r"(?:^|(?<=[.!?:;]\s))(?P<number>\d{1,2})\.\s+(?P<title>[A-Z][\w’'/-]*(?: [\w’'/-]+){0,5})"
    r"\.\s+(?=[A-Z\"“])"
)
_LABEL = re.compile(r"(?m)^\s*(?P<title>[A-Z][\w’'-]*(?: [\w’'-]+){0,3}):\s+(?=\S)")
_LEADING_NUMBER = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[A-Z]\.)\s+(?=\S)")


def readable(sentence: str) -> bool:
    """A whole sentence a person can read out of context: prose, not a heading or a code line."""
    text = sentence.strip()
    words = text.split()
    if not (MIN_SENTENCE_WORDS <= len(words) <= MAX_SENTENCE_WORDS):
        return False
    if len(text) > MAX_SENTENCE_CHARS or not _ENDS_WHOLE.search(text):
        return False
    if _NAVIGATION.match(text) or _NOT_PROSE.search(text) or text.endswith("?"):
        return False
    letters = sum(c.isalpha() for c in text)
    if letters < 0.6 * len(text.replace(" ", "")):
        return False
    upper = sum(c.isupper() for c in text)
    return upper <= 0.5 * letters


def plain_title(title: str) -> str:
    """A heading as a list item: no leading number, no code marks, no closing colon."""
    text = _LEADING_NUMBER.sub("", title.strip()).replace("`", "").strip(" :.")
    return " ".join(text.split())


@dataclass(frozen=True)
class Sentence:
    text: str
    source: Source
    label: str  # where it stands, for the reader: "2. Rent, p. 1", "Plots and fees"


@dataclass
class Part:
    title: str
    label: str
    sentences: list[Sentence] = field(default_factory=list)
    chosen: set[str] = field(default_factory=set)  # sentences the digest's summaries chose

    @property
    def readable_sentences(self) -> list[Sentence]:
        return [s for s in self.sentences if readable(s.text)]

    def key_sentence(self, used: set[str] = frozenset()) -> Sentence | None:  # type: ignore[assignment]
        """The sentence that best says what this part is about: its lead, unless a nearby
        sentence the digest chose, with more facts and no dangling pronoun, says it better."""
        best: tuple[float, Sentence] | None = None
        for index, sentence in enumerate(self.readable_sentences[:8]):
            if sentence.text in used:
                continue
            value = (
                (0.8 if index == 0 else 0.0)
                + (0.6 if sentence.text in self.chosen else 0.0)
                + 0.2 * min(3.0, salience(sentence.text))
                - 0.15 * index
                - (1.2 if _PRONOUN_START.match(sentence.text) else 0.0)
            )
            if best is None or value > best[0]:
                best = (value, sentence)
        return best[1] if best else None


@dataclass
class Outline:
    """A document or section as what introduces it and the parts it branches into."""

    title: str
    intro: list[Sentence]
    parts: list[Part]
    kind: str  # "sections", "clauses" or "text"


def _source(row: ChunkRecord, name: str, path: str) -> Source:
    return Source(row.id, row.document_id, name, path, row.page)


def _label(title: str, page: int | None) -> str:
    if page is None:
        return title
    return f"{title}, p. {page}" if title else f"p. {page}"


class _Reader:
    def __init__(self, store: Store, document_id: int, use_notes: bool) -> None:
        self.store = store
        self.use_notes = use_notes
        document = store.document(document_id)
        self.name = str(document.name) if document else ""
        self.path = str(document.path) if document else ""
        self.chunks = store.chunks(document_id)
        self.sections = sections_of(store, document_id)
        self.children: dict[int | None, list[Section]] = {}
        for section in self.sections:
            self.children.setdefault(section.parent_id, []).append(section)
        self.own: dict[int | None, list[ChunkRecord]] = {}
        for row in self.chunks:
            self.own.setdefault(row.section_id, []).append(row)
        self._sizes: dict[int, int] = {}

    def family(self, section: Section) -> list[Section]:
        found = [section]
        for child in self.children.get(section.id, []):
            found.extend(self.family(child))
        return found

    def size(self, section: Section) -> int:
        if section.id not in self._sizes:
            self._sizes[section.id] = sum(len(self.own.get(s.id, [])) for s in self.family(section))
        return self._sizes[section.id]

    def sentences(self, rows: Sequence[ChunkRecord], label: str) -> list[Sentence]:
        found: list[Sentence] = []
        seen: set[str] = set()
        for row in rows:
            source = _source(row, self.name, self.path)
            for text in sentences_of(str(row.text)):
                if text not in seen:
                    seen.add(text)
                    found.append(Sentence(text, source, _label(label, source.page)))
        return found

    def chosen(self, rows: Sequence[ChunkRecord]) -> set[str]:
        if not self.use_notes or not rows:
            return set()
        ids = [row.id for row in rows]
        return {
            s
            for note in notes_from_chunks(self.store, "section_summary", ids)
            for s in sentences_of(note)
        }

    def part(self, section: Section) -> Part:
        rows = sorted(
            (row for s in self.family(section) for row in self.own.get(s.id, [])),
            key=lambda row: row.ordinal,
        )
        label = section.label
        return Part(
            plain_title(section.title), label, self.sentences(rows, label), self.chosen(rows)
        )

    def content(self, sections: Sequence[Section]) -> list[Section]:
        return [s for s in sections if self.size(s) > 0 and not _SKIP_TITLES.match(s.title)]


def outline_of(
    store: Store, document_id: int, use_notes: bool, section: Section | None = None
) -> Outline:
    reader = _Reader(store, document_id, use_notes)
    if section is not None:
        return _section_outline(reader, section)
    if reader.sections:
        level = reader.content(reader.children.get(None, []))
        intro_rows: list[ChunkRecord] = list(reader.own.get(None, []))
        title = ""
        # Down from the title while the document does not branch.
        while len(level) == 1 and reader.content(reader.children.get(level[0].id, [])):
            intro_rows.extend(reader.own.get(level[0].id, []))
            title = title or level[0].title
            level = reader.content(reader.children.get(level[0].id, []))
        if len(level) >= 2:
            return Outline(
                title,
                reader.sentences(intro_rows, ""),
                [reader.part(s) for s in level],
                "sections",
            )
    clauses = _inline_parts(reader)
    if clauses is not None:
        return clauses
    return Outline("", [], [_whole(reader)], "text")


def _section_outline(reader: _Reader, section: Section) -> Outline:
    children = reader.content(reader.children.get(section.id, []))
    own = reader.own.get(section.id, [])
    if len(children) >= 1:
        return Outline(
            section.label,
            reader.sentences(own, section.label),
            [reader.part(child) for child in children],
            "sections",
        )
    return Outline(section.label, [], [reader.part(section)], "text")


def _whole(reader: _Reader) -> Part:
    return Part("", "", reader.sentences(reader.chunks, ""), reader.chosen(reader.chunks))


def _inline_parts(reader: _Reader) -> Outline | None:
    """Parts from clause headings written inline, when a document has enough of them."""
    for pattern in (_NUMBERED_CLAUSE, _LABEL):
        parts: dict[str, Part] = {}
        intro: list[Sentence] = []
        for index, row in enumerate(reader.chunks):
            text = str(row.text)
            flat = text if pattern is _LABEL else " ".join(text.split())
            matches = list(pattern.finditer(flat))
            source = _source(row, reader.name, reader.path)
            if index == 0 and matches:
                intro = [
                    Sentence(s, source, _label("", source.page))
                    for s in sentences_of(flat[: matches[0].start()])
                ]
            for at, match in enumerate(matches):
                end = matches[at + 1].start() if at + 1 < len(matches) else len(flat)
                title = match.group("title").strip()
                number = match.groupdict().get("number")
                label = _label(f"{number}. {title}" if number else title, source.page)
                body = [Sentence(s, source, label) for s in sentences_of(flat[match.end() : end])]
                known = parts.get(title.lower())
                if known is None or len(body) > len(known.sentences):
                    parts[title.lower()] = Part(title, label, body)
        if len(parts) >= MIN_INLINE_HEADINGS:
            chosen = reader.chosen(reader.chunks)
            for part in parts.values():
                part.chosen = chosen
            return Outline("", intro, list(parts.values()), "clauses")
    return None


def is_intro_title(title: str) -> bool:
    return bool(_INTRO_TITLES.search(title))


@dataclass(frozen=True)
class WholeAnswer:
    text: str
    sources: list[Source]
    route: str  # "summary:section", "summary:document", "compare", "summary:pending"
