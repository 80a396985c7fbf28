"""`analyse`: which words of a question say what it asks, which only name a document, and what
kind of answer it expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne.answer.query import analyse
from nocturne.library.store import Store
from nocturne.library.words import stem
from nocturne.settings import Settings

from .test_structure_answers import DOCUMENTS, digest, ingest

# A guide that says "harbour" in one of its ten sections: the word names the guide and still
# says where to look inside it.
HARBOUR_PARTS = [
    ("Fuel", "The fuel dock sells diesel from a floating pontoon."),
    ("Office", "The harbour office opens at seven and closes at noon on Sundays."),
    ("Showers", "Showers are free for visiting sailors with a berth ticket."),
    ("Tides", "The sill dries two hours either side of low water."),
    ("Weather", "Forecasts are pinned beside the chandlery door every morning."),
    ("Moorings", "Visitors moor on the long pontoon by the crane."),
    ("Waste", "Rubbish bins stand beside the slipway gate."),
    ("Water", "Fresh water taps are on every finger pontoon."),
    ("Shops", "The chandlery stocks charts, rope and engine spares."),
    ("Buses", "A bus to the station leaves from the quay every hour."),
]
HARBOUR = "# Harbour guide\n\n" + "".join(
    f"## {i} {title}\n\n{text}\n\n" for i, (title, text) in enumerate(HARBOUR_PARTS, 1)
)


@pytest.fixture
def docs(store: Store, settings: Settings, tmp_path: Path) -> dict[str, int]:
    found = ingest(store, settings, tmp_path / "docs", {**DOCUMENTS, "harbour-guide.md": HARBOUR})
    digest(store)
    return found


def test_naming_words_used_throughout_the_document_leave_the_stems(
    store: Store, docs: dict[str, int]
) -> None:
    query = analyse(store, "What is section 4.3 of the Frobtool manual about?")
    assert query.document_ids == (docs["frobtool-manual.md"],)
    assert stem("frobtool") in query.named.name_stems
    assert stem("frobtool") not in query.stems  # in half the manual's chunks: it only names
    assert stem("manual") not in query.stems  # a word for the kind of document
    assert "frobtool" not in query.topic.lower() and "manual" not in query.topic.lower()


def test_a_naming_word_the_document_uses_here_and_there_still_locates(
    store: Store, docs: dict[str, int]
) -> None:
    query = analyse(store, "When does the harbour office open, according to the harbour guide?")
    assert query.document_ids == (docs["harbour-guide.md"],)
    assert stem("harbour") in query.stems  # one section in ten says it: it still says where
    assert stem("guide") not in query.stems
    assert {stem("office"), stem("open")} <= query.stems


def test_no_document_named_keeps_every_content_word(store: Store, docs: dict[str, int]) -> None:
    query = analyse(store, "How long are report files kept?")
    assert query.document_ids == ()
    assert {stem("report"), stem("files"), stem("kept")} <= query.stems
    assert not query.named.name_stems


def test_a_question_about_the_document_itself_keeps_its_name(
    store: Store, docs: dict[str, int]
) -> None:
    query = analyse(store, "What is the Frobtool manual?")
    assert query.document_ids == (docs["frobtool-manual.md"],)
    assert query.stems  # never empty: the question is about the document


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many passes does the frobnicate script make?", "number"),
        ("What's the smallest value of maxRetries in the Fetcher API?", "number"),
        ("What is the default retry delay?", "number"),
        ("When was Gizmo first released?", "date"),
        ("Who gave the first copy of Frobtool away?", "name"),
        ("Which section of the Frobtool manual covers frobnicating?", "section"),
        ("Which clause of the Widget licence concerns porting?", "section"),
        ("Why is Gizmo so slow on network drives?", None),
    ],
)
def test_answer_types(store: Store, docs: dict[str, int], question: str, expected: str) -> None:
    assert analyse(store, question).answer_type == expected


@pytest.mark.parametrize(
    "question",
    ["What's the date on the Widget licence?", "What is the date of the Widget licence?"],
)
def test_whats_the_date_expects_a_date(store: Store, docs: dict[str, int], question: str) -> None:
    assert analyse(store, question).answer_type == "date"


@pytest.mark.parametrize(
    ("question", "two_part"),
    [
        ("Which script rewrites widgets, and how long are report files kept?", True),
        ("What does the unfrob script need and also what does it undo?", True),
        ("How long are report files kept?", False),
        ("Where are bugs and crashes reported?", False),
    ],
)
def test_two_part_questions(
    store: Store, docs: dict[str, int], question: str, two_part: bool
) -> None:
    assert analyse(store, question).two_part is two_part


def test_premise_words_are_context_and_the_last_question_asks(
    store: Store, docs: dict[str, int]
) -> None:
    question = "I ran the frobnicate script on my laptop. How long are the report files kept?"
    query = analyse(store, question)
    assert query.asked == "How long are the report files kept?"
    assert {stem("laptop"), stem("frobnicate")} <= query.context
    assert stem("report") not in query.context and stem("report") in query.stems
    assert query.context <= query.stems  # premise words still count, at half weight
    assert query.answer_type == "number"  # from the asking sentence
    assert analyse(store, "How long are the report files kept?").context == frozenset()


def test_british_spelling_meets_the_american(store: Store, docs: dict[str, int]) -> None:
    assert stem("licence") == stem("license") == stem("licensed")
    query = analyse(store, "Is the program licenced free of charge?")
    assert stem("licensed") in query.stems
    from nocturne.answer.retrieval import retrieve

    best = retrieve(store, query.text, query=query).evidence[0]
    assert "LICENSED FREE OF CHARGE" in best.text


def test_irregular_verbs_meet_their_base_form(store: Store, docs: dict[str, int]) -> None:
    assert stem("gave") == stem("give") == stem("given")
    query = analyse(store, "What did the authors give away at a conference?")
    assert stem("gave") in query.stems
    assert stem("ran") == stem("run")


@pytest.mark.parametrize(
    ("question", "asked_for"),
    [
        ("What date does the licence take effect?", "date"),
        ("What time does the office open?", "time"),
        ("Which year was Gizmo first released?", "year"),
    ],
)
def test_the_kind_of_answer_named_is_not_a_word_to_find(
    store: Store, docs: dict[str, int], question: str, asked_for: str
) -> None:
    query = analyse(store, question)
    assert query.answer_type == "date"
    assert stem(asked_for) not in query.stems  # a "Date:" line elsewhere is no answer


def test_a_date_that_is_the_topic_stays_a_word_to_find(store: Store, docs: dict[str, int]) -> None:
    query = analyse(store, "What is the date of the Widget licence?")
    assert stem("date") in query.stems


def test_an_acronym_the_library_never_writes_is_read_as_the_library_spells_it(
    store: Store,
) -> None:
    from nocturne.library.store import ChunkDraft

    text = (
        "Human Resources: Petra Lindqvist, extension 2210. Report lost equipment to IT at once. "
        "The Works Council meets monthly."
    )
    store.save_document(
        path="/docs/handbook.txt",
        name="handbook.txt",
        kind="text",
        content_hash="h",
        size=1,
        mtime=0,
        pages=None,
        chunks=[ChunkDraft(0, None, text, 30)],
    )
    query = analyse(store, "Who is the HR contact?")
    assert {stem("human"), stem("resources")} <= query.stems and "hr" not in query.stems
    assert query.spelled_out == ("Human Resources",)
    assert query.asked == "Who is the Human Resources contact?"
    assert "Human Resources" in query.search_text
    # an acronym the library writes itself is left as it is
    assert analyse(store, "Who runs IT?").spelled_out == ()
    assert analyse(store, "WHO RUNS THE WC?").spelled_out == ()  # all capitals: no acronyms


SERVICE = """# BrightWave Service Agreement

Customer service is available on 09 70 80 12 34, Monday to Saturday.

The service starts on 15 January 2024. Service charges are paid monthly.

Customer number: BW-4471-982. The service can be ended with one month's notice.
"""


def test_a_naming_word_in_a_phrase_the_text_writes_is_asked_about(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    """ "Customer service" in the question of a "Service Agreement" named by it: "service" was
    taken for the name alone, and "Customer number: BW-4471-982" answered the question."""
    ingest(store, settings, tmp_path / "docs", {"brightwave-service-agreement.md": SERVICE})
    question = "What is the customer service phone number of the service agreement?"
    query = analyse(store, question)
    assert query.document_ids
    assert stem("service") in query.stems
    assert stem("agreement") not in query.stems  # only the name says it


def test_a_name_that_only_modifies_the_next_word_is_still_the_name(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    """ "Which lsof revision added …, according to the FAQ?": "lsof revision" is written in the
    FAQ, but "lsof" names it there; kept as a word to find, it covered half the question."""
    text = "# Frobtool FAQ\n\n" + "".join(
        f"Frobtool revision 4.{n} fixed frobtool bug {n}. " for n in range(1, 8)
    )
    ingest(store, settings, tmp_path / "faq", {"frobtool-faq.md": text})
    query = analyse(store, "Which frobtool revision added colour output, according to the FAQ?")
    assert query.document_ids
    assert stem("frobtool") not in query.stems
