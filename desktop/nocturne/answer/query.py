"""The question, analysed once: its words and stems, the documents it names, what it asks for.

Retrieval, extraction, abstention and confidence all read this one `Query`, so they agree on
what the question's words are (Snowball stems, like the index) and which of them only name a
document ("the LGPL 2.1", "the Camlidl manual") and so say nothing about the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nocturne.answer.answer_type import expected_answer
from nocturne.answer.text_match import CONTEXT_WEIGHT, FOLLOW_UP_CONTEXT_WEIGHT
from nocturne.library.names import DOCUMENT_KIND_WORDS, NamedDocuments
from nocturne.library.search import STOPWORDS, phrase_occurs, spelled_out, term_share
from nocturne.library.sentences import split_sentences
from nocturne.library.store import Store
from nocturne.library.structure import document_catalog, name_index
from nocturne.library.words import QUESTION_STEMS, content_stems, stem, words

# Verbs that say little on their own ("start", "use"); a library that never uses them is no
# sign that it does not answer, and a question left with only them is about its names.
LIGHT_VERB_STEMS = frozenset(
    content_stems(
        "start starts begin begins end ends finish happen happens take takes make makes use uses "
        "need needs get gets go goes come comes work works mean means do does have has put set "
        "give gives keep keeps let run runs occur occurs"
    )
)
# A naming word in this share of the named document's chunks or more is everywhere in it, and
# one in this share or less is the name, not the text; in between it still locates.
NAMING_SHARE = 0.3
RARE_NAME_SHARE = 0.03
DOCUMENT_KIND_STEMS = frozenset(content_stems(" ".join(DOCUMENT_KIND_WORDS)))
# Words that say a question is about structure ("which section number deals with X"), not X.
_SECTION_WORDS = frozenset(
    content_stems(
        "section sections chapter chapters part parts clause clauses subsection question number "
        "numbered heading title titled cover covers covered deal deals describe describes discuss "
        "discusses explain explains hold holds documentation"
    )
)
_TWO_PARTS = re.compile(
    r",? and (?:how|what|which|when|where|who|why|is|are|does|do)\b|\bwhat does each\b|"
    r"\band (?:then|also)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Query:
    text: str
    asked: str  # the sentence that asks (the last question of a multi-sentence prompt)
    stems: frozenset[str]  # what the answer must be about: no question or document-name words
    named: NamedDocuments
    answer_type: str | None
    two_part: bool = False  # "which urgency …, and how long …": two pieces of evidence
    topic_words: tuple[str, ...] = ()  # the question's own words behind `stems`, for search
    context: frozenset[str] = frozenset()  # stems only the premise sentences use
    context_weight: float = CONTEXT_WEIGHT  # how much they count (less for a follow-up's)
    follow_up: bool = False  # read with the questions before it: its own words are what it asks
    spelled_out: tuple[str, ...] = ()  # how the library writes its acronyms ("Human Resources")

    @property
    def search_text(self) -> str:
        """The question as the full-text search reads it: with the library's own words."""
        return " ".join((self.text, *self.spelled_out))

    @property
    def own_stems(self) -> frozenset[str]:
        """The asking sentence's own words (all of them when there is no premise)."""
        return self.stems - self.context

    @property
    def topic(self) -> str:
        """What to search for inside the named documents: the question minus its naming."""
        return " ".join(self.topic_words) or self.text

    @property
    def document_ids(self) -> tuple[int, ...]:
        return self.named.document_ids


def asking_sentence(question: str) -> str:
    sentences = split_sentences(question)
    asking = [s for s in sentences if s.rstrip().endswith("?")]
    return (asking or sentences or [question])[-1]


# Phrases that say how to answer, not what about ("In a sentence or two, why …", "how long").
_ANSWER_FORM = re.compile(
    r"\b(?:in (?:short|brief|a nutshell|a word|one sentence|a sentence or two|a few sentences|"
    r"a few words|plain (?:english|words))|briefly|roughly|exactly|"
    r"how (?:long|often|much|many|far|old|big|large|tall|soon|frequently|quickly)|"
    # "what date does the lease start": the date is what is asked, not a word to find ("Date:")
    r"(?:what|which)\s+(?:date|day|year|month|time|hour)s?(?=\s+(?:is|are|was|were|does|do|did|"
    r"will|would|can|should|has|have|must)\b))\b,?",
    re.IGNORECASE,
)


def analyse(store: Store, question: str, *, follow_up: bool = False) -> Query:
    """`follow_up`: the question is a follow-up read with the questions before it (their words
    count less than in a premise the person wrote into one question)."""
    catalog = document_catalog(store)
    named = name_index(store).named(question)
    # Once a document is named, the words that name it ("LGPL", "2.1", "tutorial", "manual")
    # say which document, not what is asked — unless the document itself uses them only here
    # and there, where they still say where to look ("Normandy" in an article on the Normans).
    candidates: set[str] = set()
    naming: set[str] = set()
    if named.document_ids:
        naming |= DOCUMENT_KIND_STEMS
        names: list[str] = []
        for doc in catalog:
            if doc.document_id in named.document_ids:
                for text in (doc.title, *doc.aliases):
                    candidates |= set(content_stems(text))
                    names.append(text.lower())
        # A name written apart ("Node.js" for "nodejs") goes; the other naming words are judged
        # by how the document uses them ("lsof" everywhere goes, "harbour" here and there stays).
        naming |= named.split_stems
        candidates |= named.name_stems - named.split_stems
        for word in candidates - naming:
            share = term_share(store, word, named.document_ids)
            if share <= RARE_NAME_SHARE or (
                share >= NAMING_SHARE and not _in_a_phrase_of_the_text(store, question, word, names)
            ):
                naming.add(word)
    topic = _ANSWER_FORM.sub(" ", question)
    stems = {s for s in content_stems(topic) if s not in QUESTION_STEMS and s not in naming}
    if not stems - LIGHT_VERB_STEMS:
        # "When does the Lisbon trip start?": once the name is gone nothing but a light verb is
        # left, so the name is what the answer is about after all.
        stems |= {s for s in content_stems(topic) if s in naming and s not in DOCUMENT_KIND_STEMS}
    if not stems:  # "What is the LGPL?" is about the document itself
        stems = set(content_stems(question)) - QUESTION_STEMS
    spelled = _spell_out_acronyms(store, question, stems)
    asked = asking_sentence(question)
    for acronym, written in spelled.items():  # "Who is the Human Resources contact?"
        asked = re.sub(rf"\b{acronym}\b", written, asked)
    answer_type = _expected_answer_of(question, asked)
    if answer_type is None and re.search(
        r"\b(?:which|what)\s+(?:numbered\s+)?(?:section|chapter|part|clause|question number|"
        r"question|entry|heading|"
        r"subsection|appendix)\b",
        asked,
        re.IGNORECASE,
    ):
        answer_type = "section"
    two_part = bool(_TWO_PARTS.search(asked))
    topic_words = tuple(
        dict.fromkeys(
            [*(w for w in words(topic) if stem(w) in stems), *words(" ".join(spelled.values()))]
        )
    )
    in_asking = set(content_stems(_ANSWER_FORM.sub(" ", asked)))
    context = (
        frozenset(s for s in stems if s not in in_asking) if asked != question else frozenset()
    )
    return Query(
        question,
        asked,
        frozenset(stems),
        named,
        answer_type,
        two_part,
        topic_words,
        context,
        FOLLOW_UP_CONTEXT_WEIGHT if follow_up else CONTEXT_WEIGHT,
        follow_up,
        tuple(spelled.values()),
    )


def _in_a_phrase_of_the_text(store: Store, question: str, word: str, names: list[str]) -> bool:
    """The question uses a word of the document's name ("Service Agreement") as the head of a
    phrase the documents write, not as their name: "the customer service phone number" asks
    about customer service, whatever the document is called. A name that only modifies the
    next word ("which lsof revision") is still the name."""
    said = words(question)
    for index, surface in enumerate(said[1:], start=1):
        before = said[index - 1]
        if stem(surface) != word or before.lower() in STOPWORDS:
            continue
        phrase = f"{before} {surface}".lower()
        if not any(phrase in name for name in names) and phrase_occurs(store, phrase):
            return True
    return False


_ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")


def _spell_out_acronyms(store: Store, question: str, stems: set[str]) -> dict[str, str]:
    """A question's acronym the library never writes ("Who is the HR contact?"), spelled out as
    the library writes it ("Human Resources"): its stem in `stems` is replaced by those words.
    Returns each acronym spelled out, with its written form."""
    if question.upper() == question:  # a question in capitals has no acronyms to tell apart
        return {}
    used: dict[str, str] = {}
    for acronym in dict.fromkeys(_ACRONYM.findall(question)):
        key = stem(acronym.lower())
        if key not in stems or phrase_occurs(store, acronym.lower()):
            continue
        written = spelled_out(store, acronym)
        if written:
            stems.discard(key)
            stems.update(content_stems(written[0]))
            used[acronym] = written[0]
    return used


# "And when is it due?", "So, how much …": a conjunction that carries on from the question before.
_CARRYING_ON = re.compile(r"^\s*(?:and|but|also|so|then|plus|or)\b[\s,]*", re.IGNORECASE)
# "What about the deposit?", "And for a child?": asks what the question before asked, of another
# thing, so it expects the same kind of answer.
_SAME_AGAIN = re.compile(
    r"^\s*(?:(?:and|but|or)\s+)?(?:what|how)\s+about\b|^\s*(?:and|but|or)\b", re.IGNORECASE
)


def _expected_answer_of(question: str, asked: str) -> str | None:
    """The kind of answer the asking sentence expects; an elliptic one ("what about X?")
    expects what the question before it did."""
    found = expected_answer(_CARRYING_ON.sub("", asked))
    if found is not None or asked == question or not _SAME_AGAIN.match(asked):
        return found
    before = [s for s in split_sentences(question) if s.rstrip().endswith("?") and s != asked]
    for sentence in reversed(before):
        found = expected_answer(_CARRYING_ON.sub("", sentence))
        if found is not None:
            return found
    return None


def without_section_words(stems: frozenset[str]) -> frozenset[str]:
    return frozenset(s for s in stems if s not in _SECTION_WORDS) or stems
