"""Think harder: spend more question-time compute where it helps, not just more time.

With the bundled 135M model, reading raw pages is the worst mode (DESIGN.md "The bundled model":
it fails on long raw context and answers well from one short passage). So with a small model
Think harder runs the learned pipeline wider and more carefully:

1. more candidates: retrieval searches twice as many chunks (`HARDER_CHUNKS`);
2. the model reads each of the best `CANDIDATES` sentences on its own, in the short learned
   prompt it handles well, with a longer phrase budget (`HARDER_PHRASE_TOKENS`);
3. the choice among them starts from retrieval's order; a candidate gains when the model's
   phrase from it is supported and whole (`SUPPORTED_BONUS`), holds the kind of answer asked for
   — number, date, name, command (`TYPED_BONUS`) — and agrees with the other reads
   (`AGREEMENT_BONUS`). The bonuses are small on purpose: measured on eval/structured (42
   answerable questions the learned route takes, the answer among the top five sentences for
   28), the bundled model asked to pick the answering sentence by number under a GBNF grammar
   was right 18 times where retrieval's first sentence was right 19, and asked "does this
   passage answer the question? yes/no" it said no to nearly everything (16). So the model
   refines the order, it does not overrule it;
4. more evidence, which is what does help: up to `QUOTED` sentences of the chosen sentence's
   document (the complementary piece of a two-part question first), each trimmed around the
   answer and cited. On those 42 questions the answer is in retrieval's first sentence 19
   times, in the best two 21, in the best three 25;
5. the short answer is what learned mode would show from that evidence: the span of the kind
   asked for, copied, else the model's phrase when supported and whole (`short_answers`).

Only with a large model (`is_large_model`) does Think harder read the raw documents: such a model
reads 1,400 raw tokens well, and that is then the most thorough reading there is.
Whatever it did, the answer says so in `Answer.extra["note"]`; its mode stays "learned" (or
"raw" for the large-model reading), as the `ask --json` contract wants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from nocturne.answer.answer_type import TYPED, Span, holds_expected_answer, loosely_in
from nocturne.answer.confidence import evidence_confidence
from nocturne.answer.learned import (
    clean_short_answer,
    is_supported,
    learned_messages,
    library_brief,
    rival_evidence,
)
from nocturne.answer.query import Query
from nocturne.answer.result import Answer
from nocturne.answer.retrieval import (
    Embedder,
    Evidence,
    Retrieval,
    fuse_dense,
    gather_evidence,
)
from nocturne.answer.short_answers import faithful_phrase, trim_quote, typed_answer, whole_phrase
from nocturne.answer.text_match import IdfTable, stems
from nocturne.engine.base import Engine, GenerationOptions, Usage
from nocturne.library.learned_notes import Source
from nocturne.library.store import Store
from nocturne.library.words import content_stems
from nocturne.settings import Settings

PROMPT_VERSION = "harder-1"
HARDER_CHUNKS = 12  # auto searches 6
CANDIDATES = 3  # sentences the model reads one by one
QUOTED = 3  # sentences quoted, all from one document
_COUNT = {2: "two", 3: "three"}
HARDER_PHRASE_TOKENS = 32  # learned gives 16
SUPPORTED_BONUS = 0.1
TYPED_BONUS = 0.1
AGREEMENT_BONUS = 0.1

# "Large" (DESIGN.md: raw reading only with a large model): at least this many parameters, and a
# context that holds the raw-mode prompt. The parameter count is the one llama.cpp reports for a
# local model, else the size the model's name gives ("Qwen2.5-7B-Instruct", "135M"); a remote
# server's model whose name gives no size counts as large (servers run the big ones); anything
# else (a plugged-in test engine, an unnamed local file) counts as small.
LARGE_MODEL_PARAMETERS = 3_000_000_000
RAW_PROMPT_ROOM = 256  # system message, passage headers and question around the raw context

_SIZE_IN_NAME = re.compile(r"(?<![a-z0-9.])(?:(\d+)x)?(\d+(?:\.\d+)?)\s*([mb])(?![a-z])", re.I)


def _innermost(engine: Any) -> Any:
    """The engine behind logging and recording wrappers (they keep it in `inner`)."""
    seen = 0
    while getattr(engine, "inner", None) is not None and seen < 8:
        engine = engine.inner
        seen += 1
    return engine


def parameters_in_name(name: str) -> int | None:
    """The parameter count a model's name states: "SmolLM2-135M" -> 135e6, "8x7B" -> 56e9."""
    found = None
    for match in _SIZE_IN_NAME.finditer(name):
        experts = int(match.group(1) or 1)
        scale = 1e6 if match.group(3).lower() == "m" else 1e9
        found = int(experts * float(match.group(2)) * scale)
    return found


def model_parameters(engine: Engine) -> int | None:
    """What is known of the engine's size, or None."""
    inner = _innermost(engine)
    llama = getattr(inner, "llama", None)
    counter = getattr(getattr(llama, "_model", None), "n_params", None)
    if callable(counter):
        try:
            return int(counter())
        except Exception:  # an internal of llama-cpp-python; the name may still say
            pass
    try:
        return parameters_in_name(str(engine.model_id))
    except Exception:  # a remote server that cannot be asked
        return None


def is_large_model(engine: Engine, settings: Settings) -> bool:
    """Whether raw reading is worth it: see LARGE_MODEL_PARAMETERS for the rule."""
    try:
        context = int(engine.context_size)
    except Exception:  # an unreachable server is no large model
        return False
    if context < settings.raw_context_tokens + settings.max_answer_tokens + RAW_PROMPT_ROOM:
        return False
    size = model_parameters(engine)
    if size is not None:
        return size >= LARGE_MODEL_PARAMETERS
    from nocturne.engine.remote import RemoteEngine

    return isinstance(_innermost(engine), RemoteEngine)


def raw_note(answer: Answer, engine: Engine) -> Answer:
    """A large model read the documents themselves: say so."""
    note = (
        f"Thought harder: {engine.model_id} is a large model, so it read the best raw "
        "passages of the documents themselves."
    )
    return replace(answer, extra={**answer.extra, "note": note, "harder": "raw"})


@dataclass(frozen=True)
class Read:
    """One candidate sentence and what the model made of it."""

    evidence: Evidence
    phrase: str  # cleaned; "" when unsupported or not whole
    supported: bool
    typed: bool
    prompt_tokens: int
    completion_tokens: int
    agreement: int = 0
    value: float = 0.0


def widened(
    store: Store,
    retrieval: Retrieval,
    *,
    embedder: Embedder | None = None,
    use_notes: bool = True,
) -> list[Evidence]:
    """Candidates from twice as many chunks; the auto pipeline's best sentence stays in."""
    idf = IdfTable(store)
    evidence = gather_evidence(
        store,
        retrieval.question,
        idf,
        retrieval.anticipated,
        chunk_limit=HARDER_CHUNKS,
        use_notes=use_notes,
        query=retrieval.query,
    )
    if embedder is not None:
        evidence = fuse_dense(retrieval.question, evidence, embedder)
    if retrieval.evidence:
        first = retrieval.evidence[0]
        evidence = [first, *[ev for ev in evidence if ev.text != first.text]]
    return evidence


def read_candidate(
    engine: Engine,
    brief: str,
    evidence: Evidence,
    question: str,
    kind: str | None,
    asked: str,
    query: Query | None = None,
) -> Read:
    """The learned prompt over one sentence, with a longer phrase budget; the phrase is kept
    only when the sentence supports it and it is whole (`short_answers.whole_phrase`), says
    nothing the sentence does not (`short_answers.faithful_phrase`: its numbers as the sentence
    writes them), and the sentence is about the question's own words (the brief the model also
    reads may name the deposit when the rent was asked for)."""
    messages = learned_messages(brief, [evidence], question)
    options = GenerationOptions(max_tokens=HARDER_PHRASE_TOKENS, stop=("\n",), repeat_penalty=1.1)
    completion = engine.complete(messages, options, purpose="answer:harder")
    phrase = clean_short_answer(completion.text)
    supported = is_supported(phrase, [evidence])
    cut = completion.finish_reason == "length" or (
        completion.usage.completion_tokens >= HARDER_PHRASE_TOKENS
    )
    phrase = whole_phrase(phrase, cut, evidence.text) if supported else ""
    if phrase and not is_supported(phrase, [evidence]):
        phrase = ""
    faithful = faithful_phrase(phrase, evidence.text, query, question)
    if query is not None and not any(
        loosely_in(word, set(content_stems(evidence.text))) for word in query.stems
    ):
        faithful = ""  # the sentence is about something else than what was asked
    if phrase and not faithful:
        supported = False
    phrase = faithful
    typed = bool(phrase) and kind in TYPED and holds_expected_answer(kind, phrase, asked)
    return Read(
        evidence,
        phrase,
        supported,
        typed,
        completion.usage.prompt_tokens,
        completion.usage.completion_tokens,
    )


def choose(reads: list[Read]) -> list[Read]:
    """Candidates ranked by retrieval score plus what the model's reads say, best first."""
    phrases = [stems(r.phrase) for r in reads]
    ranked = []
    for i, read in enumerate(reads):
        agreement = sum(
            1
            for j, other in enumerate(phrases)
            if j != i and phrases[i] and other and phrases[i] & other
        )
        value = (
            read.evidence.score
            + (SUPPORTED_BONUS if read.supported else 0.0)
            + (TYPED_BONUS if read.typed else 0.0)
            + (AGREEMENT_BONUS if agreement else 0.0)
        )
        ranked.append(replace(read, agreement=agreement, value=value))
    ranked.sort(key=lambda r: -r.value)
    return ranked


def more_pieces(retrieval: Retrieval, chosen: Evidence, ranked: list[Read]) -> list[Evidence]:
    """Up to QUOTED - 1 more sentences to quote: the complementary piece of a two-part question
    first, then the other reads in their order. All from the chosen sentence's document: a
    sentence from another document would answer another question."""
    pool = [*([retrieval.second] if retrieval.second is not None else [])]
    pool += [read.evidence for read in ranked]
    more: list[Evidence] = []
    for ev in pool:
        if len(more) >= QUOTED - 1:
            break
        if ev.source.document_id != chosen.source.document_id:
            continue
        if any(ev.text in kept.text or kept.text in ev.text for kept in (chosen, *more)):
            continue
        more.append(ev)
    return more


@dataclass(frozen=True)
class HarderOutcome:
    text: str
    sources: list[Source]
    used: Usage
    extra: dict[str, object]
    confidence: str


def think_harder(
    store: Store,
    engine: Engine,
    retrieval: Retrieval,
    *,
    embedder: Embedder | None = None,
    use_notes: bool = True,
) -> HarderOutcome:
    """Read the best few sentences one by one, choose, and quote two (see the module doc)."""
    candidates = widened(store, retrieval, embedder=embedder, use_notes=use_notes)[:CANDIDATES]
    query = retrieval.query
    kind = query.answer_type if query is not None else None
    asked = query.asked if query is not None else retrieval.question
    brief = library_brief(store, use_notes=use_notes)
    reads = [
        read_candidate(engine, brief, ev, retrieval.question, kind, asked, query)
        for ev in candidates
    ]
    ranked = choose(reads)
    best = ranked[0]
    chosen = best.evidence
    pieces = [chosen, *more_pieces(retrieval, chosen, ranked)]
    # As in learned mode: the span of the kind asked for, when the evidence holds one, is the
    # short answer (copied, exact); else the model's whole phrase from the chosen sentence.
    typed = typed_answer(query, [ev.text for ev in pieces]) if query is not None else None
    wide = replace(retrieval, evidence=[chosen, *[ev for ev in candidates if ev is not chosen]])
    if typed is not None and (typed.ambiguous or rival_evidence(wide) is not None):
        short = ""  # two answers fit equally well: the quotes show both, none is picked
    else:
        short = typed.span.text if typed is not None else best.phrase
    topic = query.stems if query is not None else frozenset(stems(retrieval.question))
    quoted = " … ".join(
        _quoted(
            ev, topic, typed.span if typed and not typed.ambiguous and typed.index == i else None
        )
        for i, ev in enumerate(pieces)
    )
    text = f"{short} — {quoted}" if short else quoted
    place = candidates.index(chosen) + 1
    did = [
        f"searched {HARDER_CHUNKS} passages instead of 6",
        f"had the model read the best {len(candidates)} sentences one by one",
        (
            "kept the top-ranked one"
            if place == 1
            else f"chose sentence {place} of {len(candidates)}, which the model's reading favoured"
        ),
    ]
    if len(pieces) > 1:
        did.append(f"quoted {_COUNT.get(len(pieces), len(pieces))} sentences of its document")
    note = "Thought harder: " + ", ".join(did[:-1]) + " and " + did[-1] + "."
    used = Usage(sum(r.prompt_tokens for r in reads), sum(r.completion_tokens for r in reads))
    sources = [src for ev in pieces for src in (ev.source, *([ev.via] if ev.via else []))]
    return HarderOutcome(
        text=text,
        sources=sources,
        used=used,
        extra={
            "note": note,
            "harder": "learned",
            "harder_version": PROMPT_VERSION,
            "short_answer": short,
            "supported": bool(short),
            "quote": _quoted(chosen, topic, None),
            "candidates": len(candidates),
            "chosen": place,
        },
        confidence=evidence_confidence(wide, chosen, bool(short)),
    )


def _quoted(evidence: Evidence, topic: frozenset[str], anchor: Span | None) -> str:
    return f"{evidence.lead}“{trim_quote(evidence.text, topic, anchor)}”"


_ROUTE_NOTES = {
    "instant": "an anticipated question or the outline answers this one; that is the answer",
    "abstain": "the documents do not hold enough of the question to answer it",
    "summary:pending": "summaries are written by the digest; none is there yet",
}


def route_note(route: str) -> str:
    """The note of a Think harder answer that no model had to read for."""
    if route.startswith("summary") or route == "compare":
        why = "this is a whole-document question, answered from the digest's summaries"
    else:
        why = _ROUTE_NOTES.get(route, "the library answers this one without the model")
    return f"Thought harder: {why}."
