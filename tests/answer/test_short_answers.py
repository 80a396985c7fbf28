"""The short answer shown first: a typed span copied from the evidence, or a whole model phrase."""

from __future__ import annotations

from nocturne.answer.answer_type import answer_spans
from nocturne.answer.query import Query
from nocturne.answer.short_answers import (
    faithful_phrase,
    number_values,
    rival_sentence,
    trim_quote,
    typed_answer,
    whole_phrase,
)
from nocturne.library.names import NamedDocuments
from nocturne.library.words import content_stems

LEASE_TERM = (
    "1. Term. The lease starts on 1 October 2026 and runs for an initial term of 12 months."
)


def query(text: str, answer_type: str | None) -> Query:
    stems = frozenset(content_stems(text)) - frozenset(content_stems("how when what who long"))
    return Query(text, text, stems, NamedDocuments((), frozenset(), frozenset()), answer_type)


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


WARRANTY = "The motor base has a 7-year limited warranty; the jar has a 2-year warranty."


def test_of_two_spans_the_one_whose_clause_holds_the_questions_words() -> None:
    found = typed_answer(query("How long is the motor base warranty?", "number"), [WARRANTY])
    assert found is not None and (found.span.text, found.ambiguous) == ("7-year", False)
    found = typed_answer(query("How long is the warranty on the jar?", "number"), [WARRANTY])
    assert found is not None and found.span.text == "2-year warranty"
    # What "how many" counts comes first, whatever else the other clause holds.
    counted = (
        "The defense gave up just 308 points, while also leading the league in interceptions "
        "with 24."
    )
    found = typed_answer(query("How many interceptions did the defense have?", "number"), [counted])
    assert found is not None and found.span.text == "24"


def test_who_is_the_one_who_does_it_not_what_it_is_done_with() -> None:
    asked = query("Who will order lumber?", "name")
    found = typed_answer(asked, ["Ben will order lumber from Greenway Supply by May 30."])
    assert found is not None and found.span.text == "Ben"
    asked = query("Who pays for electricity?", "name")
    utilities = "Tenant pays electricity, gas and internet."
    found = typed_answer(asked, [utilities, "5. UTILITIES Landlord pays water."])
    assert found is not None and (found.span.text, found.index) == ("Tenant", 0)
    # A verb the second clause leaves out is shared: what differs decides.
    asked = query("Who waters on Sundays?", "name")
    found = typed_answer(asked, ["Chloe will water on Tuesdays and Fridays; Dev on Sundays."])
    assert found is not None and found.span.text == "Dev"
    # The one before "by" does it in the passive: "fixed by Dev".
    found = typed_answer(query("Who fixed the gate?", "name"), ["The gate was fixed by Dev."])
    assert found is not None and found.span.text == "Dev"


def test_two_answers_that_fit_equally_well_are_ambiguous() -> None:
    sentence = "Adults may borrow 25 items; children may borrow 10 items."
    found = typed_answer(query("How many items may one borrow?", "number"), [sentence])
    assert found is not None and found.ambiguous
    found = typed_answer(query("How many items may children borrow?", "number"), [sentence])
    assert found is not None and (found.span.text, found.ambiguous) == ("10 items", False)


def test_a_sentence_beside_the_first_may_answer_as_well() -> None:
    adults, children = (
        "Adults may borrow up to 25 items at a time.",
        "Children's cards allow 10 items.",
    )
    child = query("How many items can a child borrow?", "number")
    assert rival_sentence(child, adults, [children]) == 0  # "child" is only in the second
    adult = query("How many items can an adult borrow?", "number")
    assert rival_sentence(adult, adults, [children]) is None
    assert rival_sentence(child, adults, ["Lost items are billed at their cost."]) is None


def test_a_start_date_does_not_answer_when_something_else_happened() -> None:
    term = "1. TERM The lease begins on April 1, 2025 and ends on March 31, 2026."
    asked = Query(
        "When was the lease signed?",
        "When was the lease signed?",
        frozenset({"sign"}),  # "lease" names the document
        NamedDocuments((), frozenset(), frozenset()),
        "date",
    )
    assert typed_answer(asked, ["Signed: Harbor View Properties LLC.", term]) is None
    found = typed_answer(query("When does the lease begin?", "date"), [term])
    assert found is not None and found.span.text == "April 1, 2025"


def test_a_phrase_keeps_only_what_the_evidence_says_as_it_writes_it() -> None:
    rent = "The monthly rent is 1,250 euros, due on the first day of each month."
    asked = "What is the rent?"
    assert faithful_phrase("1.250 euros", rent, None, asked) == "1,250 euros"  # its form
    assert faithful_phrase("2.500 euros", rent, None, asked) == ""  # not its number
    assert faithful_phrase("The deposit is 1,250 euros", rent, None, asked) == ""  # not its word
    assert faithful_phrase("monthly rent is 1,250 euros", rent, None, asked) == (
        "monthly rent is 1,250 euros"
    )
    assert number_values("2.500") == number_values("2,500") == {2500.0, 2.5}
    assert number_values("2.5") == {2.5}


def test_a_phrase_without_the_literal_asked_for_goes() -> None:
    wifi = "Free Wi-Fi is available in all branches; the network name is RPL-Public."
    asked = "What is the Wi-Fi network name?"
    assert faithful_phrase("The network name is the Wi-Fi network.", wifi, None, asked) == ""
    assert faithful_phrase("The network name is RPL-Public.", wifi, None, asked) == (
        "The network name is RPL-Public."
    )
    # A question that asks for no literal keeps a phrase in the evidence's words.
    assert faithful_phrase("available in all branches", wifi, None, "Where is Wi-Fi?") == (
        "available in all branches"
    )


BAGS = "Extra checked bags cost EUR 45 when booked online or EUR 70 at the airport."


def test_of_two_amounts_in_one_clause_the_one_whose_part_holds_the_distinguishing_words() -> None:
    found = typed_answer(query("How much does an extra bag cost at the airport?", "number"), [BAGS])
    assert found is not None and (found.span.text, found.ambiguous) == ("EUR 70", False)
    found = typed_answer(query("How much is an extra bag booked online?", "number"), [BAGS])
    assert found is not None and (found.span.text, found.ambiguous) == ("EUR 45", False)
    # Nothing of the question tells the two apart: no short answer, the quote shows both.
    found = typed_answer(query("How much does an extra bag cost?", "number"), [BAGS])
    assert found is not None and found.ambiguous


def test_a_part_shares_what_it_leaves_out_with_the_first() -> None:
    # The verb left out: "children EUR 5" is what children pay.
    fees = "Adults pay EUR 10, children EUR 5."
    found = typed_answer(query("How much do children pay?", "number"), [fees])
    assert found is not None and (found.span.text, found.ambiguous) == ("EUR 5", False)
    found = typed_answer(query("How much do adults pay?", "number"), [fees])
    assert found is not None and (found.span.text, found.ambiguous) == ("EUR 10", False)
    found = typed_answer(query("How much does a ticket cost?", "number"), [fees])
    assert found is not None and found.ambiguous
    # The subject shared: the library was renovated in spring 2025.
    library = "The library was built in 1920 and renovated in spring 2025."
    found = typed_answer(query("When was the library renovated?", "date"), [library])
    assert found is not None and (found.span.text, found.ambiguous) == ("spring 2025", False)
    found = typed_answer(query("When was the library built?", "date"), [library])
    assert found is not None and (found.span.text, found.ambiguous) == ("1920", False)


def test_candidates_in_one_part_or_names_in_a_list_are_not_ambiguous() -> None:
    deposit = "The Tenant pays a security deposit equal to two months' rent: 2,500 euros."
    found = typed_answer(query("How much is the security deposit?", "number"), [deposit])
    assert found is not None and (found.span.text, found.ambiguous) == ("2,500 euros", False)
    title = "Ada Lovelace · Analytical Engines Ltd, London"
    found = typed_answer(query("Who wrote the manual?", "name"), [title])
    assert found is not None and (found.span.text, found.ambiguous) == ("Ada Lovelace", False)


def test_the_short_answer_is_the_whole_value() -> None:
    bag = "Cabin bags may measure up to 55 x 40 x 23 cm."
    found = typed_answer(query("What are the maximum cabin bag dimensions?", "number"), [bag])
    assert found is not None and found.span.text == "55 x 40 x 23 cm"
    renovated = "The library was renovated in spring 2025."
    found = typed_answer(query("When did the renovation take place?", "date"), [renovated])
    assert found is not None and found.span.text == "spring 2025"


def test_a_clock_time_a_date_or_a_bare_span_of_time_is_no_amount() -> None:
    """ "How much does the trip cost?" got "8:00 am"; "how much is the refund if I cancel 45
    days before" got "60 and 30 days" instead of "50 percent"."""
    trip = "Event Year 6 trip: Date Thursday 14 November; Time Coach leaves at 8:00 am."
    due = "Payment is due by Friday 8 November."
    assert typed_answer(query("How much does the trip cost?", "number"), [trip, due]) is None
    refund = "If you cancel between 60 and 30 days before departure, 50 percent is refunded."
    asked = query("How much is the refund if I cancel 45 days before departure?", "number")
    found = typed_answer(asked, [refund])
    assert found is not None and found.span.text == "50 percent"
    fee = "The plan costs 24.99 EUR per month."
    found = typed_answer(query("What is the fee?", "number"), [fee])
    assert found is not None and found.span.text == "24.99 EUR per month"
    # A question about time keeps its times.
    found = typed_answer(query("How long does the trip take?", "number"), ["It takes 3 hours."])
    assert found is not None and found.span.text == "3 hours"
