"""Document names: a title and aliases per document, and which documents a question names.

A person names documents the way they think of them — "the LGPL 2.1", "LGPLv2.1", "the Camlidl
manual", "Node's readline docs", "the Developer's Reference" — not by file name. At ingest each
document gets its title (metadata or first heading, else the file stem) and aliases (stem and title
normalised, version forms with and without a space or "v", acronyms of multi-word titles). At
question time the distinctive name words a question contains pick the documents to search.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from nocturne.library.search import STOPWORDS
from nocturne.library.words import QUESTION_STEMS, stem, words

# Words that name a kind of document, not a document: they never single one out on their own.
GENERIC_NAME_WORDS = frozenset(
    """the a an of and for to in on my our your doc docs document documents documentation manual
    manuals guide guides handbook reference faq faqs readme notes txt md pdf html htm epub docx
    rst text file files page chapter section version edition user users book tutorial api
    introduction general public license licence standard specification spec copy draft final
    new old""".split()
)
# Words for the kind of document ("the Camlidl manual", "the lsof FAQ"): once a question names
# a document, these say which one, not what is asked.
DOCUMENT_KIND_WORDS = frozenset(
    """doc docs document documents documentation manual manuals guide guides handbook reference
    faq faqs readme tutorial book notes note handbook""".split()
)
_VERSION = re.compile(r"^v?(\d+(?:\.\d+)*)$")
_SPLIT = re.compile(r"[\s_\-–—:,;()\[\]/]+")
MAX_NAMED = 3
# Kinds of document a person names a document by when the library holds one of that kind
# ("the FAQ", "the manual"); not the kind words that are everyday words too (book, notes, guide).
NAMING_KINDS = frozenset("faq faqs manual manuals handbook readme tutorial documentation".split())
_KIND_REFERENCE = re.compile(
    r"\b(?:the|this|that|our|your)\s+(?:[\w.-]+\s+){0,2}?("
    + "|".join(sorted(NAMING_KINDS))
    + r")\b",
    re.IGNORECASE,
)
# A question "naming" more documents than MAX_NAMED names none of them in particular.
NAMED_SCORE = 0.75  # one file-name word unique to the document, or two of its title words


def _normal(text: str) -> str:
    return " ".join(words(text))


# Words a version number follows ("version 2.1"): not part of the name, nor of its acronym.
_VERSION_WORDS = frozenset("version ver release rel revision rev edition v".split())
# Small words an acronym skips: "Guide to the Galaxy" -> "gg" (too short), "GNU C Library" -> "gcl".
_ACRONYM_SKIPS = frozenset("the a an of and for to in on".split())


def _acronym(title: str) -> str:
    capitals = [
        w
        for w in _SPLIT.split(title)
        if w and w[0].isalpha() and w.lower() not in _VERSION_WORDS | _ACRONYM_SKIPS
    ]
    if len(capitals) < 3:
        return ""
    return "".join(w[0] for w in capitals).lower()


def document_aliases(file_name: str, title: str) -> list[str]:
    """Normalised names a person may use for the document (the first is the file stem)."""
    stem_text = PurePath(file_name).name
    for _ in range(2):  # "camlidl-1.04.doc.pdf" -> "camlidl-1.04.doc" -> "camlidl-1.04"
        candidate = PurePath(stem_text).stem
        if candidate and not _VERSION.match(PurePath(stem_text).suffix.lstrip(".")):
            stem_text = candidate
    found: dict[str, None] = {}
    for source in (stem_text, title):
        if not source:
            continue
        normal = _normal(source.replace("_", " "))
        if normal:
            found.setdefault(normal, None)
        parts = [p for p in _SPLIT.split(source.lower()) if p]
        versions = [p for p in parts if _VERSION.match(p)]
        names = [p for p in parts if not _VERSION.match(p) and p not in _VERSION_WORDS]
        if names and versions:
            name, version = " ".join(names), _VERSION.match(versions[0]).group(1)  # type: ignore[union-attr]
            for form in (f"{name} {version}", f"{name}{version}", f"{name}v{version}", name):
                found.setdefault(_normal(form) if " " in form else form, None)
        acronym = _acronym(source)
        if acronym:
            found.setdefault(acronym, None)
            if len(acronym) > 3:
                found.setdefault(acronym[1:], None)  # "GNU Lesser General ..." -> "lgpl"
    return list(found)


@dataclass(frozen=True)
class DocumentName:
    document_id: int
    name: str  # file name
    title: str
    aliases: tuple[str, ...]

    def name_stems(self) -> dict[str, float]:
        """Distinctive stems of the file name and aliases (weight 1) and of the title (0.5).

        A title is often made of ordinary words ("More Control Flow Tools"), a file name of
        the words a person uses for the document ("python-tutorial-controlflow").
        """
        found: dict[str, float] = {}
        title_stems = {stem(w) for w in words(self.title)}
        in_file_name = {stem(w) for w in words(_SPLIT.sub(" ", self.name.replace(".", " ")))}
        for text in (self.title, *self.aliases):
            for word in words(text.replace("_", " ").replace("-", " ")):
                if (
                    word in GENERIC_NAME_WORDS
                    or word in STOPWORDS
                    or _VERSION.match(word)
                    or len(word) < 2
                ):
                    continue
                key = stem(word)
                found[key] = (
                    1.0
                    if key in in_file_name or (text is not self.title and key not in title_stems)
                    else 0.5
                )
        return found


@dataclass(frozen=True)
class NamedDocuments:
    """The documents a question names, best first, and the question words that named them."""

    document_ids: tuple[int, ...]
    name_stems: frozenset[str]
    # Of those, the pieces of a name written apart ("node", "js" for "nodejs"): never a topic.
    split_stems: frozenset[str] = frozenset()


def named_documents(question: str, catalog: Sequence[DocumentName]) -> NamedDocuments:
    """Documents whose distinctive name words the question uses, rarer names weighing more."""
    return NameIndex(catalog).named(question)


class NameIndex:
    """The catalog's name words, indexed once so that a question is matched against 10,000
    documents without reading every document's names (`named` is `named_documents`)."""

    def __init__(self, catalog: Sequence[DocumentName], reuse: NameIndex | None = None) -> None:
        """`reuse`: an earlier index, whose documents' name words are taken as they are for the
        documents whose names did not change (a new document is not every document again)."""
        earlier: dict[DocumentName, dict[str, float]] = reuse.by_name if reuse is not None else {}
        self.by_name: dict[DocumentName, dict[str, float]] = {
            doc: earlier.get(doc) or doc.name_stems() for doc in catalog
        }
        self.profiles = {doc.document_id: self.by_name[doc] for doc in catalog}
        self.frequency: Counter[str] = Counter(s for stems in self.profiles.values() for s in stems)
        self.position = {doc_id: index for index, doc_id in enumerate(self.profiles)}
        self.holders: dict[str, list[int]] = {}
        for doc_id, stems in self.profiles.items():
            for name_stem in stems:
                self.holders.setdefault(name_stem, []).append(doc_id)
        # "the FAQ": the documents whose file name says they are one, by kind word.
        self.kinds: dict[str, list[int]] = {}
        for doc in catalog:
            for word in words(_SPLIT.sub(" ", doc.name.replace(".", " "))):
                if word in NAMING_KINDS:
                    self.kinds.setdefault(stem(word), []).append(doc.document_id)
        # A question word asks for a longer name it starts ("node" for "nodejs", `_asks_for`):
        # every start of a name stem that short a word may be, to the stems it starts.
        self.starts: dict[str, list[str]] = {}
        for name_stem in self.frequency:
            for length in range(max(4, len(name_stem) - 2), len(name_stem) + 1):
                self.starts.setdefault(name_stem[:length], []).append(name_stem)

    def _asked_stems(self, asked: set[str]) -> set[str]:
        """The name stems `_asks_for` finds in `asked` (the same rules, looked up)."""
        found: set[str] = set()
        for a in asked:
            if a in self.frequency:
                found.add(a)
            if len(a) >= 4:
                found.update(self.starts.get(a, ()))
            for length in range(max(5, len(a) - 3), len(a) + 1):
                if a[:length] in self.frequency:
                    found.add(a[:length])
        return found

    def named(self, question: str) -> NamedDocuments:
        tokens = words(question.replace("-", " "))
        # The words that only make it a question ("name", "called", "kind") name no document:
        # "What is the tenant's name?" is not about a file called "latin-name.txt".
        asked_set = {stem(w) for w in tokens} - QUESTION_STEMS
        # "Node.js" is read as "node" + "js"; the document is "nodejs": adjacent words joined.
        joined = {stem(a + b): (stem(a), stem(b)) for a, b in itertools.pairwise(tokens)}
        asked_set |= set(joined)
        found = self._asked_stems(asked_set)
        candidates = sorted(
            {doc_id for s in found for doc_id in self.holders.get(s, ())},
            key=self.position.__getitem__,
        )
        scores: dict[int, float] = {}
        for doc_id in candidates:
            score = 0.0
            for name_stem, weight in self.profiles[doc_id].items():
                if name_stem in found:
                    score += weight / self.frequency[name_stem]
            if score >= NAMED_SCORE:
                scores[doc_id] = score
        if not scores:
            return self._named_by_kind(question)
        chosen = sorted(scores, key=lambda d: -scores[d])
        if len(chosen) > MAX_NAMED:
            return NamedDocuments((), frozenset())
        chosen_stems = set().union(*(self.profiles[d] for d in chosen))
        words_used = {a for a in asked_set if any(_asks_for(s, {a}) for s in chosen_stems)}
        pieces: set[str] = set()
        for form in list(words_used):
            if form in joined:
                # "node" + "js" write the name "nodejs"; "debian" + "14" only extend "debian".
                if form in chosen_stems:
                    pieces.update(joined[form])
                else:
                    words_used.discard(form)
        words_used |= pieces
        return NamedDocuments(tuple(chosen), frozenset(words_used), frozenset(pieces))

    def _named_by_kind(self, question: str) -> NamedDocuments:
        """ "Which section of the FAQ …": the one document of that kind, when there is one."""
        for match in _KIND_REFERENCE.finditer(question):
            kind = stem(match.group(1).lower())
            holders = list(dict.fromkeys(self.kinds.get(kind, ())))
            if len(holders) == 1:
                return NamedDocuments((holders[0],), frozenset({kind}))
        return NamedDocuments((), frozenset())


def _asks_for(name_stem: str, asked: set[str]) -> bool:
    """The question uses the name word, a clear short form of it ("node" for "nodejs"), or a
    word made from it ("camlidldll" for "camlidl"). A word the name merely starts with is not
    enough: "read" does not name "readline", nor "caml" "camlidl"."""
    return name_stem in asked or any(
        (len(a) >= 4 and name_stem.startswith(a) and len(name_stem) - len(a) <= 2)
        or (len(name_stem) >= 5 and a.startswith(name_stem) and len(a) - len(name_stem) <= 3)
        for a in asked
    )


def title_from(blocks_title: str, first_heading: str, file_name: str) -> str:
    """The loader's title, else the first heading, else the file name's stem."""
    for candidate in (blocks_title, first_heading):
        candidate = " ".join(candidate.split())
        if candidate:
            return candidate
    return PurePath(file_name).stem.replace("_", " ")
