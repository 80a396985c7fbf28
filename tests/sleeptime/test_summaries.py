"""Summary notes (`sleeptime/summaries.py`): the extracted sentences always, a model-written gist
in front only when it is one well-formed sentence the sources support and not a copy."""

from __future__ import annotations

import pytest

from nocturne.sleeptime.grammars import SENTENCE_GRAMMAR
from nocturne.sleeptime.notes import EXTRACTED, StepOutput
from nocturne.sleeptime.prompts import SUMMARY_EXTRACT, SUMMARY_MODEL
from nocturne.sleeptime.summaries import SourcedSentence, model_line, summarize

from fakes.engine import FakeEngine

CHUNKS = [
    "The 1973 oil crisis began in October 1973 when OPEC members proclaimed an oil embargo. "
    "The embargo was targeted at nations supporting Israel.",
    "By March 1974 the price of oil had risen from 3 dollars per barrel to nearly 12 dollars. "
    "Fuel economy standards were introduced in 1975.",
]
SENTENCES = [
    SourcedSentence(
        "The 1973 oil crisis began in October 1973 when OPEC members proclaimed an oil embargo.",
        11,
        1,
    ),
    SourcedSentence("The embargo was targeted at nations supporting Israel.", 11, 1),
    SourcedSentence(
        "By March 1974 the price of oil had risen from 3 dollars per barrel to nearly 12 dollars.",
        12,
        2,
    ),
    SourcedSentence("Fuel economy standards were introduced in 1975.", 12, 2),
]
GIST = "The OPEC oil embargo of October 1973 was targeted at nations supporting Israel."


def run(
    engine: FakeEngine, limit: int = 4, sentences: list[SourcedSentence] = SENTENCES
) -> StepOutput:
    return summarize(engine, "section_summary", 7, "Oil crisis", sentences, CHUNKS, limit)


def test_a_supported_gist_goes_in_front_of_the_extracted_sentences() -> None:
    engine = FakeEngine([GIST])
    output = run(engine)
    [note] = output.notes
    assert note.text == " ".join([GIST, *(s.text for s in SENTENCES)])
    assert (note.kind, note.document_id, note.page) == ("section_summary", 7, 1)
    assert note.chunk_ids == (11, 12)
    assert note.model_id == "fake-model"
    assert note.prompt_version == f"{SUMMARY_MODEL}+{SUMMARY_EXTRACT}"
    assert note.tokens == output.usage.total > 0
    assert output.dropped == 0
    [call] = engine.calls
    assert call.purpose == "digest:section_summary"
    assert call.options.grammar == SENTENCE_GRAMMAR and call.options.temperature == 0.0
    assert "Oil crisis" in call.messages[-1]["content"]


@pytest.mark.parametrize(
    "reply",
    [
        "The embargo ended because OPEC bought a fleet of electric cars in Norway.",
        "oil embargo price",
        "The oil crisis began in October 1973 when OPEC members proclaimed an oil embargo.",
    ],
    ids=["unsupported", "not a sentence", "a copy of an extracted sentence"],
)
def test_a_gist_that_is_malformed_unsupported_or_a_copy_is_dropped_and_counted(
    reply: str,
) -> None:
    output = run(FakeEngine([reply]))
    [note] = output.notes
    assert note.text == " ".join(s.text for s in SENTENCES)
    assert note.model_id == EXTRACTED
    assert note.prompt_version == SUMMARY_EXTRACT
    assert output.dropped == 1
    assert output.usage.total > 0  # the call was paid for all the same
    assert note.tokens == output.usage.total


def test_the_lead_and_the_most_central_sentences_up_to_the_limit_in_document_order() -> None:
    output = run(FakeEngine(["no"]), limit=2)
    [note] = output.notes
    # the lead always; then the sentence with the most numbers and shared words
    assert note.text == f"{SENTENCES[0].text} {SENTENCES[2].text}"
    assert (note.page, note.chunk_ids) == (1, (11, 12))


def test_repeated_sentences_count_once_with_their_first_source() -> None:
    repeated = [SENTENCES[0], SourcedSentence(SENTENCES[0].text, 99, 9), SENTENCES[3]]
    [note] = run(FakeEngine(["no"]), sentences=repeated).notes
    assert note.text == f"{SENTENCES[0].text} {SENTENCES[3].text}"
    assert note.chunk_ids == (11, 12)


def test_no_sentences_no_note_and_no_model_call() -> None:
    engine = FakeEngine([GIST])
    output = run(engine, sentences=[])
    assert output.notes == [] and output.dropped == 0 and output.usage.total == 0
    assert engine.calls == []


def test_model_line_spends_the_usage_on_the_output() -> None:
    output = StepOutput()
    line = model_line(
        FakeEngine([f"  {GIST}\n"]),
        [{"role": "user", "content": "Summarize."}],
        CHUNKS,
        ["Fuel economy standards were introduced in 1975."],
        output,
        "digest:test",
    )
    assert line == GIST
    assert output.usage.prompt_tokens > 0 and output.usage.completion_tokens > 0
    assert output.dropped == 0 and output.notes == []
