"""Finding what answers a question: anticipated questions, learned notes and raw sentences.

Three lexical sources, all ranked by SQLite FTS5/BM25 and then re-scored per sentence:
- anticipated questions (notes of kind 'question', written at sleep time) — query expansion in
  the doc2query sense: a question phrased unlike the text can still meet a question phrased like
  it, and its stored answer is the sentence to quote;
- facts and other notes, whose text is already a key sentence of a chunk;
- the sentences of the best raw chunks, so nothing is lost where the digest kept nothing.
Stale notes (their documents changed since the digest) are never used. When a dense embedder is
given, its ranking of the same sentences is fused with the lexical one by reciprocal rank fusion.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Protocol

from nocturne.answer.answer_type import (
    END_STEMS,
    TYPED,
    expected_answer,
    holds_a_span_of_time,
    holds_expected_answer,
)
from nocturne.answer.front_matter import AUTHORSHIP_STEMS, front_matter
from nocturne.answer.named_sections import named_sections
from nocturne.answer.query import LIGHT_VERB_STEMS, Query, analyse, without_section_words
from nocturne.answer.text_match import (
    FOLLOW_UP_CONTEXT_WEIGHT,
    IdfTable,
    coverage,
    question_similarity,
    stems,
    weighted_coverage,
)
from nocturne.answer.unknown_names import unknown_numbered_name
from nocturne.library.digest_inputs import document_chunks
from nocturne.library.learned_notes import (
    Source,
    chunk_source,
    note_sources,
    search_notes,
)
from nocturne.library.search import fts_query, search_chunks
from nocturne.library.sentences import split_paragraphs, split_sentences
from nocturne.library.store import Store
from nocturne.library.structure import (
    Section,
    search_sections,
    section_chunk_ids,
    section_paths,
    sections_numbered,
)
from nocturne.library.words import content_stems

EVIDENCE_NOTE_KINDS = ("fact", "definition", "reference")
NAMED_ELSEWHERE_PENALTY = 0.3  # evidence from documents other than the one the question names
FOLLOWED_BOOST = 0.1
FRONT_MATTER_BOOST = 0.15  # a named document's title page, for "who wrote X"
ITEM_BOOST = 0.1  # the item sentence a "Subsection 6a" reference names
_ITEM_LABEL = re.compile(r" › [a-h]\)$")  # "6. As an exception to the Sections above › a)"
HEADING_SAYS_ALL = 0.9  # a heading holding this share of the question's words answers it
SECTION_TITLE_WEIGHT = 0.5  # question words found in the sentence's section titles count half
DENSITY_WEIGHT = 0.1  # a sentence of a section that a matching cross reference points to
RRF_K = 60
ANTICIPATED_BOOST = 0.25  # how much a matching anticipated question lifts its answer sentence
ANSWER_TYPE_BOOST = 0.15  # a sentence holding the kind of answer asked for (number, date, name)
# A sentence holding the numbers the question names ("Debian 13"). Measured quote-only: 0.3 lifts
# eval/structured from 64.1 to 67.2 % (0.15 nothing, 0.5 loses a lookup); squad2 and xquad-small
# unchanged at every value.
NUMBER_MATCH_BOOST = 0.3
DEFINES_BOOST = 0.15  # a sentence defining a term the question asks about: "X (the Landlord)"
# "What is the deposit?": the sentence that says what it is ("a security deposit equal to two
# months' rent: 2,500 euros"), not one that only mentions it ("returns the deposit within …").
STATES_BOOST = 0.15
_WHAT_IS_LEAD_TEXT = (
    r"^\s*(?:what|how much)\s+(?:is|are|was|were|will be)\s+(?:the\s+|a\s+|an\s+|my\s+|our\s+)?"
)
_WHAT_IS_LEAD = re.compile(_WHAT_IS_LEAD_TEXT, re.IGNORECASE)
_WHAT_IS = re.compile(_WHAT_IS_LEAD_TEXT + r"[^?]{1,60}\??\s*$", re.IGNORECASE)
_BEFORE_PREPOSITION = re.compile(
    r"\s+(?:for|of|in|on|at|with|under|from|to|per|if|when)\s+", re.IGNORECASE
)


def _lowered(words: tuple[str, ...]) -> set[str]:
    return {w.lower() for w in words}


# After "is"/"are", a participle says what is done with it ("is returned", "is paid"), not what
# it is; so does a negation or an auxiliary.
_NOT_A_STATEMENT = (
    r"not|\w+ed|\w+en|paid|held|kept|made|sent|set|put|left|lost|built|bought|sold|told|"
    r"found|given|taken|done|due|also|usually|only|then|still|being|to"
)
# A page's furniture ("© Copyright 2001-2026 …", "This page is licensed under …") answers only
# questions about copyright, licences or dates of the page.
BOILERPLATE_PENALTY = 0.3
PHRASE_BOOST = 0.2  # the question's word pairs in the same order ("the modified work")
# A code listing split off as a "sentence" ("match point: case (0, 0): print(...)") shows, it
# does not say; prose is the better quote unless the question asks for code.
CODE_PENALTY = 0.15
CODE_SYMBOLS_SHARE = 0.08
_CODE_SYMBOLS = frozenset('(){}[]:;#"|\\')
_ABOUT_THE_PAGE = frozenset(stems("copyright licence license licensed rights reserved updated"))


class Embedder(Protocol):
    """Dense vectors for texts (the optional embedding model)."""

    def similarities(self, query: str, texts: list[str]) -> list[float]: ...


@dataclass(frozen=True)
class AnticipatedMatch:
    note_id: int
    question: str
    answer: str
    similarity: float
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Evidence:
    """One sentence that may answer the question, with its score and provenance."""

    text: str
    source: Source
    coverage: float  # idf-weighted share of the question's words found in the sentence
    score: float
    origin: str  # "question", "fact", "definition", "reference", "followed" or "chunk"
    lead: str = ""  # where a followed reference led ("6.3 Dispatch interfaces: "), quoted first
    via: Source | None = None  # the referring sentence's source, cited too
    key: str = ""  # the sentence as first found, before a following sentence completed it
    points_to: int | None = None  # for a referring sentence: the section id it points to
    section_id: int | None = None  # the innermost section the sentence lies in, if known

    @property
    def original(self) -> str:
        return self.key or self.text


@dataclass
class Retrieval:
    question: str
    anticipated: list[AnticipatedMatch] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    query: Query | None = None
    absent_share: float = 0.0  # idf-weighted share of the question's words the library lacks
    second: Evidence | None = None  # a second piece for two-part questions, quoted too
    unknown_name: str = ""  # a numbered name the library never mentions ("Debian 14")

    @property
    def best_anticipated(self) -> AnticipatedMatch | None:
        return self.anticipated[0] if self.anticipated else None


def match_anticipated(
    store: Store, question: str, idf: IdfTable, limit: int = 10
) -> list[AnticipatedMatch]:
    """Anticipated questions most similar to `question`, best first."""
    hits = search_notes(store, question, ("question",), limit=limit * 3)
    asked = stems(question)
    sources = note_sources(store, [hit.id for hit in hits])
    matches = [
        AnticipatedMatch(
            note_id=hit.id,
            question=hit.text,
            answer=hit.answer or "",
            similarity=question_similarity(asked, stems(hit.text), idf),
            sources=sources.get(hit.id, ()),
        )
        for hit in hits
        if hit.answer and sources.get(hit.id)
    ]
    matches.sort(key=lambda m: -m.similarity)
    return matches[:limit]


_LETTERS = re.compile(r"[^\W\d_]{2,}")
_NUMBERS = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")
_BOILERPLATE = re.compile(
    r"^\s*(?:©|\(c\)\s|copyright\b)|\ball rights reserved\b|\bthis page is licensed\b|"
    r"\blast (?:updated|modified) on\b|\bcreated using sphinx\b",
    re.IGNORECASE,
)


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def gather_evidence(
    store: Store,
    question: str,
    idf: IdfTable,
    anticipated: list[AnticipatedMatch],
    chunk_limit: int = 6,
    *,
    use_notes: bool = True,
    query: Query | None = None,
) -> list[Evidence]:
    """Candidate sentences from notes and top chunks, scored, best first, without duplicates."""
    asked = set(query.stems) if query is not None else stems(question)
    context = query.context if query is not None else frozenset()
    context_weight = query.context_weight if query is not None else None
    own = query.own_stems if query is not None and query.follow_up else frozenset()
    named = query.document_ids if query is not None else ()
    boosts: dict[str, float] = {}
    candidates: dict[str, Evidence] = {}

    def add(
        text: str,
        source: Source,
        origin: str,
        bonus: float = 0.0,
        lead: str = "",
        via: Source | None = None,
        points_to: int | None = None,
        found_too: frozenset[str] = frozenset(),
    ) -> None:
        key = _normal(text)
        if not _LETTERS.search(key):
            return  # "1.", "2)", "—": a list marker or a rule split off as a sentence says nothing
        found = stems(f"{lead} {text}") | found_too
        cover = weighted_coverage(asked, found, idf, context, context_weight)
        if own and not own & found:
            # a follow-up's sentence that only answers the question before it ("the annual
            # premium" for "and how much per month?") is where to look, not the answer
            cover *= FOLLOW_UP_CONTEXT_WEIGHT
        boosts[key] = max(boosts.get(key, 0.0), bonus)
        if key not in candidates or (lead and not candidates[key].lead):
            earlier = candidates.get(key)
            candidates[key] = Evidence(
                text.strip(),
                source,
                cover,
                cover,
                origin,
                lead,
                via,
                # a referring sentence found again in the section it refers to still refers
                points_to=points_to or (earlier.points_to if earlier is not None else None),
            )
        elif points_to and not candidates[key].points_to:
            candidates[key] = replace(candidates[key], points_to=points_to)

    for match in anticipated:
        # A page's copyright or licence line answers no anticipated question but its own.
        boost = 0.0 if _BOILERPLATE.search(match.answer) else ANTICIPATED_BOOST
        add(match.answer, match.sources[0], "question", boost * match.similarity)
    if use_notes:
        _add_note_evidence(store, question, named, add)
    hits = search_chunks(
        store, query.search_text if query is not None else question, limit=chunk_limit
    )
    if named:
        topic = query.topic if query is not None else question
        hits = search_chunks(store, topic, limit=2 * chunk_limit, document_ids=named) + hits
    if query is not None and named:
        _add_named_sections(store, query, add)
    if query is not None:
        for opening in front_matter(store, query):
            add(
                opening.text,
                opening.source,
                "chunk",
                FRONT_MATTER_BOOST,
                found_too=AUTHORSHIP_STEMS,
            )
    titled_sections = named_sections(store, query) if query is not None else []
    for named_section in titled_sections:
        _add_section_sentences(store, named_section.section, add)
    if query is not None:
        for headed in sections_headed_by(store, query, idf):
            _add_section_sentences(store, headed, add, chunks=1)
    following: dict[str, str] = {}  # a sentence -> the next one of its paragraph
    for rank, hit in enumerate(hits):
        source = Source(
            hit.chunk_id, hit.document_id, hit.document_name, hit.document_path, hit.page
        )
        for paragraph in cells_joined(split_paragraphs(hit.text)):
            sentences = _labels_joined(split_sentences(paragraph))
            for index, sentence in enumerate(sentences):
                add(sentence, source, "chunk", 0.02 / (1 + rank))  # a tie-break for better chunks
                if index + 1 < len(sentences):
                    following.setdefault(_normal(sentence), sentences[index + 1])
    kind = expected_answer(query.asked if query is not None else question)

    def extended(ev: Evidence) -> Evidence:
        """A sentence without the kind of answer asked for, completed by the next one that has
        it ("Maximum number of history lines retained." + "Default: 30.")."""
        if kind is None or holds_expected_answer(kind, ev.text, question):
            return ev
        nxt = following.get(_normal(ev.text))
        if nxt and holds_expected_answer(kind, nxt, question) and len(ev.text) + len(nxt) < 420:
            return replace(ev, text=f"{ev.text} {nxt}", key=ev.text)
        return ev

    paths = section_paths(
        store,
        {ev.source.chunk_id for ev in candidates.values()}
        | {ev.via.chunk_id for ev in candidates.values() if ev.via is not None},
    )
    titles = {
        chunk_id: set().union(*(stems(s.title) for s in path)) for chunk_id, path in paths.items()
    }

    numbers = set(_NUMBERS.findall(query.asked if query is not None else question))
    topic_words = query.topic_words if query is not None else ()
    # "… between Willow Lane Properties B.V. (the Landlord) and …": the sentence that names
    # what a defined term stands for, in the way contracts and licences define their parties.
    words = "|".join(re.escape(w) for w in topic_words)
    defines = (
        re.compile(
            rf"\((?:hereinafter\s+)?(?:the\s+(?:{words})|(?:the\s+)?[\"“'](?:{words})[\"”'])\)",
            re.IGNORECASE,
        )
        if topic_words
        else None
    )

    states = states_what(query.asked if query is not None else question, topic_words)

    named_by_title = {n.section.id: n.shared for n in titled_sections}
    phrases = _pairs([s for s in content_stems(query.asked if query else question) if s in asked])
    furniture = 0.0 if asked & _ABOUT_THE_PAGE else BOILERPLATE_PENALTY
    listing = CODE_PENALTY if kind != "code" else 0.0

    def in_named_section(ev: Evidence) -> Evidence:
        """In the section the question names, the words naming it are found in every sentence."""
        # A sentence reached by following a reference out of it is found from there too.
        chunks = [ev.source.chunk_id] + ([ev.via.chunk_id] if ev.via is not None else [])
        within = set().union(
            *(named_by_title.get(s.id, set()) for c in chunks for s in paths.get(c, ()))
        )
        if not within or not idf.weight(asked):
            return ev
        credit = idf.weight(within - stems(f"{ev.lead} {ev.text}")) / idf.weight(asked)
        return replace(ev, coverage=min(1.0, ev.coverage + credit), points_to=ev.points_to)

    # "Which section covers blurry images" asks about its topic, not the words "section" and
    # "covers".
    sectional = query is not None and query.answer_type == "section"
    topic_asked = set(without_section_words(frozenset(asked))) if sectional else asked

    def under_its_heading(ev: Evidence) -> Evidence:
        """A heading that says all the question asks ("3.2 The camera gets hot" for "what do I
        do if the camera gets hot?") is what the text below it answers, in its own words
        ("the body may become warm"): the heading's words count as the sentence's own."""
        title = titles.get(ev.source.chunk_id, set())
        total = idf.weight(topic_asked)
        if not title or not total or coverage(topic_asked, title, idf) < HEADING_SAYS_ALL:
            return ev
        credit = idf.weight((topic_asked & title) - stems(f"{ev.lead} {ev.text}")) / total
        return replace(ev, coverage=min(1.0, ev.coverage + credit))

    def score(ev: Evidence) -> float:
        typed = ANSWER_TYPE_BOOST if holds_expected_answer(kind, ev.text, question) else 0.0
        elsewhere = NAMED_ELSEWHERE_PENALTY if named and ev.source.document_id not in named else 0
        own = stems(ev.text)
        phrased = (
            PHRASE_BOOST * len(phrases & _pairs(content_stems(ev.text))) / len(phrases)
            if phrases
            else 0.0
        )
        in_named = (
            NAMED_SECTION_BOOST
            if named_by_title and _in_any(paths.get(ev.source.chunk_id, ()), named_by_title)
            else 0.0
        )
        # The section a sentence stands in says what it is about ("Coding Style" for "Wrap
        # lines so that they don't exceed 79 characters"): its title words count half.
        left = asked - own
        titled = SECTION_TITLE_WEIGHT * coverage(left, titles.get(ev.source.chunk_id, set()), idf)
        titled *= idf.weight(left) / idf.weight(asked) if asked and idf.weight(asked) else 0.0
        # Of two sentences that hold the same words, the shorter says it more directly.
        density = DENSITY_WEIGHT * ev.coverage / (1.0 + len(own) / 12)
        # The question's own numbers ("Debian 13", "in 1066") are no words of the index but say
        # which sentence it is about.
        held = (
            sum(1 for n in numbers if n in _NUMBERS.findall(ev.text)) / len(numbers)
            if numbers
            else 0
        )
        return (
            ev.coverage
            + titled
            + density
            + boosts[_normal(ev.original)]
            + typed
            + NUMBER_MATCH_BOOST * held
            + in_named
            + phrased
            + (DEFINES_BOOST if defines is not None and defines.search(ev.text) else 0.0)
            + (STATES_BOOST if states is not None and states.search(ev.text) else 0.0)
            - elsewhere
            - (furniture if _BOILERPLATE.search(ev.text) else 0.0)
            - (listing if _looks_like_code(ev.text) else 0.0)
        )

    def leaf(ev: Evidence) -> int | None:
        path = paths.get(ev.source.chunk_id, ())
        return path[-1].id if path else None

    # The heading's words already count in the score (`titled`); they count fully in the
    # coverage, which decides whether the library answers at all.
    scored = [
        under_its_heading(replace(e, score=score(e), section_id=leaf(e)))
        for e in (in_named_section(extended(ev)) for ev in candidates.values())
    ]
    scored.sort(key=lambda ev: -ev.score)
    return scored


def states_what(question: str, topic_words: tuple[str, ...]) -> re.Pattern[str] | None:
    """For "what is (the) X?", a pattern of a sentence saying what X is or amounts to: X
    followed by "is"/"are" (not a participle), "equal to", "amounts to", "means", "of" and a
    number, or a colon and a value. None for any other question."""
    if not topic_words or not _WHAT_IS.match(question):
        return None
    # The head of "the security deposit", "the monthly rent", "the monthly fee for my plan".
    phrase = _BEFORE_PREPOSITION.split(_WHAT_IS_LEAD.sub("", question.strip().rstrip("?")))[0]
    heads = [w for w in re.findall(r"[\w'-]+", phrase) if w.lower() in _lowered(topic_words)]
    last = re.escape(heads[-1] if heads else topic_words[-1])
    return re.compile(
        rf"\b{last}s?\b(?:\s*\([^)]*\))?\s*(?:"
        rf"(?:is|are|was|were|will be)\s+(?!(?:{_NOT_A_STATEMENT})\b)"
        r"|equals?\b|equal to\b|amounts? to\b|totals?\b|comes? to\b|means\b|stands for\b"
        r"|of\s+(?=[$€£¥]|\d|one\b|two\b|three\b|four\b|five\b|six\b|ten\b)"
        r"|:\s*(?=\S))",
        re.IGNORECASE,
    )


def _looks_like_code(text: str) -> bool:
    return sum(c in _CODE_SYMBOLS for c in text) > CODE_SYMBOLS_SHARE * max(1, len(text))


def _pairs(sequence: list[str]) -> set[tuple[str, str]]:
    return {(a, b) for a, b in pairwise(sequence) if a != b}


def _in_any(path: tuple[Section, ...], section_ids: dict[int, frozenset[str]]) -> bool:
    return any(s.id in section_ids for s in path)


_NAMED_SECTION = re.compile(
    r"\b(?:section|chapter|clause|part|question|subsection)\s+(?P<number>\d+(?:\.\d+)*)\b",
    re.IGNORECASE,
)
NAMED_SECTION_BOOST = 0.15


def sections_headed_by(store: Store, query: Query, idf: IdfTable, limit: int = 2) -> list[Section]:
    """Sections whose heading says all the question asks ("3.1 Blurry images" for "which
    section covers blurry images?"): their text answers it even when it uses other words
    ("blurred"), which the full-text search of the text alone would not find."""
    wanted = set(
        without_section_words(query.stems) if query.answer_type == "section" else query.stems
    )
    if not wanted:
        return []
    found = []
    for section, _ in search_sections(
        store, fts_query(" ".join(sorted(wanted))), query.document_ids, limit=10
    ):
        title = stems(section.title) - query.named.name_stems
        if coverage(wanted, title, idf) >= HEADING_SAYS_ALL:
            found.append(section)
    return found[:limit]


def _add_named_sections(store: Store, query: Query, add: Callable[..., None]) -> None:
    """ "What does Section 1 say …": the sentences of the section the question names."""
    for match in list(_NAMED_SECTION.finditer(query.asked))[:2]:
        number = match.group("number")
        found = sections_numbered(store, query.document_ids, number)[:1]
        for section in found:
            _add_section_sentences(store, section, add, NAMED_SECTION_BOOST)
        if not found:
            _add_numbered_paragraphs(store, query, number, add)


def _next_number(number: str) -> str:
    """ "9" -> "10", "4.2" -> "4\\.3" (as a pattern)."""
    head, _, last = number.rpartition(".")
    following = str(int(last) + 1) if last.isdigit() else last
    return re.escape(f"{head}.{following}" if head else following)


_PART_WORDS_STEMS = frozenset(stems("section sections clause clauses part article chapter"))


def _add_numbered_paragraphs(
    store: Store, query: Query, number: str, add: Callable[..., None]
) -> None:
    """A clause the structure did not make a section of ("9. Pets. Small pets need …" inside a
    lease's page text): the paragraph that opens with its number is what "section 9" means."""
    # at a paragraph's start, or after a sentence's end when a page ran clauses together
    opening = re.compile(rf"(?:^|(?<=[.!?:]\s))(?:§\s*)?{re.escape(number)}[.)]\s+[A-Z]")
    for document_id in query.document_ids[:2]:
        for chunk in document_chunks(store, document_id):
            for paragraph in split_paragraphs(chunk.text):
                flat = " ".join(paragraph.split())
                start = opening.search(flat)
                if start is None:
                    continue
                source = chunk_source(store, chunk.id)
                if source is None:
                    continue
                text = flat[start.start() :]
                # a page's paragraph may run on into the next clause: "… 5. Notice period. …"
                text = re.split(rf"\s(?={_next_number(number)}[.)]\s)", text, maxsplit=1)[0]
                add(
                    text,
                    source,
                    "chunk",
                    NAMED_SECTION_BOOST,
                    found_too=_PART_WORDS_STEMS | {number},
                )
                return


def _add_section_sentences(
    store: Store, section: Section, add: Callable[..., None], bonus: float = 0.0, chunks: int = 3
) -> None:
    for chunk_id in section_chunk_ids(store, [section.id]).get(section.id, [])[:chunks]:
        chunk = store.chunk(chunk_id)
        source = chunk_source(store, chunk_id)
        if chunk is None or source is None:
            continue
        for paragraph in cells_joined(split_paragraphs(str(chunk.text))):
            for sentence in _labels_joined(split_sentences(paragraph)):
                add(sentence, source, "chunk", bonus)


LABEL_WORDS = 3


_DIGIT = re.compile(r"\d")
_ENDS_A_SENTENCE = re.compile(r"[.!?:;]$")


def cells_joined(paragraphs: list[str]) -> list[str]:
    """A table whose cells came out one per paragraph (a PDF drawn without table structure):
    a short label with no sentence of its own ("Replacement SIM card") is read with the short
    value after it ("10.00 EUR"), as "Replacement SIM card: 10.00 EUR"; quoted alone, the
    label answered nothing."""
    joined: list[str] = []
    index = 0
    while index < len(paragraphs):
        label = " ".join(paragraphs[index].split())
        value = " ".join(paragraphs[index + 1].split()) if index + 1 < len(paragraphs) else ""
        if _is_cell_label(label) and _is_cell_value(value):
            joined.append(f"{label}: {value}")
            index += 2
        else:
            joined.append(paragraphs[index])
            index += 1
    return joined


def _is_cell_label(text: str) -> bool:
    return (
        0 < len(text.split()) <= LABEL_WORDS + 2
        and text[:1].isupper()
        and not _DIGIT.search(text)
        and not _ENDS_A_SENTENCE.search(text)
    )


def _is_cell_value(text: str) -> bool:
    return (
        0 < len(text.split()) <= 6
        and bool(_DIGIT.search(text))
        and not _ENDS_A_SENTENCE.search(text)
    )


def _labels_joined(sentences: list[str]) -> list[str]:
    """A label ("Security deposit.") says nothing alone: it is read with the sentence after it."""
    joined: list[str] = []
    for index, sentence in enumerate(sentences):
        if joined and len(joined[-1].split()) <= LABEL_WORDS and index > 0:
            joined[-1] = f"{joined[-1]} {sentence}"
        else:
            joined.append(sentence)
    return joined


def _add_note_evidence(
    store: Store, question: str, named: tuple[int, ...], add: Callable[..., None]
) -> None:
    """Facts, definitions and resolved references; a reference also brings its target's text."""
    hits = search_notes(store, question, EVIDENCE_NOTE_KINDS, limit=16)
    if named:
        hits = [h for h in hits if h.document_id in named] + [
            h for h in hits if h.document_id not in named
        ]
    sources = note_sources(store, [hit.id for hit in hits])
    followed = 0
    for hit in hits:
        found = sources.get(hit.id)
        if not found:
            continue
        if hit.kind != "reference":
            add(hit.text, found[0], hit.kind)
            continue
        referring, _, pointed = hit.text.partition(" → ")
        target = int(hit.key) if hit.key.isdigit() else None
        add(referring, found[0], "reference", points_to=target)
        label = hit.answer or ""
        if _ITEM_LABEL.search(label) and pointed.startswith(f"{label} "):
            # "Subsection 6a": the note holds the item's own sentence, the exact place meant.
            item = pointed[len(label) + 1 :]
            add(item, found[-1], "followed", FOLLOWED_BOOST + ITEM_BOOST, f"{label}: ", found[0])
        if followed >= 3 or target is None:
            continue
        followed += 1
        target_label = hit.answer or ""
        chunk_ids = section_chunk_ids(store, [target]).get(target, [])
        for chunk_id in chunk_ids[:3]:
            chunk = store.chunk(chunk_id)
            source = chunk_source(store, chunk_id)
            if chunk is None or source is None:
                continue
            for sentence in split_sentences(str(chunk.text)):
                add(sentence, source, "followed", FOLLOWED_BOOST, f"{target_label}: ", found[0])


def fuse_rankings(rankings: list[list[str]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion: each ranking gives 1/(k + rank) to the keys it ranks."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, 1):
            fused[key] = fused.get(key, 0.0) + 1.0 / (k + rank)
    return fused


def fuse_dense(question: str, evidence: list[Evidence], embedder: Embedder) -> list[Evidence]:
    """Re-order lexical evidence by RRF with the embedder's ranking of the same sentences."""
    if len(evidence) < 2:
        return evidence
    texts = [ev.text for ev in evidence]
    similarities = embedder.similarities(question, texts)
    dense_order = [texts[i] for i in sorted(range(len(texts)), key=lambda i: -similarities[i])]
    fused = fuse_rankings([texts, dense_order])
    return sorted(evidence, key=lambda ev: -fused[ev.text])


def retrieve(
    store: Store,
    question: str,
    *,
    idf: IdfTable | None = None,
    embedder: Embedder | None = None,
    use_notes: bool = True,
    query: Query | None = None,
) -> Retrieval:
    idf = idf or IdfTable(store)
    query = query or analyse(store, question)
    anticipated = match_anticipated(store, question, idf) if use_notes else []
    if query.document_ids:  # an anticipated question about another document is no match
        anticipated = [
            m for m in anticipated if m.sources and m.sources[0].document_id in query.document_ids
        ]
    evidence = gather_evidence(store, question, idf, anticipated, use_notes=use_notes, query=query)
    if embedder is not None:
        evidence = fuse_dense(question, evidence, embedder)
    # "Which section covers X": "covers" is the form of the question, not a word to look for.
    topic = without_section_words(query.stems) if query.answer_type == "section" else query.stems
    total = idf.weight(topic)
    absent = idf.weight(s for s in topic if idf.absent(s) and s not in LIGHT_VERB_STEMS)
    return Retrieval(
        question,
        anticipated,
        evidence,
        query,
        absent / total if total else 0.0,
        complementary(query, evidence, idf),
        unknown_numbered_name(store, query),
    )


SECOND_MIN_GAIN = 0.15
SECOND_SAME_PLACE_BONUS = 0.2


def complementary(query: Query, evidence: list[Evidence], idf: IdfTable) -> Evidence | None:
    """For a two-part question, or when the best sentence lacks the kind of answer asked for:
    the sentence that best covers what the first leaves out (or holds the missing answer)."""
    if not evidence:
        return None
    first = evidence[0]
    missing_type = query.answer_type in TYPED and not holds_expected_answer(
        query.answer_type, first.text, query.asked
    )
    if first.points_to is not None:
        # "… the materials specified in Subsection 6a": the place it points to completes it.
        pointed = [
            ev
            for ev in evidence[1:20]
            if ev.origin == "followed"
            and ev.via is not None
            and ev.via.chunk_id == first.source.chunk_id
        ]
        if pointed:
            return pointed[0]
    if not (query.two_part or missing_type):
        return None
    covered = stems(f"{first.lead} {first.text}") & set(query.stems)
    ends = query.answer_type == "date" and bool(query.stems & END_STEMS)
    rest = set(query.stems) - covered
    best: tuple[float, Evidence] | None = None
    # The best few, and the first one's neighbours: a term's start date sits beside its end.
    nearby = [ev for ev in evidence[12:] if ev.source.chunk_id == first.source.chunk_id]
    for ev in [*evidence[1:12], *nearby]:
        if ev.source.document_id != first.source.document_id:
            continue  # a second piece from another document answers another question
        if ev.source.chunk_id == first.source.chunk_id and ev.text in first.text:
            continue
        holds = holds_expected_answer(query.answer_type, ev.text, query.asked)
        if missing_type and not holds:
            continue  # the first lacks the kind of answer asked for: the second must hold it
        gain = coverage(rest, stems(ev.text), idf) if rest else 0.0
        if missing_type:
            gain += ANSWER_TYPE_BOOST
            if ends and holds_a_span_of_time(ev.text):
                gain += ANSWER_TYPE_BOOST  # its start and how long it runs: when it ends
        value = gain + 0.3 * ev.score
        if first.section_id is not None and ev.section_id == first.section_id:
            value += SECOND_SAME_PLACE_BONUS  # the rest of the same answer, not another topic
        if gain >= SECOND_MIN_GAIN and (best is None or value > best[0]):
            best = (value, ev)
    return best[1] if best else None
