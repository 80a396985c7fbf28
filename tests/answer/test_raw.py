"""Raw mode, the baseline: the best BM25 chunks that fit the context budget, read by the model;
and the same prompt counted, not run, as what every other answer is measured against."""

from __future__ import annotations

from nocturne.answer.ask import ask
from nocturne.answer.intent import EMPTY_LIBRARY
from nocturne.answer.raw import (
    NOT_FOUND,
    RAW_SYSTEM,
    answer_raw,
    baseline_for,
    passage_header,
    rank_citations,
    raw_messages,
    select_context,
)
from nocturne.settings import Settings

from .conftest import Library
from fakes.engine import FakeEngine

QUESTION = "How many points did the Panthers give up?"


def test_the_baseline_is_the_raw_prompt_tokenized_not_run(
    digested: Library, settings: Settings
) -> None:
    engine = FakeEngine(["2,249 yards"])
    question = "What did Peyton Manning throw for?"
    answer = ask(digested.store, engine, question, settings)
    expected, _ = baseline_for(digested.store, engine, question, settings)
    assert answer.baseline == expected
    assert [c.purpose for c in engine.calls] == ["answer:learned"]  # raw was never run


def test_the_context_is_the_best_chunks_that_fit_the_budget(library: Library) -> None:
    engine = FakeEngine()
    question = "Panthers Broncos Tesla"
    everything = select_context(library.store, question, engine, 1000)
    assert sorted(h.chunk_id for h in everything) == sorted(library.chunks.values())
    # Each passage costs its tokens and 12 for its header: the best one that fits comes first.
    best = everything[0]
    assert [h.chunk_id for h in select_context(library.store, question, engine, 40)] == [
        best.chunk_id
    ]
    assert select_context(library.store, question, engine, best.token_count + 11) == []


def test_a_chunk_too_long_for_the_budget_leaves_room_for_smaller_ones(library: Library) -> None:
    library.add_document("Tesla_coils.md", [" ".join(["Tesla coils hum loudly."] * 30)])
    engine = FakeEngine()
    hits = select_context(library.store, "Tesla", engine, 60)
    assert [h.document_name for h in hits] == ["Nikola_Tesla.md"]
    assert [h.document_name for h in select_context(library.store, "Tesla", engine, 500)] == [
        "Tesla_coils.md",
        "Nikola_Tesla.md",
    ]


def test_the_prompt_numbers_its_passages_and_flattens_their_breaks(library: Library) -> None:
    library.add_document("Notes.md", ["Line one of the notes.\n\nLine two of the notes."])
    hits = select_context(library.store, "notes", FakeEngine(), 1000)
    assert passage_header(3, hits[0]) == "[3] Notes.md, page 1"
    messages = raw_messages("What do the notes say?", hits)
    assert messages[0] == {"role": "system", "content": RAW_SYSTEM}
    assert messages[1]["content"] == (
        "Passages:\n[1] Notes.md, page 1\nLine one of the notes. Line two of the notes.\n\n"
        "Question: What do the notes say?"
    )


def test_citations_are_the_passages_sharing_most_words_with_the_answer(
    library: Library,
) -> None:
    hits = select_context(library.store, "Panthers Broncos Tesla", FakeEngine(), 1000)
    cited = rank_citations("Nikola Tesla was born in Smiljan", hits)
    assert [(c.document, c.page) for c in cited] == [("Nikola_Tesla.md", 1)]
    # Nothing in common: the best BM25 passage.
    fallback = rank_citations("Quagga", hits)
    assert [c.chunk_id for c in fallback] == [hits[0].chunk_id]
    assert rank_citations("anything", []) == []


def test_the_model_reads_the_passages_and_streams_its_answer(
    library: Library, settings: Settings
) -> None:
    engine = FakeEngine(["The Panthers gave up 308 points."])
    pieces: list[str] = []
    answer = answer_raw(library.store, engine, QUESTION, settings, pieces.append)
    assert answer.answer == "The Panthers gave up 308 points." == "".join(pieces)
    assert (answer.mode, answer.abstained) == ("raw", False)
    assert [c.purpose for c in engine.calls] == ["answer:raw"]
    assert engine.calls[0].options.max_tokens == settings.max_answer_tokens
    assert [(c.document, c.page) for c in answer.citations] == [("Super_Bowl_50.md", 1)]
    # Raw mode is the baseline: it saves nothing.
    assert answer.baseline == answer.usage and answer.usage.total > 0
    assert (answer.savings.tokens, answer.savings.saved_usd) == (0, 0.0)


def test_a_refusing_reply_is_an_abstention(library: Library, settings: Settings) -> None:
    engine = FakeEngine(["The documents do not say."])
    refused = answer_raw(library.store, engine, QUESTION, settings)
    assert (refused.answer, refused.abstained) == (NOT_FOUND, True)


def test_an_empty_or_filler_reply_gives_the_best_sentence_as_a_best_guess(
    library: Library, settings: Settings
) -> None:
    for reply in ("", "The answer to this question is:", "The answer is:"):
        pieces: list[str] = []
        answer = answer_raw(library.store, FakeEngine([reply]), QUESTION, settings, pieces.append)
        assert answer.answer.startswith("“") and "Panthers" in answer.answer, answer.answer
        assert "308 points" in answer.answer
        assert (answer.abstained, answer.confidence) == (False, "low")
        assert pieces == [answer.answer]  # the filler was never shown
    # No sentence holds half of the question: it says so, as a low answer.
    answer = answer_raw(library.store, FakeEngine([""]), "Panthers mascot colours?", settings)
    assert (answer.answer, answer.abstained, answer.confidence) == (NOT_FOUND, True, "low")
    # A reply that says something streams, filler and all, once it does.
    pieces = []
    engine = FakeEngine(["The answer is: 308 points."])
    answer = answer_raw(library.store, engine, QUESTION, settings, pieces.append)
    assert answer.answer == "The answer is: 308 points." == "".join(pieces)
    assert answer.confidence == "medium"


def test_without_any_matching_passage_the_model_is_not_called(
    library: Library, settings: Settings
) -> None:
    engine = FakeEngine(["Canberra"])
    pieces: list[str] = []
    answer = answer_raw(library.store, engine, "Zebra quagga?", settings, pieces.append)
    assert (answer.answer, answer.abstained, answer.citations) == (NOT_FOUND, True, [])
    assert pieces == [NOT_FOUND]
    assert engine.calls == []
    assert answer.usage.total == answer.baseline.total == 0


def test_the_baseline_is_the_prompt_and_a_full_answer_budget(
    library: Library, settings: Settings
) -> None:
    engine = FakeEngine()
    used, hits = baseline_for(library.store, engine, QUESTION, settings)
    assert used.prompt_tokens == engine.count_prompt_tokens(raw_messages(QUESTION, hits))
    assert used.completion_tokens == settings.max_answer_tokens
    assert engine.calls == []


def test_a_reply_the_passages_do_not_support_is_a_best_guess(
    library: Library, settings: Settings
) -> None:
    engine = FakeEngine(["The Panthers gave up 410 points."])
    answer = answer_raw(library.store, engine, QUESTION, settings)
    assert (answer.answer, answer.confidence) == ("The Panthers gave up 410 points.", "low")


def test_an_empty_library_says_so(store, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    engine = FakeEngine(["Canberra"])
    answer = answer_raw(store, engine, "Who pays for electricity?", settings)
    assert (answer.answer, answer.abstained) == (EMPTY_LIBRARY, True)
    assert engine.calls == []
