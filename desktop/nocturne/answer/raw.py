"""Raw mode: the baseline every other document-chat app uses.

Retrieve raw chunks by BM25 until the context budget is full and let the model read them. It is
also what the savings of the other modes are measured against: `baseline_for` tokenizes the prompt
this mode would build, without running it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from nocturne.answer.accounting import savings
from nocturne.answer.confidence import LOW, MEDIUM
from nocturne.answer.intent import EMPTY_LIBRARY, library_is_empty
from nocturne.answer.result import Answer, Citation, SleepShare, Timing
from nocturne.answer.short_answers import faithful_phrase, whole_phrase
from nocturne.engine.base import Engine, GenerationOptions, Message, Usage
from nocturne.library.search import ChunkHit, content_words, search_chunks
from nocturne.library.sentences import split_sentences
from nocturne.library.store import Store
from nocturne.library.words import QUESTION_STEMS, content_stems
from nocturne.settings import Settings

PROMPT_VERSION = "raw-1"
NOT_FOUND = "The documents do not say."
RAW_SYSTEM = (
    "You answer questions about the user's documents using only the numbered passages. "
    f"Answer in one short sentence. If the passages do not contain the answer, reply: {NOT_FOUND}"
)


class PromptCounter(Protocol):
    def count_tokens(self, text: str) -> int: ...


def select_context(
    store: Store, question: str, counter: PromptCounter, budget_tokens: int
) -> list[ChunkHit]:
    """The best BM25 chunks that fit in `budget_tokens`, best first."""
    chosen: list[ChunkHit] = []
    used = 0
    for hit in search_chunks(store, question, limit=64):
        cost = hit.token_count + 12  # the passage header
        if used + cost > budget_tokens:
            if chosen:
                continue
            continue
        chosen.append(hit)
        used += cost
    return chosen


def passage_header(number: int, hit: ChunkHit) -> str:
    page = f", page {hit.page}" if hit.page else ""
    return f"[{number}] {hit.document_name}{page}"


def raw_messages(question: str, hits: list[ChunkHit]) -> list[Message]:
    # A chunk keeps its paragraph breaks; in the prompt they would read as passage breaks.
    passages = "\n\n".join(
        f"{passage_header(i, h)}\n{' '.join(h.text.split())}" for i, h in enumerate(hits, 1)
    )
    return [
        {"role": "system", "content": RAW_SYSTEM},
        {"role": "user", "content": f"Passages:\n{passages}\n\nQuestion: {question}"},
    ]


def count_messages(engine: Engine, messages: list[Message]) -> int:
    return int(engine.count_prompt_tokens(messages))


def baseline_for(
    store: Store, engine: Engine, question: str, settings: Settings
) -> tuple[Usage, list[ChunkHit]]:
    """The raw-mode prompt this question would need, counted, not run."""
    hits = select_context(store, question, engine, settings.raw_context_tokens)
    prompt = count_messages(engine, raw_messages(question, hits))
    return Usage(prompt, settings.max_answer_tokens), hits


def rank_citations(answer: str, hits: list[ChunkHit], limit: int = 3) -> list[Citation]:
    """Passages that support the answer best (shared content words), else the best BM25 hit."""
    answer_words = set(content_words(answer))
    scored = []
    for rank, hit in enumerate(hits):
        overlap = len(answer_words & set(content_words(hit.text)))
        scored.append((-overlap, rank, hit))
    scored.sort(key=lambda item: (item[0], item[1]))
    chosen = [hit for overlap, _, hit in scored if overlap < 0][:limit] or hits[:1]
    return [Citation(h.document_name, h.page, h.chunk_id, h.document_path) for h in chosen]


def answer_raw(
    store: Store,
    engine: Engine,
    question: str,
    settings: Settings,
    on_text: Callable[[str], None] | None = None,
) -> Answer:
    started = time.perf_counter()
    hits = select_context(store, question, engine, settings.raw_context_tokens)
    if not hits:
        elapsed = time.perf_counter() - started
        empty = Usage()
        said = EMPTY_LIBRARY if library_is_empty(store) else NOT_FOUND
        if on_text:
            on_text(said)
        return Answer(
            answer=said,
            mode="raw",
            citations=[],
            usage=empty,
            baseline=empty,
            baseline_method="raw-bm25",
            savings=savings(empty, empty, 0.0),
            timing=Timing(elapsed, elapsed),
            sleep=SleepShare(0, 0.0),
            abstained=True,
        )
    messages = raw_messages(question, hits)
    options = GenerationOptions(max_tokens=settings.max_answer_tokens, stop=("\n\n",))
    stream = engine.stream(messages, options, purpose="answer:raw")
    first_token_s = 0.0
    held: str | None = ""  # what streamed before the reply said anything ("The answer is:") waits
    for delta in stream:
        if not first_token_s:
            first_token_s = time.perf_counter() - started
        if not on_text:
            continue
        if held is not None:
            held += delta
            if says_something(held):
                on_text(held)
                held = None
        else:
            on_text(delta)
    completion = stream.completion
    assert completion is not None
    total_s = time.perf_counter() - started
    text = completion.text.strip()
    confidence = MEDIUM
    if says_something(text) and not faithful_phrase(
        whole_phrase(text, False, ""), " ".join(h.text for h in hits), None, question
    ):
        confidence = LOW  # it says what the passages do not (a name, a number of its own)
    elif not says_something(text):
        # An empty reply, or filler alone: the best passage's sentence, marked as a best guess,
        # or plainly that the documents do not say.
        text, confidence = closest_sentence(question, hits) or NOT_FOUND, LOW
        if on_text:
            on_text(text)
    used = Usage(completion.usage.prompt_tokens, completion.usage.completion_tokens)
    baseline = used  # raw mode is the baseline: it saves nothing by definition
    return Answer(
        answer=text,
        mode="raw",
        citations=rank_citations(text, hits),
        usage=used,
        baseline=baseline,
        baseline_method="raw-bm25",
        savings=savings(used, baseline, settings.reference_price_per_million),
        timing=Timing(first_token_s or total_s, total_s),
        sleep=SleepShare(0, 0.0),
        abstained=NOT_FOUND.lower().rstrip(".") in text.lower(),
        confidence=confidence,
    )


# Words of a reply that only lead up to an answer ("The answer to this question is:").
_LEAD_WORDS = frozenset(
    "answer answers question questions passage passages document documents according here "
    "based following".split()
)


def says_something(reply: str) -> bool:
    """Whether a reply holds more than filler ("The answer to this question is:"); a reply cut
    short inside its filler ("The answer") says nothing yet."""
    return any(w not in _LEAD_WORDS for w in content_words(whole_phrase(reply, False, "")))


CLOSEST_MIN_SHARE = 0.5  # of the question's words, for a sentence to stand in for an answer


def closest_sentence(question: str, hits: list[ChunkHit]) -> str | None:
    """The sentence of the best passages that holds most of the question's words, quoted, or
    None when none holds half of them."""
    asked = set(content_stems(question)) - QUESTION_STEMS
    best: tuple[int, str] | None = None
    for hit in hits[:3]:
        for sentence in split_sentences(hit.text):
            held = len(asked & set(content_stems(sentence)))
            if best is None or held > best[0]:
                best = (held, sentence)
    if best is None or not asked or best[0] < CLOSEST_MIN_SHARE * len(asked):
        return None
    return f"“{best[1]}”"
