"""One chunk's notes (every budget): key facts extracted, anticipated questions with answers.

Facts are the chunk's own key sentences. For each of the best question sentences a question is
made (a definition pattern when one fits, else the model phrases it under a grammar); its answer
is the chunk sentence that supports it best. Unsupported or repeated questions are dropped and
counted; facts repeated by the overlap between neighbouring chunks are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nocturne.engine.base import Engine
from nocturne.sleeptime.anticipated_questions import model_question, template_question
from nocturne.sleeptime.dedup import Deduplicator
from nocturne.sleeptime.key_sentences import key_sentences, sentences_of
from nocturne.sleeptime.notes import EXTRACTED, NoteDraft, StepOutput
from nocturne.sleeptime.prompts import FACT_EXTRACT, QUESTION_MODEL, QUESTION_TEMPLATE
from nocturne.sleeptime.support import best_supporting_sentence, is_supported

FACTS_PER_CHUNK = 3
QUESTIONS_PER_CHUNK = 3


@dataclass(frozen=True)
class ChunkInput:
    chunk_id: int
    document_id: int
    page: int | None
    text: str


def chunk_notes(
    engine: Engine,
    chunk: ChunkInput,
    known_facts: Sequence[str] = (),
    known_questions: Sequence[str] = (),
) -> StepOutput:
    """Facts and questions for one chunk; `known_*` are the document's notes so far (dedup)."""
    output = StepOutput()
    sources = (chunk.chunk_id,)
    facts = Deduplicator(known_facts)
    for sentence in key_sentences(chunk.text, FACTS_PER_CHUNK):
        if is_supported(sentence, [chunk.text]) and facts.add(sentence):
            output.notes.append(
                NoteDraft(
                    "fact",
                    sentence,
                    sources,
                    chunk.page,
                    chunk.document_id,
                    EXTRACTED,
                    FACT_EXTRACT,
                )
            )
    sentences = sentences_of(chunk.text)
    questions = Deduplicator(known_questions)
    for sentence in key_sentences(chunk.text, QUESTIONS_PER_CHUNK, minimum_score=0.0):
        question = template_question(sentence)
        model_id, version, tokens = EXTRACTED, QUESTION_TEMPLATE, 0
        if question is None:
            phrased = model_question(engine, sentence, "digest:questions")
            output.spend(phrased.usage)
            question, model_id, version = phrased.text, engine.model_id, QUESTION_MODEL
            tokens = phrased.usage.total
        support = best_supporting_sentence(question, sentences) if question else None
        answer = support.sentence if support is not None else None
        if answer is None and version == QUESTION_TEMPLATE:
            # "What are chloroplasts?" shares one word with any sentence, too few for a match;
            # the definition it was made from answers it.
            answer = sentence
        if answer is None or not questions.add(question):
            output.dropped += 1
            continue
        output.notes.append(
            NoteDraft(
                "question",
                question,
                sources,
                chunk.page,
                chunk.document_id,
                model_id,
                version,
                answer=answer,
                tokens=tokens,
            )
        )
    return output
