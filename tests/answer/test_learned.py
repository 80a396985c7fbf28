"""Learned mode: a short answer from the best retrieved sentence (a typed span copied from it,
or the model's phrase if the sentence supports it), always quoting that sentence."""

from __future__ import annotations

import pytest

from nocturne.answer.learned import (
    BRIEF_MAX_CHARS,
    LEARNED_SYSTEM,
    SHORT_ANSWER_TOKENS,
    answer_learned,
    choose_passage,
    clean_short_answer,
    is_supported,
    learned_messages,
    learned_version,
    library_brief,
    quote,
    supporting_sentence,
    system_message,
)
from nocturne.answer.query import Query
from nocturne.answer.retrieval import Evidence, Retrieval
from nocturne.library.learned_notes import Source
from nocturne.library.names import NamedDocuments
from nocturne.library.words import content_stems

from .conftest import Library
from fakes.engine import FakeEngine

SOURCE = Source(1, 1, "Super_Bowl_50.md", "/docs/Super_Bowl_50.md", 2)
MANNING = Evidence(
    "Peyton Manning threw for 2,249 yards in the regular season.", SOURCE, 0.8, 1.0, "chunk"
)
BRONCOS = Evidence(
    "The Broncos defeated the Pittsburgh Steelers in the divisional round.",
    SOURCE,
    0.5,
    0.7,
    "fact",
)


def typed_query(text: str, answer_type: str | None) -> Query:
    stems = frozenset(content_stems(text)) - frozenset(content_stems("how what who many"))
    return Query(text, text, stems, NamedDocuments((), frozenset()), answer_type)


def test_the_models_phrase_is_cleaned_of_labels_quotes_and_trailing_commas() -> None:
    assert clean_short_answer('  "Answer: 308 points," ') == "308 points"
    assert clean_short_answer("The answer is  Canberra.") == "Canberra."
    assert clean_short_answer("A: the Broncos;") == "the Broncos"


def test_a_phrase_is_supported_when_nearly_all_its_words_are_in_the_passage() -> None:
    passage = [MANNING]
    assert is_supported("2,249 yards", passage)
    assert is_supported("Manning threw 2,249 yards in regular season", passage)
    assert not is_supported("2,249 yards and 12 touchdowns in the playoffs", passage)
    assert not is_supported("", passage)
    assert not is_supported("The passage does not say how many yards", passage)


def test_the_supporting_sentence_shares_most_words_with_the_phrase() -> None:
    assert supporting_sentence("Pittsburgh Steelers", [MANNING, BRONCOS]) is BRONCOS
    assert supporting_sentence("nothing shared", [MANNING, BRONCOS]) is MANNING  # a tie: the best


def test_the_passage_is_the_best_sentence() -> None:
    assert choose_passage([MANNING, BRONCOS]) == [MANNING]
    assert choose_passage([]) == []


def test_the_prompt_is_the_brief_the_passage_and_the_question() -> None:
    assert system_message("") == {"role": "system", "content": LEARNED_SYSTEM}
    messages = learned_messages("Two documents.", [MANNING], "What did Manning throw for?")
    assert messages == [
        {"role": "system", "content": f"{LEARNED_SYSTEM}\nLibrary: Two documents."},
        {
            "role": "user",
            "content": "Passage: Peyton Manning threw for 2,249 yards in the regular season.\n"
            "Question: What did Manning throw for?",
        },
    ]


def test_a_followed_reference_is_quoted_after_where_it_led() -> None:
    followed = Evidence("It is kept for thirty days.", SOURCE, 1, 1, "followed", lead="6.3: ")
    assert quote(followed) == "6.3: “It is kept for thirty days.”"
    assert quote(MANNING) == "“Peyton Manning threw for 2,249 yards in the regular season.”"


def test_the_brief_is_the_digests_else_the_documents_names(library: Library) -> None:
    assert library_brief(library.store) == "Documents: Nikola_Tesla.md, Super_Bowl_50.md"
    library.add_note(
        "library_brief", "Two   documents:\n football and Tesla.", ["Nikola_Tesla.md#1"]
    )
    assert library_brief(library.store) == "Two documents: football and Tesla."
    assert library_brief(library.store, use_notes=False).startswith("Documents: ")
    library.add_note("library_brief", "word " * 100, ["Nikola_Tesla.md#1"])
    long = library_brief(library.store)
    assert len(long) == BRIEF_MAX_CHARS and long.endswith("…")


def test_an_empty_library_has_no_brief(store) -> None:  # type: ignore[no-untyped-def]
    assert library_brief(store) == ""


def test_the_learned_version_changes_with_the_notes(library: Library) -> None:
    before = learned_version(library.store)
    assert learned_version(library.store) == before
    note = library.add_note("fact", "Tesla worked for Edison.", ["Nikola_Tesla.md#1"])
    added = learned_version(library.store)
    assert added != before
    library.store.conn.execute("UPDATE notes SET stale = 1 WHERE id = ?", (note,))
    assert learned_version(library.store) not in (before, added)


def test_a_typed_span_in_the_evidence_is_the_answer_without_the_model() -> None:
    question = "How many yards did Peyton Manning throw for?"
    retrieval = Retrieval(question, evidence=[MANNING], query=typed_query(question, "number"))
    engine = FakeEngine(["should not be asked"])
    streamed: list[str] = []
    outcome = answer_learned(engine, retrieval, "", 64, streamed.append)
    assert engine.calls == []
    assert (outcome.short_answer, outcome.supported, outcome.quote) == (
        "2,249 yards",
        True,
        MANNING,
    )
    assert outcome.text == (
        "2,249 yards — “Peyton Manning threw for 2,249 yards in the regular season.”"
    )
    assert streamed == [outcome.text]  # sent once, when final
    assert (outcome.prompt_tokens, outcome.completion_tokens) == (0, 0)


def test_the_models_phrase_is_kept_only_when_the_passage_supports_it() -> None:
    retrieval = Retrieval("What did Peyton Manning throw for?", evidence=[MANNING, BRONCOS])
    engine = FakeEngine(["2,249 yards"])
    outcome = answer_learned(engine, retrieval, "Two documents.", 64)
    assert [c.purpose for c in engine.calls] == ["answer:learned"]
    options = engine.calls[0].options
    assert (options.max_tokens, options.stop) == (SHORT_ANSWER_TOKENS, ("\n",))
    assert "Passage: Peyton Manning" in engine.calls[0].messages[-1]["content"]
    assert outcome.text.startswith("2,249 yards — “Peyton Manning")
    # As the engine counted them ("2", ",", "249", "yards").
    assert outcome.prompt_tokens > 0 and outcome.completion_tokens == 4
    invented = answer_learned(FakeEngine(["a regex engine"]), retrieval, "", 64)
    assert (invented.short_answer, invented.supported) == ("", False)
    assert invented.text == quote(MANNING)


def test_a_small_answer_budget_caps_the_phrase() -> None:
    engine = FakeEngine(["2,249 yards"])
    answer_learned(engine, Retrieval("q", evidence=[MANNING]), "", 4)
    assert engine.calls[0].options.max_tokens == 4


@pytest.mark.parametrize("where", ["first", "second"])
def test_a_second_piece_of_evidence_is_quoted_after_the_first(where: str) -> None:
    question = "How many yards did Manning throw, and whom did the Broncos defeat?"
    first, second = (MANNING, BRONCOS) if where == "first" else (BRONCOS, MANNING)
    retrieval = Retrieval(
        question, evidence=[first], second=second, query=typed_query(question, "number")
    )
    outcome = answer_learned(FakeEngine(), retrieval, "", 64)
    assert outcome.short_answer == "2,249 yards"  # from whichever piece holds a number
    assert outcome.quote is MANNING and outcome.second is second
    assert outcome.text == f"2,249 yards — “{first.text}” … “{second.text}”"


def test_when_two_answers_fit_as_well_both_are_quoted_and_none_is_picked() -> None:
    question = "How many items can a child borrow?"
    faq = Source(2, 3, "library-faq.html", "/docs/library-faq.html", None)
    adults = Evidence("Adults may borrow up to 25 items at a time.", faq, 0.67, 1.0, "chunk")
    children = Evidence("Children's cards allow 10 items.", faq, 0.29, 0.6, "chunk")
    retrieval = Retrieval(
        question, evidence=[adults, children], query=typed_query(question, "number")
    )
    engine = FakeEngine(["25 items"])
    outcome = answer_learned(engine, retrieval, "", 64)
    assert engine.calls == []  # the model would only pick one at random
    assert (outcome.short_answer, outcome.supported) == ("", False)
    assert outcome.text == f"“{adults.text}” … “{children.text}”"
    # One sentence with two clauses that fit equally well says as little.
    both = Evidence("Adults may borrow 25 items; children may borrow 10 items.", faq, 1, 1, "chunk")
    asked = "How many items may one borrow?"
    retrieval = Retrieval(asked, evidence=[both], query=typed_query(asked, "number"))
    outcome = answer_learned(FakeEngine(), retrieval, "", 64)
    assert (outcome.short_answer, outcome.text) == ("", f"“{both.text}”")


def test_a_phrase_that_misses_the_literal_the_passage_holds_is_dropped_for_the_quote() -> None:
    faq = Source(2, 3, "library-faq.html", "/docs/library-faq.html", None)
    wifi = Evidence(
        "Free Wi-Fi is available in all branches; the network name is RPL-Public.",
        faq,
        1.0,
        1.0,
        "chunk",
    )
    question = "What is the Wi-Fi network name?"
    retrieval = Retrieval(question, evidence=[wifi], query=typed_query(question, None))
    engine = FakeEngine(["The network name is the global Wi-Fi network."])
    outcome = answer_learned(engine, retrieval, "", 64)
    assert (outcome.short_answer, outcome.supported, outcome.text) == ("", False, quote(wifi))
    kept = answer_learned(FakeEngine(["RPL-Public"]), retrieval, "", 64)
    assert kept.text == f"RPL-Public — {quote(wifi)}"
