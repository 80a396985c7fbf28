"""The short answer shown first: a typed span copied from the evidence, or a whole model phrase."""

from __future__ import annotations

import pytest

from nocturne.answer.answer_type import answer_spans, holds_expected_answer
from nocturne.answer.query import Query
from nocturne.answer.short_answers import trim_quote, typed_answer, whole_phrase
from nocturne.library.names import NamedDocuments
from nocturne.library.words import content_stems

LEASE_TERM = (
    "1. Term. The lease starts on 1 October 2026 and runs for an initial term of 12 months."
)


def query(text: str, answer_type: str | None) -> Query:
    stems = frozenset(content_stems(text)) - frozenset(content_stems("how when what who long"))
    return Query(text, text, stems, NamedDocuments((), frozenset(), frozenset()), answer_type)


@pytest.mark.parametrize(
    ("kind", "sentence", "question", "expected"),
    [
        (
            "number",
            "The Tenant pays a security deposit equal to two months' rent: 2,500 euros.",
            "How much is the security deposit?",
            ["two months", "2,500 euros"],
        ),
        ("number", "Descale the machine every 2 months.", "How often?", ["every 2 months"]),
        ("number", "Uploads are moved four times a day.", "How often?", ["four times a day"]),
        ("number", "Use 4-space indentation.", "How should I indent?", ["4-space indentation"]),
        ("date", "TP 672 leaves Lisbon on Monday at 18:40.", "When?", ["Monday at 18:40"]),
        ("code", "Register it with regsvr32.", "Which command?", ["regsvr32"]),
        ("name", "It was written by Xavier Leroy.", "Who wrote it?", ["Xavier Leroy"]),
    ],
)
def test_spans_of_the_kind_asked_for_keep_their_unit(
    kind: str, sentence: str, question: str, expected: list[str]
) -> None:
    assert [s.text for s in answer_spans(kind, sentence, question)] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("For Python, PEP 8 has emerged as the style guide.", []),  # a name, not a quantity
        ("UTF-8, or even plain ASCII, works best.", []),
        ("It runs on Debian 13 with 2 kernels.", ["2 kernels"]),
        ("See section 4 for the 3 steps.", ["3 steps"]),
        ("If you do not have a key yet, generate one.", []),  # a pronoun
        ("The latter two of these also stop it.", []),
        ("Over 30 people came.", ["30 people"]),  # a capital that only starts the sentence
        ("It keeps ten lines.", ["ten lines"]),
        ("Once the upload is accepted, it is copied.", []),  # a conjunction
        ("They came in the 10th century.", ["10th century"]),  # never "10" of "10th"
        ("The abbey was built in 1038–40 by monks.", ["1038–40"]),  # the whole range
        ("It has a 4K screen.", []),  # the front of a word is no number
        ("It is copied once a week.", ["once a week"]),
    ],
)
def test_numbers_that_name_or_stand_for_a_noun_are_no_quantities(
    sentence: str, expected: list[str]
) -> None:
    assert [s.text for s in answer_spans("number", sentence, "How many?")] == expected


def test_verbs_and_markers_are_not_answers() -> None:
    # "may" is a verb here, not the month; "5." and "[1]" are list and footnote marks.
    assert not holds_expected_answer("date", "5. Notice. The Tenant may end the lease.", "When?")
    assert not holds_expected_answer("number", "[1] A new table is created.", "How many?")
    assert holds_expected_answer("date", "It opens on 3 May 2027.", "When does it open?")
    # A number the question already holds is no answer to it.
    assert not holds_expected_answer("number", "Debian 13 is stable.", "What is Debian 13?")


def test_the_span_nearest_what_was_asked_wins() -> None:
    found = typed_answer(query("How long does the lease run?", "number"), [LEASE_TERM])
    assert found is not None and found.span.text == "12 months"


def test_a_start_date_does_not_answer_when_something_ends() -> None:
    assert typed_answer(query("When does the lease end?", "date"), [LEASE_TERM]) is None
    found = typed_answer(query("When does the lease start?", "date"), [LEASE_TERM])
    assert found is not None and found.span.text == "1 October 2026"


def test_the_second_piece_gives_the_span_only_when_the_first_has_none() -> None:
    asked = query("How many lines of history are kept?", "number")
    found = typed_answer(asked, ["Maximum number of history lines kept.", "Default: 30."])
    assert found is not None and (found.span.text, found.index) == ("30", 1)


def test_a_phrase_stopped_by_the_cap_is_cut_back_to_a_clause_or_dropped() -> None:
    quote = "The return flight TP 672 leaves Lisbon on Monday at 18:40."
    assert whole_phrase("TP 672, leaving Lisbon at 18", True, quote) == "TP 672"
    assert whole_phrase("leaves at 18", True, quote) == ""
    assert whole_phrase("TP 672", False, quote) == "TP 672"


def test_filler_and_restatements_go() -> None:
    quote = "The water tank holds 1.8 litres."
    assert whole_phrase("1.8 litres, which is the answer to the question", False, quote) == (
        "1.8 litres"
    )
    assert whole_phrase("The answer is 1.8 litres", False, quote) == "1.8 litres"
    long_quote = "Descale the machine every two months with the descaling solution."
    assert (
        whole_phrase("Descale the machine every two months with solution", False, long_quote) == ""
    )


def test_a_long_quote_is_trimmed_to_the_clauses_around_the_answer() -> None:
    text = (
        "This section applies to all uploads, whatever their size or urgency, "
        "and it is meant to be read together with the rest of the chapter, "
        "which explains in detail how the archive software processes each package, "
        "but the waiting time for objections is seven days, "
        "after which the upload proceeds unless somebody has objected in writing, "
        "in which case the matter is discussed on the mailing list before anything else happens, "
        "and the people who objected are asked to explain what they expect to change first."
    )
    asked = frozenset(content_stems("how long is the waiting time for objections"))
    trimmed = trim_quote(text, asked)
    assert "seven days" in trimmed and len(trimmed) <= 310
    assert trimmed.startswith("… ") and trimmed.endswith(" …")
    assert trim_quote("Short.", asked) == "Short."
    ordinary = "A sentence of ordinary length, " * 12  # up to 450 characters stay whole
    assert trim_quote(ordinary, asked) == ordinary


def test_a_version_is_a_number_whatever_names_the_program() -> None:
    from nocturne.answer.answer_type import expected_answer

    assert expected_answer("In which Node.js version was the Promises API added?") == "number"
    assert expected_answer("Which section number deals with signing?") is None
    assert [s.text for s in answer_spans("number", "added: v17.0.0", "Which version?")] == [
        "v17.0.0"
    ]


def test_names_are_names_not_defined_terms_headings_or_months() -> None:
    lease = (
        "This lease agreement is made on 1 September 2026 between Willow Lane Properties B.V. "
        "(the Landlord) and Sam Okafor (the Tenant) for the apartment."
    )
    assert [s.text for s in answer_spans("name", lease, "Who is the landlord?")] == [
        "Willow Lane Properties B.V.",
        "Sam Okafor",
    ]
    assert not answer_spans("name", "9. Pets. Small pets need the Landlord's consent.", "Who?")
    assert not answer_spans("name", "Subletting the Premises needs consent.", "Who decides?")
    found = typed_answer(query("Who is the landlord?", "name"), [lease])
    assert found is not None and found.span.text == "Willow Lane Properties B.V."


def test_of_two_names_the_one_beside_the_asked_word() -> None:
    lease = "It is between Willow Lane Properties B.V. (the Landlord) and Sam Okafor (the Tenant)."
    found = typed_answer(query("Who is the tenant?", "name"), [lease])
    assert found is not None and found.span.text == "Sam Okafor"
