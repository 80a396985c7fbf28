"""How an answer reads to a person: its badge, confidence, savings line and hints, the same
words in the CLI and the window."""

from __future__ import annotations

from dataclasses import replace

import pytest

from nocturne.answer.plain import (
    DIGEST_HINT,
    INSTANT,
    LEARNED,
    LOW_CONFIDENCE,
    NO_ANSWER,
    NO_SUMMARY_YET,
    NOT_IN_DOCUMENTS,
    OWN_SENTENCES,
    PENDING_ROUTE,
    _money,
    badge,
    confidence_text,
    plain_output,
    savings_line,
    streamed_display,
)
from nocturne.answer.result import Answer, Savings, SleepShare, Timing
from nocturne.engine.base import Usage

LEARNED_ANSWER = Answer(
    answer="308 points",
    mode="learned",
    citations=[],
    usage=Usage(90, 10),
    baseline=Usage(950, 50),
    baseline_method="raw-bm25-prompt-tokenized",
    savings=Savings(900, 10.0, 0.00225, 0.0025),
    timing=Timing(0.12, 0.5),
    sleep=SleepShare(0, 0.0),
    route="learned",
    learned_evidence=True,
)


def test_the_badge_is_the_mode_of_a_real_answer_only() -> None:
    assert badge("learned", "learned") == "learned"
    assert badge("instant", "abstain", abstained=True) == NO_ANSWER  # nothing anticipated it
    assert badge("learned", "abstain") == NOT_IN_DOCUMENTS
    assert badge("learned", "", abstained=True) == NOT_IN_DOCUMENTS
    assert badge("learned", PENDING_ROUTE) == NO_SUMMARY_YET


def test_confidence_in_words() -> None:
    assert confidence_text("high") == "high confidence"
    assert confidence_text("medium") == "medium confidence"
    assert confidence_text("low") == LOW_CONFIDENCE


def test_a_learned_answer_says_what_it_read_instead_of_the_documents() -> None:
    assert savings_line(LEARNED_ANSWER) == (
        f"{LEARNED}: 100 tokens instead of 1,000 (10× fewer), 0.50 s · $0.00025 instead of $0.0025."
    )
    before_digest = replace(LEARNED_ANSWER, learned_evidence=False)
    assert savings_line(before_digest).startswith(f"{OWN_SENTENCES}: ")


def test_the_time_saved_when_the_reading_speed_is_known() -> None:
    line = savings_line(LEARNED_ANSWER, seconds_per_token=0.003)
    assert ", 0.50 s instead of about 3 s · " in line
    quick = savings_line(LEARNED_ANSWER, seconds_per_token=0.001)
    assert ", 0.50 s instead of about 1.0 s · " in quick
    # Reading would have taken about as long: no "0.50 s instead of about 0.5 s".
    same = savings_line(LEARNED_ANSWER, seconds_per_token=0.0005)
    assert ", 0.50 s, no faster than reading them (about 0.5 s) · " in same


def test_an_answer_without_a_model_call_says_so() -> None:
    quoted = replace(LEARNED_ANSWER, usage=Usage(), route="compare", mode="learned")
    assert savings_line(quoted).startswith(
        "Compared from both documents: no model needed (reading the documents: 1,000 tokens), "
        "0.50 s"
    )
    # Its ratio (1,000 over at least one token) is a bound, not a number of times: not shown.
    assert "×" not in savings_line(replace(quoted, savings=Savings(1000, 1000.0, 0.0025, 0.0025)))
    unknown_route = replace(quoted, route="outline")
    assert savings_line(unknown_route).startswith("Quoted from your documents: ")
    modelled = replace(LEARNED_ANSWER, route="outline")
    assert savings_line(modelled).startswith("Answered by the model from a short passage: ")


def test_instant_raw_pending_and_abstaining_answers_have_lines_of_their_own() -> None:
    instant = replace(
        LEARNED_ANSWER, mode="instant", route="instant", usage=Usage(), timing=Timing(0, 0.004)
    )
    assert savings_line(instant) == (
        f"{INSTANT}: no model needed, 0.00 s (reading the documents: 1,000 tokens)."
    )
    raw = replace(LEARNED_ANSWER, mode="raw", route="raw", timing=Timing(1, 12.4))
    assert savings_line(raw) == (
        "Read the documents themselves: 100 tokens in 12 s (the full cost; nothing saved)."
    )
    pending = replace(LEARNED_ANSWER, route=PENDING_ROUTE, usage=Usage())
    assert savings_line(pending) == "No summary yet, so nothing saved."
    refused = replace(LEARNED_ANSWER, route="abstain", abstained=True)
    assert savings_line(refused) == "No answer, so nothing saved (100 tokens read, 0.50 s)."
    assert savings_line(replace(refused, usage=Usage(1, 0))) == (
        "No answer, so nothing saved (1 token read, 0.50 s)."
    )
    assert savings_line(replace(refused, usage=Usage())) == "No answer, so nothing saved."


@pytest.mark.parametrize(
    ("saved", "spent"),
    [
        (0.0025, "$0"),
        (0.0024993, "under $0.000001"),
        (0.00243, "$0.00007"),
    ],
)
def test_tiny_amounts_of_money_stay_readable(saved: float, spent: str) -> None:
    answer = replace(LEARNED_ANSWER, savings=Savings(900, 10.0, saved, 0.0025))
    assert f" · {spent} instead of $0.0025." in savings_line(answer)


def test_tiny_amounts_are_written_as_money_not_exponents() -> None:
    assert _money(7.0e-05) == "$0.00007"
    assert _money(4.7e-07) == "under $0.000001"
    assert _money(0.0029) == "$0.0029"


def test_an_answer_dearer_than_reading_the_documents_says_so() -> None:
    """Its share of the digest outweighed what it saved: not "$0.00055 instead of $0.0005"."""
    dearer = replace(
        LEARNED_ANSWER,
        savings=Savings(900, 10.0, -0.00005, 0.0005),
        sleep=SleepShare(1000, 1000.0),
    )
    line = savings_line(dearer)
    assert " · $0.00055 with its share of the digest, more than reading the documents " in line
    assert "($0.0005). Counts all 1,000 tokens" in line
    assert "instead of $0.0005" not in line
    # Dearer by its own reading alone (no digest share): the same words without the share.
    reading = replace(dearer, sleep=SleepShare(0, 0.0))
    assert savings_line(reading).endswith(" · $0.00055, more than reading the documents ($0.0005).")
    # Saved nothing at all: it cost what reading the documents would have.
    same = replace(LEARNED_ANSWER, savings=Savings(900, 10.0, 0.0, 0.0025))
    assert savings_line(same).endswith(" · $0.0025, as much as reading the documents.")


def test_the_digest_share_is_all_of_it_at_the_first_question_then_a_part() -> None:
    first = replace(LEARNED_ANSWER, sleep=SleepShare(1000, 1000.0))
    assert savings_line(first).endswith(
        " Counts all 1,000 tokens spent learning these documents (the first question about them)."
    )
    later = replace(LEARNED_ANSWER, sleep=SleepShare(1000, 333.33))
    assert savings_line(later).endswith(
        " Counts 333 of the 1,000 tokens spent learning these documents, shared with the other "
        "questions about them."
    )


def test_the_plain_output_lines() -> None:
    assert plain_output(replace(LEARNED_ANSWER, confidence="low")) == [
        f"learned · {LOW_CONFIDENCE}",
        savings_line(LEARNED_ANSWER),
    ]
    refused = replace(LEARNED_ANSWER, route="abstain", abstained=True, usage=Usage())
    assert plain_output(refused) == [NOT_IN_DOCUMENTS, "No answer, so nothing saved."]
    pending = replace(LEARNED_ANSWER, route=PENDING_ROUTE, usage=Usage())
    assert plain_output(pending) == [
        NO_SUMMARY_YET,
        "No summary yet, so nothing saved.",
        DIGEST_HINT,
    ]


def test_a_note_about_the_answer_is_held_back_while_it_streams() -> None:
    assert streamed_display("308 points — “The Panthers") == "308 points — “The Panthers"
    assert streamed_display("308 points\n(not supported by the sources; …)") == "308 points"
    assert streamed_display("308 points\n\n(not") == "308 points"
    assert streamed_display("first line\nsecond line\n") == "first line\nsecond line\n"
