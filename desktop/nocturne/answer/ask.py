"""One entry point for answering, whatever the mode; the CLI and the window call this.

Routing (DESIGN.md "Modes at question time"):
- whole-document questions ("summarize X", "what is X about", "compare X and Y") are answered
  from document summaries, cross-document notes and the library brief when the digest wrote them;
- instant: an anticipated question matches closely enough (similarity >= INSTANT_THRESHOLD):
  its stored answer and sources, nothing generated;
- learned: the model reads the few best sentences and answers briefly, quoting its evidence;
- raw: the baseline; also what auto falls back to before anything is digested.
Whatever the route, when even the best sentence covers too little of the question the answer
says plainly that the documents do not say, instead of inventing something.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from nocturne import paths
from nocturne.answer.accounting import answer_cost_usd, savings
from nocturne.answer.answer_type import TYPED, holds_expected_answer
from nocturne.answer.confidence import HIGH, LOW, MEDIUM, evidence_confidence
from nocturne.answer.follow_up import as_follow_up
from nocturne.answer.intent import (
    EMPTY_LIBRARY,
    cross_document_notes,
    detect_intent,
    document_summary,
    find_document,
    library_is_empty,
    library_overview,
)
from nocturne.answer.learned import (
    answer_learned,
    learned_version,
    library_brief,
    quote,
    system_message,
)
from nocturne.answer.ledger import record_answer, sleep_share
from nocturne.answer.query import Query, analyse
from nocturne.answer.raw import NOT_FOUND, answer_raw, baseline_for
from nocturne.answer.result import Answer, Citation, SleepShare, Timing
from nocturne.answer.retrieval import (
    Embedder,
    Evidence,
    Retrieval,
    retrieve,
)
from nocturne.answer.short_answers import trim_quote
from nocturne.answer.structure_answers import (
    answer_from_definitions,
    answer_from_outline,
    answer_which_section,
)
from nocturne.answer.summaries import (
    WholeAnswer,
    answer_comparison,
    answer_summary,
    is_summary,
)
from nocturne.answer.text_match import IdfTable
from nocturne.engine.base import Engine, Usage
from nocturne.errors import KnownError
from nocturne.library import ocr_pages
from nocturne.library.learned_evidence import learned_notes_holding
from nocturne.library.learned_notes import Source, document_name, note_sources
from nocturne.library.store import Store
from nocturne.library.structure import section_paths
from nocturne.settings import Settings

MODES = ("auto", "instant", "learned", "raw")
NO_INSTANT_MATCH = (
    "No question anticipated during the digest matches this one closely enough for an instant "
    "answer; ask in auto or learned mode."
)

# Chosen from the instant sweep that `nocturne bench` prints (answer/sweeps.py), run on
# ../shared/eval after a real digest: the lowest similarity whose instant answers were at least
# as accurate as learned answers on both sets (xquad-small: 0.75 -> 75 % of 8 hits, 0.80 -> 71 %
# of 7, 0.85 -> 2/2; squad2: 0.80 -> 80 % of 5, 0.85 -> 2/2; learned top-1 is 75 % / 67 %).
INSTANT_THRESHOLD = 0.85
# Forced instant mode still refuses matches weaker than this: a stored answer to another question
# is worse than saying that nothing matches.
INSTANT_FLOOR = 0.5
HIGH_SIMILARITY = 0.95  # an anticipated question this close is the same question
# Below this idf-weighted share of the question's words in the best sentence, abstain. From the
# abstention sweep: 0.2 costs answerable top-1 0.0 points on xquad-small and 1.7 on squad2 and
# refuses 4 % of squad2's adversarial unanswerable questions; 0.3 would refuse 13 % but cost 9.5
# points. Lexical coverage cannot tell those apart; unrelated questions (coverage ~0) it can.
ABSTAIN_COVERAGE = 0.2
# At or above this idf-weighted share of the question's words that occur nowhere in the library,
# abstain: the question is about something the documents never mention.
ABSTAIN_ABSENT_SHARE = 0.3
# ... unless the best evidence still holds a fair part of the question. Measured with quoted
# answers and a sweep of both thresholds: on eval/structured 0.4 abstains correctly on 62.5 % of
# the unanswerable questions at no loss on the answerable ones; on the SQuAD 2.0 subset, whose
# questions paraphrase a two-article library, it costs 8.5 points of answerable accuracy for
# 13.5 more points of correct abstention (0.5: 11.6 for 18; 0.3: 2.4 for 3.6).
ABSTAIN_ABSENT_COVERAGE = 0.4
# A question that asks for a number, date, name or command whose best evidence holds none and
# little more than half of the question is not answered there. Measured with quoted answers
# (no model) on all three shared sets: +12.5 points of correct abstention on eval/structured
# and +1.2 on SQuAD 2.0's unanswerable questions, at 1.5 / 1.4 points of their answerable ones
# and none on xquad-small; 0.8 would cost 3.1 points on xquad-small.
ABSTAIN_UNTYPED_COVERAGE = 0.6
# An abstention shows the closest passage, marked as not an answer, when it holds at least this
# share of the question (below it the passage is about something else).
CLOSEST_MIN_COVERAGE = ABSTAIN_COVERAGE
CLOSEST_LABEL = "Closest passage (not an answer):"
LEARNED_SUMMARY_ROUTES = (
    "summary:section",
    "summary:document",
    "summary:summary",
    "summary:library",
    "summary:compare",
)


def ask(
    store: Store,
    engine: Engine,
    question: str,
    settings: Settings,
    mode: str = "auto",
    on_text: Callable[[str], None] | None = None,
    *,
    harder: bool = False,
    earlier: Sequence[str] = (),
) -> Answer:
    """Answer, stream the text through `on_text`, and log the answer in the store.

    `harder` is Think harder (answer/harder.py): more question-time compute where it helps.
    `earlier`: the questions before this one in the conversation, oldest first."""
    answer = answer_question(
        store, engine, question, settings, mode, on_text, harder=harder, earlier=earlier
    )
    record_answer(store, question.strip(), answer, engine.model_id)
    return answer


def answer_question(
    store: Store,
    engine: Engine,
    question: str,
    settings: Settings,
    mode: str = "auto",
    on_text: Callable[[str], None] | None = None,
    *,
    embedder: Embedder | None = None,
    use_kv_cache: bool = True,
    use_notes: bool = True,
    harder: bool = False,
    earlier: Sequence[str] = (),
) -> Answer:
    """Everything `ask` does except logging (the benchmark answers without polluting the log).

    `use_notes=False` runs the same question-time pipeline as if nothing had been digested
    (raw sentences and the section tree only): the benchmark's measure of what the digest buys.
    `earlier`: the questions asked before this one in the conversation, oldest first; a
    follow-up ("And when is it due?") is answered with them (answer/follow_up.py).
    """
    question = question.strip()
    if not question:
        raise KnownError("the question is empty")
    follow_up = as_follow_up(question, earlier)
    answer = _answer_question(
        store,
        engine,
        question if follow_up is None else follow_up.text,
        settings,
        mode,
        on_text,
        embedder=embedder,
        use_kv_cache=use_kv_cache,
        use_notes=use_notes,
        harder=harder,
        follow_up=follow_up is not None,
    )
    return answer if follow_up is None else replace(answer, follows=follow_up.follows)


def _answer_question(
    store: Store,
    engine: Engine,
    question: str,
    settings: Settings,
    mode: str,
    on_text: Callable[[str], None] | None,
    *,
    embedder: Embedder | None,
    use_kv_cache: bool,
    use_notes: bool,
    harder: bool,
    follow_up: bool = False,
) -> Answer:
    if mode not in MODES:
        raise KnownError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    started = time.perf_counter()
    clock = _FirstText(started, on_text)

    def without_model(
        text: str, shown_mode: str, route: str, sources: list[Source], **more: Any
    ) -> Answer:
        """An answer no model wrote (a lookup, a quote, a summary, an abstention)."""
        if harder:  # Think harder says why it had nothing more to think about
            from nocturne.answer.harder import route_note

            more["extra"] = {**more.get("extra", {}), "note": route_note(route)}
        clock.emit(text)
        return _finish(
            store,
            engine,
            question,
            settings,
            clock,
            text,
            shown_mode,
            route,
            sources,
            Usage(),
            **more,
        )

    if library_is_empty(store):  # in every mode: nothing to read, nothing to guess from
        return without_model(
            EMPTY_LIBRARY,
            {"instant": "instant", "raw": "raw"}.get(mode, "learned"),
            "abstain",
            [],
            abstained=True,
            confidence=LOW,
        )
    if mode == "raw":
        return _finish_raw(store, engine, question, settings, clock)
    if harder and mode != "instant":
        from nocturne.answer import harder as think

        if think.is_large_model(engine, settings):  # only a large model reads raw pages well
            return think.raw_note(_finish_raw(store, engine, question, settings, clock), engine)
    query = analyse(store, question, follow_up=follow_up)
    whole_answer = _answer_comparison(store, query, mode, use_notes)
    if whole_answer is not None:
        return without_model(
            whole_answer.text,
            "learned",
            whole_answer.route,
            whole_answer.sources,
        )
    intent = detect_intent(question)
    if intent is not None and use_notes and not query.document_ids:
        whole = _answer_whole_documents(store, intent.kind, intent.targets)
        if whole is not None:
            text, sources = whole
            return without_model(
                text,
                "learned" if mode == "learned" else "instant",
                f"summary:{intent.kind}",
                sources,
            )
    if embedder is None:
        embedder = _configured_embedder(settings)
    outline = (
        answer_from_outline(store, query) or answer_from_definitions(store, query)
        if use_notes and mode != "raw"
        else None
    )
    if outline is not None and mode in ("auto", "instant"):
        by_note = note_sources(store, list(outline.note_ids))
        return without_model(
            outline.text,
            "instant",
            "instant",
            [s for note_id in outline.note_ids for s in by_note.get(note_id, ())[:1]],
            extra={"outline": True},
            confidence=HIGH,
        )
    retrieval = retrieve(store, question, embedder=embedder, use_notes=use_notes, query=query)
    summary = (
        answer_summary(store, query, retrieval, use_notes)
        if mode in ("auto", "learned") and is_summary(query)
        else None
    )
    if summary is not None:
        return without_model(
            summary.text,
            "learned",
            summary.route,
            summary.sources,
            confidence=LOW if summary.route == "summary:pending" else MEDIUM,
        )
    match = retrieval.best_anticipated
    threshold = INSTANT_FLOOR if mode == "instant" else INSTANT_THRESHOLD
    if (
        mode in ("auto", "instant")
        and match is not None
        and match.similarity >= threshold
        and _holds_what_is_asked(query, match.answer)
    ):
        return without_model(
            match.answer,
            "instant",
            "instant",
            list(match.sources),
            extra={
                "anticipated_question": match.question,
                "similarity": round(match.similarity, 3),
            },
            confidence=HIGH if match.similarity >= HIGH_SIMILARITY else MEDIUM,
        )
    absent = _should_abstain(retrieval)
    if mode == "instant" or absent:
        # In forced instant mode a miss means "nothing anticipated", not "not in the library".
        text = NOT_FOUND if absent else NO_INSTANT_MATCH
        closest = _closest_passage(retrieval) if absent else None
        if closest is not None:
            text += f"\n{CLOSEST_LABEL} “{trim_quote(closest.text, query.stems)}”"
        return without_model(
            text,
            "instant" if mode == "instant" else "learned",
            "abstain",
            [closest.source] if closest is not None else [],
            abstained=True,
        )
    if query.answer_type == "section":
        located = answer_which_section(store, retrieval, use_notes)
        if located is not None:
            return without_model(
                located.text,
                "instant" if located.from_outline else "learned",
                "instant" if located.from_outline else "learned",
                located.sources,
                extra={"outline": located.from_outline},
                confidence="high" if located.title_decided else "medium",
            )
    if harder:
        from nocturne.answer.harder import think_harder

        thought = think_harder(store, engine, retrieval, embedder=embedder, use_notes=use_notes)
        clock.emit(thought.text)
        return _finish(
            store, engine, question, settings, clock, thought.text, "learned", "learned",
            thought.sources, thought.used, extra=thought.extra, confidence=thought.confidence,
        )  # fmt: skip
    return _finish_learned(
        store, engine, question, settings, clock, retrieval, use_kv_cache, use_notes
    )


def _answer_comparison(
    store: Store, query: Query, mode: str, use_notes: bool
) -> WholeAnswer | None:
    if mode not in ("auto", "learned"):
        return None
    compared = answer_comparison(store, query, use_notes, IdfTable(store))
    return compared[0] if compared is not None else None


class _FirstText:
    """Forwards streamed text and remembers when the first piece arrived."""

    def __init__(self, started: float, on_text: Callable[[str], None] | None) -> None:
        self.started = started
        self.on_text = on_text
        self.first: float | None = None

    def emit(self, text: str) -> None:
        if self.first is None and text:
            self.first = time.perf_counter() - self.started
        if self.on_text is not None and text:
            self.on_text(text)

    def elapsed(self) -> float:
        return time.perf_counter() - self.started


def _holds_what_is_asked(query: Query, answer: str) -> bool:
    """A stored answer to "how much water does the tank hold" must hold a number: an
    anticipated question phrased alike is no match when its answer lacks the kind asked for."""
    if query.answer_type not in TYPED:
        return True
    return holds_expected_answer(query.answer_type, answer, query.asked)


def _closest_passage(retrieval: Retrieval) -> Evidence | None:
    """What comes nearest to an answer the library does not give, if anything does."""
    if retrieval.evidence and retrieval.evidence[0].coverage >= CLOSEST_MIN_COVERAGE:
        return retrieval.evidence[0]
    return None


def _should_abstain(retrieval: Retrieval) -> bool:
    """No evidence, too little of the question in the best of it, or the question turns on
    words the library never uses ("Kubernetes", "insurance")."""
    if not retrieval.evidence or retrieval.evidence[0].coverage < ABSTAIN_COVERAGE:
        return True
    best = retrieval.evidence[0]
    query = retrieval.query
    if (
        query is not None
        and query.answer_type in TYPED
        and best.coverage < ABSTAIN_UNTYPED_COVERAGE
        and not holds_expected_answer(query.answer_type, best.text, query.asked)
    ):
        return True  # "how many days …" and the best sentence holds no number
    if retrieval.unknown_name:
        return True  # "Debian 14" where the documents stop at Debian 13
    return (
        retrieval.absent_share >= ABSTAIN_ABSENT_SHARE and best.coverage < ABSTAIN_ABSENT_COVERAGE
    )


def _citations(store: Store, sources: list[Source], limit: int = 3) -> list[Citation]:
    seen: set[tuple[int, int | None, int | None]] = set()
    paths = section_paths(store, [s.chunk_id for s in sources])
    scanned = ocr_pages.read_pages(store, [s.chunk_id for s in sources])
    citations = []
    for source in sources:
        path = paths.get(source.chunk_id, ())
        leaf = path[-1].id if path else None
        where = (source.document_id, source.page, leaf)  # one line per place to look up
        if where in seen:
            continue
        seen.add(where)
        citations.append(
            Citation(
                source.document_name,
                source.page,
                source.chunk_id,
                source.document_path,
                path[-1].label if path else "",
                ocr=source.chunk_id in scanned,
            )
        )
    return citations[:limit]


def _finish(
    store: Store,
    engine: Engine,
    question: str,
    settings: Settings,
    clock: _FirstText,
    text: str,
    mode: str,
    route: str,
    sources: list[Source],
    used: Usage,
    *,
    abstained: bool = False,
    first_token_s: float | None = None,
    extra: dict[str, object] | None = None,
    confidence: str = MEDIUM,
    learned_evidence: bool | None = None,
) -> Answer:
    """Timing stops here; the baseline and the sleep-time share are accounting, not answering."""
    total_s = clock.elapsed()
    first = first_token_s if first_token_s is not None else (clock.first or total_s)
    baseline, _ = baseline_for(store, engine, question, settings)
    if abstained or route == "summary:pending":
        baseline = used  # no answer (or no summary yet) was given, so nothing was saved
    document_ids = sorted({s.document_id for s in sources})
    sleep_tokens, amortized = sleep_share(store, document_ids)
    factor = settings.question_token_factor
    price = settings.reference_price_per_million
    cost = answer_cost_usd(used, amortized, factor, price)
    return Answer(
        answer=text,
        mode=mode,
        citations=_citations(store, sources),
        usage=used,
        baseline=baseline,
        baseline_method="raw-bm25-prompt-tokenized",
        savings=savings(used, baseline, price, amortized, factor),
        timing=Timing(round(first, 4), round(total_s, 4)),
        sleep=SleepShare(sleep_tokens, round(amortized, 2)),
        abstained=abstained,
        confidence=confidence,
        extra=dict(extra or {}),
        route=route,
        document_ids=tuple(document_ids),
        spent_usd=cost,
        # Instant answers (anticipated questions, the outline, definitions) and summaries are
        # what the digest wrote; the other routes say it when they know.
        learned_evidence=(
            learned_evidence
            if learned_evidence is not None
            else not abstained and (route == "instant" or route in LEARNED_SUMMARY_ROUTES)
        ),
    )


def _finish_raw(
    store: Store, engine: Engine, question: str, settings: Settings, clock: _FirstText
) -> Answer:
    answer = answer_raw(store, engine, question, settings, clock.emit)
    document_ids = sorted(
        {
            int(row.document_id)
            for c in answer.citations
            if (row := store.chunk(c.chunk_id)) is not None
        }
    )
    cost = answer_cost_usd(
        answer.usage, 0.0, settings.question_token_factor, settings.reference_price_per_million
    )
    return replace(
        answer,
        route="raw",
        document_ids=tuple(document_ids),
        spent_usd=cost,
    )


def _finish_learned(
    store: Store,
    engine: Engine,
    question: str,
    settings: Settings,
    clock: _FirstText,
    retrieval: Retrieval,
    use_kv_cache: bool,
    use_notes: bool = True,
) -> Answer:
    brief = library_brief(store, use_notes=use_notes)
    extra: dict[str, object] = {}
    if use_kv_cache:
        from nocturne.engine.kv_cache import prefix_cache_for

        cache = prefix_cache_for(engine, paths.cache_dir() / "kv")
        if cache is not None:
            primed = cache.prepare(system_message(brief), learned_version(store))
            extra["kv_cache"] = {
                "how": primed.how,
                "prefix_tokens": primed.prefix_tokens,
                "seconds": round(primed.seconds, 4),
            }
    outcome = answer_learned(engine, retrieval, brief, settings.max_answer_tokens, clock.emit)
    extra.update(
        {
            "short_answer": outcome.short_answer,
            "supported": outcome.supported,
            "quote": quote(outcome.quote),
        }
    )
    return _finish(
        store,
        engine,
        question,
        settings,
        clock,
        outcome.text,
        "learned",
        "learned",
        [
            outcome.quote.source,
            *([outcome.quote.via] if outcome.quote.via else []),
            *([outcome.second.source] if outcome.second else []),
        ],
        Usage(outcome.prompt_tokens, outcome.completion_tokens),
        extra=extra,
        confidence=evidence_confidence(retrieval, outcome.quote, outcome.supported),
        # As if nothing had been digested (`use_notes=False`), nothing learned carries it.
        learned_evidence=use_notes and _learned_carried(store, outcome.quote),
    )


def _learned_carried(store: Store, quoted: Evidence) -> bool:
    """Whether what the digest learned carried this quote: it came from a note, or a fresh
    note of its chunk holds the same sentence (a key fact, an anticipated question's answer)."""
    if quoted.origin != "chunk":
        return True
    return bool(learned_notes_holding(store, [quoted.source.chunk_id], quoted.original))


def _answer_whole_documents(
    store: Store, kind: str, targets: tuple[str, ...]
) -> tuple[str, list[Source]] | None:
    """Text and sources from summaries and cross-document notes, or None if there are none."""
    parts: list[str] = []
    note_ids: list[int] = []
    if kind == "library":
        overview, overview_ids = library_overview(store)
        parts.append(overview)
        note_ids.extend(overview_ids)
    else:
        document_ids = [d for d in (find_document(store, t) for t in targets) if d is not None]
        if len(document_ids) != len(targets):
            return None
        for document_id in document_ids:
            summary = document_summary(store, document_id)
            if summary is None:
                return None
            name = document_name(store, document_id)
            parts.append(f"{name}: {summary[1]}" if kind == "compare" else summary[1])
            note_ids.append(summary[0])
        if kind == "compare":
            for note_id, text in cross_document_notes(store, document_ids)[:3]:
                parts.append(text)
                note_ids.append(note_id)
    sources_by_note = note_sources(store, note_ids)
    sources = [s for note_id in note_ids for s in sources_by_note.get(note_id, ())[:2]]
    return "\n\n".join(parts), sources


_EMBEDDERS: dict[str, Embedder] = {}


def _configured_embedder(settings: Settings) -> Embedder | None:
    """The optional dense retriever (an embedding GGUF in settings), loaded once per process."""
    path = str(settings.embedding_model_path or "").strip()
    if not path:
        return None
    if path not in _EMBEDDERS:
        from nocturne.engine.embedding import EmbeddingModel

        _EMBEDDERS[path] = EmbeddingModel.load(path, threads=settings.threads)
    return _EMBEDDERS[path]
