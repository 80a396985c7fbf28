"""What kind of answer a question expects, and the spans of a sentence that could be one."""

from __future__ import annotations

import pytest

from nocturne.answer.answer_type import (
    answer_spans,
    expected_answer,
    holds_expected_answer,
    named_numbers,
)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many points did they score?", "number"),
        ("What is the maximum line length?", "number"),
        ("By default, how long is the delay?", "number"),
        ("What year was it built?", "date"),
        ("At what time does the train leave?", "date"),
        ("Who wrote the manual?", "name"),
        ("Which command registers the server?", "code"),
        ("Where are the logs stored?", "code"),
        ("Where do I send a bug report?", "code"),
        ("Why is it slow?", None),
        ("What does the Promises API do?", None),
    ],
)
def test_the_kind_of_answer_a_question_expects(question: str, kind: str | None) -> None:
    assert expected_answer(question) == kind


def test_a_leading_condition_is_not_what_is_asked() -> None:
    assert expected_answer("When a developer goes on vacation, what tag goes in the mail?") is None
    assert expected_answer("When does the lease end?") == "date"
    assert expected_answer("If I upload it, how many days must I wait?") == "number"


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


def test_dates_keep_their_day_and_time_together() -> None:
    sentence = "The office opens on Monday at 09:00 and closes on 24 December 2026."
    assert [s.text for s in answer_spans("date", sentence, "When?")] == [
        "Monday at 09:00",
        "24 December 2026",
    ]


def test_codes_are_what_a_person_types_or_copies() -> None:
    sentence = (
        "Mail bugs to bugs@example.org or run frob --verbose in /usr/share/frob/ with config.ini."
    )
    assert [s.text for s in answer_spans("code", sentence, "Where?")] == [
        "bugs@example.org",
        "--verbose",
        "/usr/share/frob",
        "config.ini",
    ]


def test_spans_keep_their_place_in_the_sentence() -> None:
    sentence = "Then use it 3 times a day."
    (span,) = answer_spans("number", sentence, "How often?")
    assert (span.text, sentence[span.start : span.end]) == ("3 times a day", "3 times a day")


def test_nothing_is_an_answer_to_a_question_of_no_known_kind() -> None:
    assert answer_spans(None, "It is 5 km from the station.", "How far?") == []
    assert answer_spans("section", "It is 5 km from the station.", "How far?") == []
    assert not holds_expected_answer(None, "It is 5 km from the station.", "How far?")


def test_a_name_the_question_already_holds_is_no_answer() -> None:
    sentence = "It was written by Xavier Leroy."
    assert not holds_expected_answer("name", sentence, "What did Xavier Leroy write?")
    assert holds_expected_answer("name", sentence, "Who wrote it?")


def test_numbered_names_are_found_except_at_the_start_of_a_sentence() -> None:
    assert named_numbers("What is the code name of Debian 14 and Python 3.12?") == [
        ("Debian", "14"),
        ("Python", "3.12"),
    ]
    assert named_numbers("Debian 14 is next, after TP 672.") == [("TP", "672")]
    assert named_numbers("what comes after version 2?") == []


def test_a_heading_glued_to_its_sentence_is_no_part_of_a_name() -> None:
    asked = "Who pays for water?"
    spans = answer_spans("name", "5. UTILITIES Landlord pays water, sewer and trash.", asked)
    assert [s.text for s in spans] == ["Landlord"]
    spans = answer_spans("name", "SECURITY DEPOSIT Tenant pays the deposit.", "Who pays it?")
    assert [s.text for s in spans] == ["Tenant"]
    assert [s.text for s in answer_spans("name", "NASA Ames runs it.", "Who runs it?")] == [
        "NASA Ames"
    ]
    # A capital that only starts the sentence is a name when it does what is asked about;
    # a pronoun never is.
    assert not answer_spans("name", "Tenant shall keep the keys.", "Who pays for water?")
    assert not answer_spans("name", "It was written by nobody.", "Who wrote it?")
    spans = answer_spans("name", "In Hinduism the teacher is a guru.", "Who teaches?")
    assert [s.text for s in spans] == ["Hinduism"]


def test_a_hyphenated_number_keeps_its_noun_only_when_asked_about_it() -> None:
    sentence = "The motor base has a 7-year limited warranty; the jar has a 2-year warranty."
    spans = answer_spans("number", sentence, "How long is the warranty?")
    assert [s.text for s in spans] == ["7-year", "2-year warranty"]


def test_the_digits_of_an_address_are_no_quantity() -> None:
    sentence = "See https://lists.example.org/2012/09/msg00008.html or mail a2@example.org."
    assert answer_spans("number", sentence, "How long must the key be?") == []


def test_what_time_asks_for_the_clock_and_a_named_weekday_is_no_answer() -> None:
    from nocturne.answer.answer_type import answer_spans

    hours = "Friday and Saturday: 10:00 to 17:00"
    spans = answer_spans("date", hours, "What time does the library open on Saturday?")
    assert [s.text for s in spans] == ["10:00", "17:00"]
    # without a weekday in the question, the weekday may well be the answer
    assert [s.text for s in answer_spans("date", "Open Monday to Friday.", "When is it open?")] == [
        "Monday",
        "Friday",
    ]
    # "what time" prefers clock times only when there are some
    season = "It opens on 3 June 2025 for the season."
    assert [s.text for s in answer_spans("date", season, "What time does it open?")] == [
        "3 June 2025"
    ]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What is the address of the apartment?", "place"),
        ("What is the postal address of the club?", "place"),
        ("What is the e-mail address of support?", "code"),
        ("What address do I send bug reports to?", "code"),
    ],
)
def test_a_street_address_is_a_place_an_email_address_code(question: str, expected: str) -> None:
    from nocturne.answer.answer_type import expected_answer

    assert expected_answer(question) == expected


@pytest.mark.parametrize(
    ("sentence", "span"),
    [
        (
            "The lease is for the apartment at 42 Elm Street, Unit 7B, Portland, Oregon 97205.",
            "42 Elm Street, Unit 7B, Portland, Oregon 97205",
        ),
        ("Visit us at 221B Baker Street, London.", "221B Baker Street, London"),
        ("The office is at Rua das Flores 12, Lisbon.", "Rua das Flores 12"),
    ],
)
def test_street_addresses_are_found_whole(sentence: str, span: str) -> None:
    from nocturne.answer.answer_type import answer_spans

    assert [s.text for s in answer_spans("place", sentence, "What is the address?")] == [span]
    assert answer_spans("place", "He spent 3 days on the road.", "What is the address?") == []


def test_where_on_disk_is_answered_by_a_path_not_a_web_address() -> None:
    from nocturne.answer.answer_type import answer_spans

    sentence = (
        "See https://github.com/nodejs/node/pull/33662; history goes to ~/.node_repl_history."
    )
    spans = answer_spans("code", sentence, "Where on disk is the history saved?")
    assert [s.text for s in spans] == ["node_repl_history"]
    assert "https://github.com/nodejs/node/pull/33662" in [
        s.text for s in answer_spans("code", sentence, "Which URL has the change?")
    ]


@pytest.mark.parametrize(
    ("sentence", "span"),
    [
        ("Cabin bags may measure up to 55 x 40 x 23 cm.", "55 x 40 x 23 cm"),
        ("Cabin bags may measure up to 55×40×23 cm.", "55×40×23 cm"),
        ("The print is 55 x 40 cm.", "55 x 40 cm"),
        ("A bag of 55 cm x 40 cm x 23 cm fits.", "55 cm x 40 cm x 23 cm"),
        ("The box is 55x40x23cm.", "55x40x23cm"),
        ("The screen shows 1920 x 1080 pixels.", "1920 x 1080 pixels"),
        ("The board is 2 by 4 m.", "2 by 4 m"),
    ],
)
def test_a_dimension_is_one_span_with_its_unit(sentence: str, span: str) -> None:
    assert [s.text for s in answer_spans("number", sentence, "What are the dimensions?")] == [span]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Delivery takes 3–5 working days.", ["3–5 working days"]),
        ("Delivery takes 3 to 5 days.", ["3 to 5 days"]),
        ("Delivery takes between 3 and 5 days.", ["3 and 5 days"]),
        ("The museum is open 10:00–18:00.", ["10:00–18:00"]),
        ("The race starts at 9:30 am.", ["9:30 am"]),
        ("The flat has 65 square metres.", ["65 square metres"]),
        ("The water tank holds 1.8 litres.", ["1.8 litres"]),
        ("The fee is EUR 1,250.50.", ["EUR 1,250.50"]),
        # a change is two values; "by" between numbers is no dimension without a length
        ("Prices rose from 3 to 5 euros.", ["3", "5 euros"]),
        ("Sales rose in 2021 by 5%.", ["2021", "5%"]),
    ],
)
def test_compound_values_are_not_clipped(sentence: str, expected: list[str]) -> None:
    assert [s.text for s in answer_spans("number", sentence, "How long?")] == expected


def test_dimensions_weights_and_capacities_are_asked_as_numbers() -> None:
    assert expected_answer("What are the maximum cabin bag dimensions?") == "number"
    assert expected_answer("What are the dimensions of the box?") == "number"
    assert expected_answer("What is the maximum weight of a checked bag?") == "number"
    assert expected_answer("What is the capacity of the hall?") == "number"
    assert expected_answer("What is the weighting of the exam?") is None


@pytest.mark.parametrize(
    ("sentence", "span"),
    [
        ("The library was renovated in spring 2025.", "spring 2025"),
        ("Early 2025 the branch reopened.", "Early 2025"),
        ("The branch reopens mid-2025.", "mid-2025"),
        ("It closed in late 2024.", "late 2024"),
        ("It closed in late May.", "late May"),
        ("Results for Q3 2025 are out.", "Q3 2025"),
        ("It grew in the third quarter of 2025.", "the third quarter of 2025"),
        ("The winter 2024/25 timetable applies.", "winter 2024/25"),
        ("The 2024–25 season was long.", "2024–25"),
        ("The museum is open 10:00–18:00.", "10:00–18:00"),
        ("The race starts at 9:30 am.", "9:30 am"),
        ("It is open between 1 May and 30 September.", "1 May and 30 September"),
    ],
)
def test_parts_of_years_and_ranges_are_whole_dates(sentence: str, span: str) -> None:
    assert [s.text for s in answer_spans("date", sentence, "When?")] == [span]


def test_season_words_alone_are_no_dates() -> None:
    assert answer_spans("date", "Visit us in the spring.", "When?") == []
    assert answer_spans("date", "Late fees apply.", "When?") == []
    # "to" between two dates keeps both when either end may be what is asked ...
    closing = [
        s.text for s in answer_spans("date", "Open Monday to Friday.", "When does it close?")
    ]
    assert closing == ["Monday", "Friday"]
    # ... and is one span of days when neither end is asked for ("When is half-term?")
    assert [s.text for s in answer_spans("date", "Open Monday to Friday.", "When?")] == [
        "Monday to Friday"
    ]
    holiday = "Half-term holiday: Monday 28 October to Friday 1 November; school closed."
    assert [s.text for s in answer_spans("date", holiday, "When is half-term?")] == [
        "Monday 28 October to Friday 1 November"
    ]
    starts = [s.text for s in answer_spans("date", holiday, "When does half-term start?")]
    assert starts == ["Monday 28 October", "Friday 1 November"]


def test_a_full_stop_after_a_month_or_am_is_the_sentences() -> None:
    assert [s.text for s in answer_spans("date", "It opens on 3 June.", "When?")] == ["3 June"]
    assert [s.text for s in answer_spans("date", "It opens in May.", "When?")] == ["May"]
    assert [s.text for s in answer_spans("date", "It opens 3 Sept. 2026.", "When?")] == [
        "3 Sept. 2026"
    ]
    assert [s.text for s in answer_spans("date", "It opens at 9 a.m.", "When?")] == ["9 a.m."]


@pytest.mark.parametrize(
    ("sentence", "number"),
    [
        ("For help during your trip call +1 617 555 0142 at any time.", "+1 617 555 0142"),
        ("Report urgent defects to the maintenance line, 030 555 0142.", "030 555 0142"),
        ("Customer service is on 09 70 80 12 34 on weekdays.", "09 70 80 12 34"),
        ("Ring (030) 555-0142 for the office.", "(030) 555-0142"),
    ],
)
def test_a_telephone_number_is_one_whole_span(sentence: str, number: str) -> None:
    """ "+1 617 555 0142" was read as four numbers, and the short answer was "0142"."""
    spans = [s.text for s in answer_spans("number", sentence, "What number do I call?")]
    assert number in spans, spans


def test_numbers_side_by_side_that_are_no_telephone_number_stay_apart() -> None:
    spans = [s.text for s in answer_spans("number", "Between 10 and 20 people came in 2019.", "")]
    assert "2019" in spans
    fees = "The plan costs 24.99 EUR per month and the handset 480.00 EUR."
    assert [s.text for s in answer_spans("number", fees, "")] == [
        "24.99 EUR per month",
        "480.00 EUR",
    ]


def test_days_are_nobodys_names_and_a_title_ends_no_sentence() -> None:
    """ "Who runs chess club?" got "Mondays"; "run by Mrs. Okoye" gave "Mrs"."""
    club = "Chess club: Mondays, 3:15 pm to 4:15 pm, with Mr. Patel, free."
    assert [s.text for s in answer_spans("name", club, "Who runs chess club?")] == ["Mr. Patel"]
    fair = "The Science Fair takes place on Thursday 14 November, run by Mrs. Okoye."
    assert "Mrs. Okoye" in [s.text for s in answer_spans("name", fair, "Who runs the fair?")]


def test_a_measure_asked_for_is_a_number_of_that_measure() -> None:
    """ "What temperature do I bake the biscotti at?" took "1 teaspoon" from the ingredients,
    and "What is the customer service phone number?" expected no kind of answer at all."""
    asked = "What temperature do I bake the biscotti at?"
    assert expected_answer(asked) == "number"
    assert not answer_spans("number", "Ingredient Baking powder: Amount 1 teaspoon.", asked)
    oven = "Bake the logs at 170 °C for 25 minutes, slice them 1 cm thick."
    assert [s.text for s in answer_spans("number", oven, asked)] == ["170 °C"]
    phone = "What is the customer service phone number?"
    assert expected_answer(phone) == "number"
    assert not answer_spans("number", "Customer number: 4471 and 982 points.", phone)
    service = "Customer service is available on 09 70 80 12 34, Monday to Saturday."
    assert [s.text for s in answer_spans("number", service, phone)] == ["09 70 80 12 34"]
    speed = [s.text for s in answer_spans("number", "It reaches 180 km/h.", "What speed?")]
    assert speed == ["180 km/h"]


def test_a_price_asked_for_is_a_price() -> None:
    """ "How much does the plan cost per month?" took "80 GB" of mobile data."""
    asked = "How much does the plan cost per month?"
    assert not answer_spans("number", "The plan includes 80 GB of mobile data per month.", asked)
    fee = [s.text for s in answer_spans("number", "The monthly fee is 24.99 EUR.", asked)]
    assert fee == ["24.99 EUR"]
    # How long one has to pay is a time, whatever it is paid for.
    late = answer_spans(
        "number", "You have 14 days to pay the fee.", "How long do I have to pay the fee?"
    )
    assert [s.text for s in late] == ["14 days"]
