"""Learned mode: the model answers from a few retrieved sentences, never from raw pages.

DESIGN.md's measurements shape this: the bundled 135M model answers correctly from a short
relevant passage and fails on long raw context, and quoting the best supporting sentence is often
better than anything it generates. So the prompt is the library brief (a stable, KV-cached
prefix), the best sentence, and the question; the model gets a small budget for
a short phrase; the phrase is kept only if the passage supports it; and the answer always quotes
its evidence sentence, which is what a person wants to check anyway (with document and page).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from nocturne.answer.answer_type import Span
from nocturne.answer.retrieval import Evidence, Retrieval
from nocturne.answer.short_answers import (
    faithful_phrase,
    rival_sentence,
    trim_quote,
    typed_answer,
    whole_phrase,
)
from nocturne.answer.text_match import stems
from nocturne.engine.base import Engine, GenerationOptions, Message
from nocturne.library.learned_notes import latest_library_brief, notes_signature, readable_documents
from nocturne.library.search import content_words
from nocturne.library.store import Store

PROMPT_VERSION = "learned-1"
# One sentence: measured on xquad-small, letting the model pick the evidence among two sentences
# was right less often than retrieval's top-1 (learned accuracy 73.3 % with two, 75.1 % with one),
# and one sentence cuts the prompt from 198 to 160 tokens. The model phrases the answer;
# retrieval chooses the evidence.
PASSAGE_SENTENCES = 1
PASSAGE_MAX_CHARS = 700
SHORT_ANSWER_TOKENS = 16
BRIEF_MAX_CHARS = 320
LEARNED_SYSTEM = "Answer the question with a few words copied from the passage."
NO_ANSWER_MARKERS = (
    "not stated",
    "not mentioned",
    "does not say",
    "no information",
    "not provided",
    "cannot",
    "unknown",
)


@dataclass(frozen=True)
class LearnedOutcome:
    text: str  # the full answer shown: short phrase (if supported) and the quoted sentence
    short_answer: str  # the model's phrase, "" when it was not supported by the passage
    quote: Evidence
    second: Evidence | None
    messages: list[Message]
    prompt_tokens: int
    completion_tokens: int
    first_token_s: float  # from the start of the model call
    model_seconds: float
    supported: bool


def library_brief(store: Store, *, use_notes: bool = True) -> str:
    """The digest's library brief if there is a fresh one, else the documents' names."""
    note = latest_library_brief(store) if use_notes else None
    brief = note.text if note is not None else ""
    if not brief:
        names = [document.name for document in readable_documents(store, limit=30)]
        brief = "Documents: " + ", ".join(names) if names else ""
    brief = " ".join(str(brief).split())
    return brief if len(brief) <= BRIEF_MAX_CHARS else brief[: BRIEF_MAX_CHARS - 1] + "…"


def learned_version(store: Store) -> str:
    """Changes whenever the learned context does (new, removed or stale notes)."""
    signature = notes_signature(store)
    return hashlib.sha256(f"{PROMPT_VERSION}:{signature}".encode()).hexdigest()[:16]


def system_message(brief: str) -> Message:
    content = LEARNED_SYSTEM + (f"\nLibrary: {brief}" if brief else "")
    return {"role": "system", "content": content}


def choose_passage(evidence: list[Evidence]) -> list[Evidence]:
    chosen: list[Evidence] = []
    used = 0
    for ev in evidence[:PASSAGE_SENTENCES]:
        if chosen and used + len(ev.text) > PASSAGE_MAX_CHARS:
            break
        chosen.append(ev)
        used += len(ev.text)
    return chosen


def learned_messages(brief: str, passage: list[Evidence], question: str) -> list[Message]:
    text = " ".join(ev.text for ev in passage)
    return [
        system_message(brief),
        {"role": "user", "content": f"Passage: {text}\nQuestion: {question}"},
    ]


def clean_short_answer(text: str) -> str:
    text = " ".join(text.split()).strip(" \"'“”")
    for prefix in ("answer:", "a:", "the answer is"):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :].strip(" :")
    return text.rstrip(" ,;:")


def is_supported(short_answer: str, passage: list[Evidence]) -> bool:
    """A phrase is kept only if nearly all its content words occur in the passage."""
    words = content_words(short_answer)
    if not words:
        return False
    lowered = short_answer.lower()
    if any(marker in lowered for marker in NO_ANSWER_MARKERS):
        return False
    passage_words = set(content_words(" ".join(ev.text for ev in passage)))
    found = sum(1 for w in words if w in passage_words)
    return found / len(words) >= 0.8


def supporting_sentence(short_answer: str, passage: list[Evidence]) -> Evidence:
    """The passage sentence that shares most words with the phrase; the best one on a tie."""
    words = stems(short_answer)
    best = passage[0]
    best_overlap = len(words & stems(best.text))
    for ev in passage[1:]:
        overlap = len(words & stems(ev.text))
        if overlap > best_overlap:
            best, best_overlap = ev, overlap
    return best


def quote(evidence: Evidence) -> str:
    """The evidence as quoted; a followed reference names the section it led to first."""
    return f"{evidence.lead}“{evidence.text}”"


def answer_learned(
    engine: Engine,
    retrieval: Retrieval,
    brief: str,
    max_answer_tokens: int,
    on_text: Callable[[str], None] | None = None,
) -> LearnedOutcome:
    """The short answer (a typed span, else the model's whole phrase) and the quoted evidence.

    The text is sent to `on_text` once it is final, so what streams is what stays.
    """
    passage = choose_passage(retrieval.evidence)
    second = retrieval.second
    query = retrieval.query
    asked = query.stems if query is not None else frozenset(stems(retrieval.question))
    candidates = [passage[0], *([second] if second is not None else [])]
    typed = typed_answer(query, [ev.text for ev in candidates]) if query is not None else None
    # Another sentence of the passage answers as well: both are quoted, neither is the answer.
    rival = rival_evidence(retrieval) if typed is not None and typed.index == 0 else None
    if rival is not None and second is None:
        second = rival
    messages: list[Message] = []
    prompt_tokens = completion_tokens = 0
    first_token_s = model_seconds = 0.0
    anchor: Span | None = None
    if typed is not None and (typed.ambiguous or rival is not None):
        # Two answers of the kind asked for fit equally well: the quote shows both, and no
        # model is asked to pick one (it would pick at random).
        short, evidence, supported = "", candidates[typed.index], False
    elif typed is not None:
        # The kind of answer asked for is in the evidence: the span is the answer, copied.
        short, evidence, supported = typed.span.text, candidates[typed.index], True
        if typed.index == 0:
            anchor = typed.span
    else:
        messages = learned_messages(brief, passage, retrieval.question)
        options = GenerationOptions(
            max_tokens=min(SHORT_ANSWER_TOKENS, max_answer_tokens),
            stop=("\n",),
            repeat_penalty=1.1,
        )
        stream = engine.stream(messages, options, purpose="answer:learned")
        pieces = list(stream)
        completion = stream.completion
        assert completion is not None
        prompt_tokens = completion.usage.prompt_tokens
        completion_tokens = completion.usage.completion_tokens
        first_token_s, model_seconds = completion.first_token_s, completion.seconds
        raw_phrase = clean_short_answer("".join(pieces))
        supported = is_supported(raw_phrase, passage)
        evidence = supporting_sentence(raw_phrase, passage) if supported else passage[0]
        stopped = completion.finish_reason == "length"
        short = whole_phrase(raw_phrase, stopped, evidence.text) if supported else ""
        faithful = faithful_phrase(short, evidence.text, query, retrieval.question)
        if short and not faithful:
            short, supported = "", False  # it says what the passage does not
    first = evidence if evidence is passage[0] or second is None else passage[0]
    quoted = _quoted(first, asked, anchor)
    if second is not None:
        span = typed.span if typed and typed.index == 1 and not typed.ambiguous else None
        quoted += f" … {_quoted(second, asked, span)}"
    if rival is not None and rival is not second:
        quoted += f" … {_quoted(rival, asked, None)}"  # of the first one's passage: cited with it
    text = f"{short} — {quoted}" if short else quoted
    if on_text:
        on_text(text)
    return LearnedOutcome(
        text=text,
        short_answer=short,
        quote=evidence,
        second=second,
        messages=messages,
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        first_token_s=first_token_s,
        model_seconds=model_seconds,
        supported=supported,
    )


RIVALS = 3  # sentences after the first that may answer as well as it does


def rival_evidence(retrieval: Retrieval) -> Evidence | None:
    """A sentence of the best one's passage, among the next few, that answers the question as
    well as it does (`short_answers.rival_sentence`), or None."""
    if retrieval.query is None or not retrieval.evidence:
        return None
    first = retrieval.evidence[0]
    beside = [
        ev
        for ev in retrieval.evidence[1 : 1 + RIVALS]
        if ev.source.chunk_id == first.source.chunk_id
        and ev.text not in first.text
        and first.text not in ev.text
    ]
    found = rival_sentence(retrieval.query, first.text, [ev.text for ev in beside])
    return beside[found] if found is not None else None


def _quoted(evidence: Evidence, asked: frozenset[str], anchor: Span | None) -> str:
    return f"{evidence.lead}“{trim_quote(evidence.text, asked, anchor)}”"
