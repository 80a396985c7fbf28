"""One chunk's notes: its key sentences as facts, and questions answered by its own sentences."""

from __future__ import annotations

from nocturne.engine.base import Usage
from nocturne.sleeptime.chunk_step import ChunkInput, chunk_notes
from nocturne.sleeptime.notes import EXTRACTED
from nocturne.sleeptime.prompts import FACT_EXTRACT, QUESTION_MODEL, QUESTION_TEMPLATE

from fakes.engine import FakeEngine

EMBARGO = "The embargo began in October 1973 when OPEC members proclaimed it."
PRICE = "By March 1974 the price of oil had risen from 3 dollars to 12 dollars per barrel."
OIL = f"The OPEC embargo of 1973 is a ban on oil sales to some nations. {EMBARGO} {PRICE}"
CHUNK = ChunkInput(chunk_id=7, document_id=2, page=4, text=OIL)
PHRASED = ["When did OPEC members proclaim the embargo?", "What did the price of oil rise to?"]


def test_facts_are_the_chunks_own_key_sentences_with_their_page() -> None:
    output = chunk_notes(FakeEngine(), CHUNK)
    facts = [note for note in output.notes if note.kind == "fact"]
    assert [note.text for note in facts] == [
        "The OPEC embargo of 1973 is a ban on oil sales to some nations.",
        EMBARGO,
        PRICE,
    ]
    for note in facts:
        assert (note.chunk_ids, note.page, note.document_id) == ((7,), 4, 2)
        assert (note.model_id, note.prompt_version, note.tokens) == (EXTRACTED, FACT_EXTRACT, 0)


def test_a_definition_gets_a_template_question_without_the_model() -> None:
    engine = FakeEngine(
        ["When did OPEC members proclaim the embargo?", "What did the price of oil rise to?"]
    )
    output = chunk_notes(engine, CHUNK)
    (template,) = [n for n in output.notes if n.prompt_version == QUESTION_TEMPLATE]
    assert template.text == "What is the OPEC embargo of 1973?"
    assert template.answer == "The OPEC embargo of 1973 is a ban on oil sales to some nations."
    assert (template.model_id, template.tokens) == (EXTRACTED, 0)
    assert len(engine.calls) == 2  # the model phrased the other two questions only


def test_the_model_phrases_the_other_questions_and_a_chunk_sentence_answers_them() -> None:
    engine = FakeEngine(
        ["When did OPEC members proclaim the embargo?", "What did the price of oil rise to?"]
    )
    output = chunk_notes(engine, CHUNK)
    phrased = [n for n in output.notes if n.prompt_version == QUESTION_MODEL]
    assert [(n.text, n.answer) for n in phrased] == [
        ("When did OPEC members proclaim the embargo?", EMBARGO),
        ("What did the price of oil rise to?", PRICE),
    ]
    assert {n.model_id for n in phrased} == {"fake-model"}
    assert all(n.purpose == "digest:questions" for n in engine.calls)
    assert len(engine.calls) == 2
    assert output.usage.total == sum(n.tokens for n in phrased) > 0
    assert output.dropped == 0


def test_a_question_no_sentence_answers_is_dropped_and_its_cost_kept() -> None:
    engine = FakeEngine(default_reply="Who invented the bicycle in Paris?")
    output = chunk_notes(engine, CHUNK)
    assert [n.prompt_version for n in output.notes if n.kind == "question"] == [QUESTION_TEMPLATE]
    assert output.dropped == 2
    assert output.usage.total > 0 and output.usage != Usage()


def test_a_malformed_model_question_is_dropped() -> None:
    engine = FakeEngine(default_reply="The embargo began in 1973.")  # not a question
    output = chunk_notes(engine, CHUNK)
    assert [n.kind for n in output.notes].count("question") == 1  # the template's
    assert output.dropped == 2


def test_the_documents_notes_so_far_are_not_repeated() -> None:
    engine = FakeEngine(
        ["When did OPEC members proclaim the embargo?", "What did the price of oil rise to?"]
    )
    output = chunk_notes(
        engine,
        CHUNK,
        known_facts=[EMBARGO],  # the chunk before overlapped this one
        known_questions=["What's the OPEC embargo of 1973?"],
    )
    assert [n.text for n in output.notes if n.kind == "fact"] == [
        "The OPEC embargo of 1973 is a ban on oil sales to some nations.",
        PRICE,
    ]
    assert [n.text for n in output.notes if n.kind == "question"] == [
        "When did OPEC members proclaim the embargo?",
        "What did the price of oil rise to?",
    ]
    assert output.dropped == 1  # the repeated question


def test_a_definition_of_one_word_is_answered_by_the_sentence_it_came_from() -> None:
    text = "Chloroplasts are organelles that conduct photosynthesis in plant cells."
    engine = FakeEngine()
    output = chunk_notes(engine, ChunkInput(1, 1, 1, text))
    questions = [(n.text, n.answer, n.prompt_version) for n in output.notes if n.kind == "question"]
    assert questions == [("What are Chloroplasts?", text, QUESTION_TEMPLATE)]
    assert output.dropped == 0 and engine.calls == []


def test_a_chunk_without_sentences_has_no_notes_and_asks_nothing() -> None:
    engine = FakeEngine()
    output = chunk_notes(engine, ChunkInput(1, 1, None, "# Contents"))
    assert output.notes == [] and output.dropped == 0
    assert engine.calls == [] and output.usage == Usage()
