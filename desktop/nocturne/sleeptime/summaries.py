"""Summaries, map-reduce over chunk notes: extracted first, model-phrased only when supported.

A section summary is made from its chunks' facts (map), a document summary from its section
summaries (reduce). The extractive part is the lead sentence plus the most central others, which
a tiny model cannot beat. The model is then asked for one gist sentence under a grammar; it is
kept, in front of the extracted sentences, only when the source chunks support it and it is not
a copy of one of them. The note's prompt_version says which parts the model wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nocturne.engine.base import Engine, GenerationOptions, Message
from nocturne.library.sentences import split_sentences
from nocturne.sleeptime.grammars import SENTENCE_GRAMMAR, parse_sentence
from nocturne.sleeptime.key_sentences import central_sentences
from nocturne.sleeptime.notes import EXTRACTED, NoteDraft, StepOutput
from nocturne.sleeptime.prompts import SUMMARY_EXTRACT, SUMMARY_MODEL, summary_messages
from nocturne.sleeptime.support import containment, is_model_text_supported

SUMMARY_OPTIONS = GenerationOptions(
    max_tokens=60, temperature=0.0, repeat_penalty=1.15, grammar=SENTENCE_GRAMMAR
)
COPY_SHARE = 0.8  # a "gist" whose words are mostly in one extracted sentence adds nothing


@dataclass(frozen=True)
class SourcedSentence:
    text: str
    chunk_id: int
    page: int | None


def model_line(
    engine: Engine,
    messages: list[Message],
    sources: Sequence[str],
    extracted: Sequence[str],
    output: StepOutput,
    purpose: str,
) -> str | None:
    """One model-written sentence if it is well formed, supported and new; else None (dropped)."""
    completion = engine.complete(messages, SUMMARY_OPTIONS, purpose=purpose)
    output.spend(completion.usage)
    line = parse_sentence(completion.text)
    source_sentences = [s for text in sources for s in split_sentences(text)]
    if line is None or not is_model_text_supported(line, source_sentences):
        output.dropped += 1
        return None
    if any(containment(line, sentence) >= COPY_SHARE for sentence in extracted):
        output.dropped += 1
        return None
    return line


def summarize(
    engine: Engine,
    kind: str,
    document_id: int | None,
    subject: str,
    sentences: Sequence[SourcedSentence],
    source_texts: Sequence[str],
    limit: int,
) -> StepOutput:
    """A `kind` summary note of `sentences` (in document order), checked against `source_texts`."""
    output = StepOutput()
    unique: dict[str, SourcedSentence] = {}
    for sentence in sentences:
        unique.setdefault(sentence.text, sentence)
    if not unique:
        return output
    chosen_texts = central_sentences(list(unique), limit)
    chosen = [unique[text] for text in chosen_texts]
    line = model_line(
        engine,
        summary_messages(" ".join(chosen_texts), subject),
        source_texts,
        chosen_texts,
        output,
        f"digest:{kind}",
    )
    parts = ([line] if line else []) + chosen_texts
    version = f"{SUMMARY_MODEL}+{SUMMARY_EXTRACT}" if line else SUMMARY_EXTRACT
    chunk_ids = tuple(dict.fromkeys(s.chunk_id for s in chosen))
    output.notes.append(
        NoteDraft(
            kind,
            " ".join(parts),
            chunk_ids,
            chosen[0].page,
            document_id,
            engine.model_id if line else EXTRACTED,
            version,
            tokens=output.usage.total,
        )
    )
    return output
