"""`nocturne bench QUESTIONS.jsonl`: every question in raw, learned and auto mode, measured.

Reported per mode: accuracy (an answer is correct when it contains any expected answer,
case-insensitive; for questions marked unanswerable, when it abstains), correct abstentions and
inventions on unanswerable questions, mean test-time tokens, median time to first token, total
time, and the amortized cost per question at 1, 10 and 100 questions per document (sleep-time
tokens converted with `question_token_factor`). Also the model-free reference — the best BM25
sentence of the library quoted as the answer — and sweeps of the instant threshold and the
abstention threshold, which is how those constants in `ask.py` were chosen.

What sleep-time compute buys: auto mode is run twice, with the digest's notes and with
`use_notes=False` (the same question-time pipeline as if nothing had been digested, reported as
its own mode "auto (no digest)"); the difference in accuracy is the *sleep-time gain*. That pass
is cheap: it goes through `ReplayEngine`, which answers a prompt the other passes already sent
from memory (decoding is greedy, so the model would say the same again); only its times are then
not measured, and the report says how many calls were replayed.

Also per mode: accuracy per question `kind`, the right-document rate of the first citation
(question files name the expected file in `doc` or `document`: a name, a list for comparisons, or
null), instant hit rate and precision, calibration (accuracy and share of answers per confidence
level), answers cut mid-word (see `is_cut`) and the median short-answer length.

Raw mode costs seconds per question with the bundled model, so on long question files it runs
on an evenly spaced sample (`raw_sample`, default 60; the report says how many).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any

from nocturne.answer.ask import answer_question
from nocturne.answer.result import Answer
from nocturne.answer.sweeps import sweep_abstention, sweep_instant
from nocturne.engine.base import (
    Completion,
    CompletionStream,
    Engine,
    GenerationOptions,
    Message,
)
from nocturne.errors import KnownError
from nocturne.library import sleep_tokens as digest_totals
from nocturne.library.learned_notes import chunk_count, fresh_note_count, readable_documents
from nocturne.library.sentence_index import SentenceIndex
from nocturne.library.store import Store
from nocturne.settings import Settings

if TYPE_CHECKING:
    from nocturne.engine.kv_cache import PrefixCache

MODES = ("raw", "learned", "auto")
NO_DIGEST = "auto_no_digest"  # auto mode with use_notes=False: the pipeline as if undigested
CONFIDENCE_LEVELS = ("high", "medium", "low")
NO_KIND = "other"  # questions without a kind, in a file where some have one
QUESTIONS_PER_DOCUMENT = (1, 10, 100)
DEFAULT_RAW_SAMPLE = 60


@dataclass(frozen=True)
class BenchQuestion:
    id: str
    question: str
    answers: tuple[str, ...]
    unanswerable: bool
    document: str = ""  # the first expected document ("" when none); see `docs`
    kind: str = ""
    docs: tuple[str, ...] = ()  # expected file name(s): one, two for a comparison, or none


def _expected_docs(item: dict[str, Any]) -> tuple[str, ...]:
    value = item.get("doc", item.get("document"))
    if value is None:
        return ()
    values = value if isinstance(value, list) else [value]
    return tuple(str(v) for v in values if v is not None and str(v).strip())


def load_questions(path: str | Path, limit: int | None = None) -> list[BenchQuestion]:
    source = Path(path)
    if not source.is_file():
        raise KnownError(f"no such questions file: {source}")
    questions = []
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            docs = _expected_docs(item)
            questions.append(
                BenchQuestion(
                    id=str(item.get("id", number)),
                    question=str(item["question"]),
                    answers=tuple(str(a) for a in item.get("answers", [])),
                    unanswerable=bool(item.get("unanswerable", not item.get("answers"))),
                    document=docs[0] if docs else "",
                    kind=str(item.get("kind") or ""),
                    docs=docs,
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise KnownError(f"{source}:{number}: not a question line ({exc})") from exc
    return questions[:limit] if limit else questions


def is_correct(question: BenchQuestion, text: str, abstained: bool) -> bool:
    if question.unanswerable:
        return abstained
    lowered = text.lower()
    return not abstained and any(a.lower() in lowered for a in question.answers)


def file_key(name: str) -> str:
    """A document's file name, compared without folders and case ("docs/A.md" ~ "a.md")."""
    text = name.strip()
    return PureWindowsPath(PurePosixPath(text).name).name.lower()


_OPEN_QUOTE = "“"
_WORD_CUT = re.compile(r"\w…")  # an ellipsis right after a letter or digit: "leaves at 18…"
_TRAILING = " \t\"'”’“‘»"


def short_part(text: str) -> str:
    """What an answer says before the sentence it quotes: its first line, quote stripped.

    Learned answers read `phrase — “quoted sentence”`; an answer that is only a quote has no
    phrase of its own (""); other answers (instant, raw, summaries) are their first line.
    """
    lines = text.strip().splitlines()
    first = lines[0].strip() if lines else ""
    if first.startswith(_OPEN_QUOTE):
        return ""
    if f" — {_OPEN_QUOTE}" in first:
        first = first.split(f" — {_OPEN_QUOTE}", 1)[0]
    elif f": {_OPEN_QUOTE}" in first:
        return ""  # "6.3 Report files: “…”": where the quote comes from, not a phrase
    return first.strip()


def quoted_part(text: str) -> str:
    """The sentence an answer quotes (between “ and ”), or ""."""
    start = text.find(_OPEN_QUOTE)
    if start < 0:
        return ""
    end = text.find("”", start + 1)
    return text[start + 1 : end if end > 0 else len(text)]


_POSSESSIVE = re.compile(r"['’]s$")


def _tokens(text: str) -> list[str]:
    """Words separated by whitespace or a dash ("King—an" is two), without surrounding
    punctuation ("18:40" stays whole) or a possessive ending ("Luther's" is the word "Luther")."""
    words = (w.strip(".,;:!?()[]{}\"'“”‘’«»…—–-") for w in re.split(r"[\s—–]+", text))
    return [_POSSESSIVE.sub("", w.lower()) for w in words if w]


def is_cut(short: str, evidence: str) -> bool:
    """Whether an answer's own phrase was cut mid-word by an output limit.

    The rule: (1) the phrase has an ellipsis directly after a letter or digit, which is how the
    learned pipeline marks a phrase stopped by the token cap; or (2) it ends without punctuation
    and its last word is the beginning of a word of the quoted evidence but not itself a word of
    it ("born in Smil" against "… born in Smiljan", "leaves at 18" against "18:40").
    """
    phrase = short.rstrip(_TRAILING)
    if not phrase:
        return False
    if _WORD_CUT.search(phrase):
        return True
    if not phrase[-1].isalnum():
        return False
    words = _tokens(phrase)
    evidence_words = set(_tokens(evidence))
    if not words or not evidence_words:
        return False
    last = words[-1]
    if len(last) < 2:
        return False  # "between L and P", "vitamin C", "plan B": a one-letter word is whole
    return last not in evidence_words and any(
        w.startswith(last) and w != last for w in evidence_words
    )


def _short_answer_chars(answer_text: str, extra: dict[str, Any]) -> int:
    """The model's short answer if it kept one, else what the answer shows first."""
    short = extra.get("short_answer")
    if isinstance(short, str) and short.strip():
        return len(short.strip())
    lines = answer_text.strip().splitlines()
    return len(lines[0].strip()) if lines else 0


@dataclass
class ModeStats:
    mode: str
    records: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self,
        question: BenchQuestion,
        text: str,
        abstained: bool,
        tokens: int,
        first_token_s: float,
        total_s: float,
        route: str,
        *,
        first_document: str | None = None,
        confidence: str | None = None,
        short_chars: int | None = None,
        cut: bool = False,
        replayed: bool = False,
    ) -> None:
        expected = {file_key(d) for d in question.docs}
        right_document = (
            None
            if question.unanswerable or not expected
            else first_document is not None and file_key(first_document) in expected
        )
        self.records.append(
            {
                "id": question.id,
                "kind": question.kind,
                "route": route,
                "correct": is_correct(question, text, abstained),
                "abstained": abstained,
                "unanswerable": question.unanswerable,
                "tokens": tokens,
                "first_token_s": round(first_token_s, 4),
                "total_s": round(total_s, 4),
                "answer": text[:300],
                "first_document": first_document,
                "right_document": right_document,
                "confidence": confidence,
                "short_chars": None if abstained else short_chars,
                "cut": cut and not abstained,
                "replayed": replayed,
            }
        )

    def summary(
        self,
        sleep_tokens_per_document: float,
        factor: float,
        price: float,
        kinds: Iterable[str] = (),
    ) -> dict[str, Any]:
        n = len(self.records)
        if not n:
            return {"mode": self.mode, "questions": 0}
        unanswerable = [r for r in self.records if r["unanswerable"]]
        answerable = [r for r in self.records if not r["unanswerable"]]
        tokens = statistics.fmean(r["tokens"] for r in self.records)
        instant = [r for r in self.records if r["route"] == "instant"]
        timed = [r for r in self.records if not r["replayed"]]
        uses_sleep = self.mode in ("learned", "auto")
        costs = {}
        for q in QUESTIONS_PER_DOCUMENT:
            effective = tokens + (sleep_tokens_per_document / q / factor if uses_sleep else 0)
            costs[str(q)] = {
                "tokens": round(effective, 1),
                "usd": round(effective * price / 1_000_000, 8),
            }
        with_doc = [r for r in answerable if r["right_document"] is not None]
        shorts = [r["short_chars"] for r in self.records if r["short_chars"] is not None]
        return {
            "mode": self.mode,
            "questions": n,
            "accuracy": round(sum(r["correct"] for r in self.records) / n, 4),
            "answerable_accuracy": _rate(sum(r["correct"] for r in answerable), len(answerable)),
            "unanswerable": len(unanswerable),
            "correct_abstention_rate": _rate(
                sum(r["abstained"] for r in unanswerable), len(unanswerable)
            ),
            "invention_rate": _rate(
                sum(not r["abstained"] for r in unanswerable), len(unanswerable)
            ),
            "mean_test_time_tokens": round(tokens, 1),
            "median_first_token_s": round(statistics.median(r["first_token_s"] for r in timed), 4)
            if timed
            else None,
            "total_s": round(sum(r["total_s"] for r in self.records), 2),
            "replayed": n - len(timed),
            "instant_hits": len(instant),
            "instant_accuracy": _rate(sum(r["correct"] for r in instant), len(instant)),
            "instant_median_s": round(statistics.median(r["total_s"] for r in instant), 4)
            if instant
            else None,
            "instant_hit_rate": _rate(
                sum(r["route"] == "instant" for r in answerable), len(answerable)
            ),
            "instant_precision": _rate(sum(r["correct"] for r in instant), len(instant)),
            "instant_on_unanswerable": sum(r["route"] == "instant" for r in unanswerable),
            "right_document_rate": _rate(
                sum(bool(r["right_document"]) for r in with_doc), len(with_doc)
            ),
            "right_document_questions": len(with_doc),
            "by_kind": _by_kind(self.records, kinds),
            "calibration": _calibration(self.records),
            "cut_answers": sum(r["cut"] for r in self.records),
            "median_short_answer_chars": statistics.median(shorts) if shorts else None,
            "cost_per_question": costs if self.mode != "reference" else None,
        }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _by_kind(records: list[dict[str, Any]], kinds: Iterable[str]) -> dict[str, Any] | None:
    order = list(kinds)
    if not order:
        return None
    result: dict[str, Any] = {}
    for kind in order:
        rows = [r for r in records if (r["kind"] or NO_KIND) == kind]
        if rows:
            result[kind] = {
                "questions": len(rows),
                "accuracy": _rate(sum(r["correct"] for r in rows), len(rows)),
            }
    return result


def _calibration(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Per confidence level: how many answers had it, their share, and how many were right."""
    rated = [r for r in records if r["confidence"] is not None]
    if not rated:
        return None
    result: dict[str, Any] = {}
    for level in (*CONFIDENCE_LEVELS, *sorted({r["confidence"] for r in rated})):
        if level in result:
            continue
        rows = [r for r in rated if r["confidence"] == level]
        if rows or level in CONFIDENCE_LEVELS:
            result[level] = {
                "answers": len(rows),
                "share": _rate(len(rows), len(rated)),
                "accuracy": _rate(sum(r["correct"] for r in rows), len(rows)),
            }
    return result


def question_kinds(questions: list[BenchQuestion]) -> list[str]:
    """The kinds in the order they first appear; [] when the file has none."""
    if not any(q.kind for q in questions):
        return []
    return list(dict.fromkeys(q.kind or NO_KIND for q in questions))


def _points(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(100 * (a - b), 1)


def sleep_time_gain(with_notes: dict[str, Any], without: dict[str, Any]) -> dict[str, Any]:
    """Auto with the digest's notes against the same pipeline without them, in points."""
    by_kind = {}
    for kind, row in (with_notes.get("by_kind") or {}).items():
        other = (without.get("by_kind") or {}).get(kind)
        if other:
            by_kind[kind] = _points(row["accuracy"], other["accuracy"])
    return {
        "answerable_points": _points(
            with_notes.get("answerable_accuracy"), without.get("answerable_accuracy")
        ),
        "overall_points": _points(with_notes.get("accuracy"), without.get("accuracy")),
        "correct_abstention_points": _points(
            with_notes.get("correct_abstention_rate"), without.get("correct_abstention_rate")
        ),
        "right_document_points": _points(
            with_notes.get("right_document_rate"), without.get("right_document_rate")
        ),
        "by_kind_points": by_kind or None,
    }


def sleep_tokens(store: Store) -> tuple[int, float]:
    """(all sleep-time tokens, the mean per digested document)."""
    total = digest_totals.total_tokens(store)
    documents = digest_totals.digested_documents(store)
    return total, (total / documents if documents else 0.0)


def digest_notes(store: Store) -> int:
    return fresh_note_count(store)


def missing_documents(store: Store, questions: list[BenchQuestion]) -> list[str]:
    """Documents the questions name that the library does not hold (by file name)."""
    present = {file_key(document.name) for document in readable_documents(store)}
    named = dict.fromkeys(d for q in questions for d in q.docs)
    return [d for d in named if file_key(d) not in present]


def bench_warnings(
    store: Store, questions: list[BenchQuestion], notes: int | None = None
) -> list[str]:
    warnings = []
    missing = missing_documents(store, questions)
    if missing:
        shown = ", ".join(missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        )
        warnings.append(
            f"{len(missing)} document(s) the questions name are not in the library: {shown}"
        )
    if (digest_notes(store) if notes is None else notes) == 0:
        warnings.append(
            "the library has no digest notes (run `nocturne digest`): the sleep-time gain is 0 "
            "by construction"
        )
    return warnings


def evenly_spaced(count: int, wanted: int) -> set[int]:
    if wanted >= count:
        return set(range(count))
    return {int(i * count / wanted) for i in range(wanted)}


class ReplayEngine:
    """Passes calls through and remembers each completion by its exact prompt and options.

    With `replaying` on, a prompt seen before is answered from memory instead of by the model:
    the no-digest pass often ends with the same passage in the same prompt as the auto pass, and
    greedy decoding would give the same text and token counts again (not the same times).
    """

    def __init__(self, engine: Engine) -> None:
        self.inner = engine
        self.replaying = False
        self.replayed = 0
        self._seen: dict[tuple[tuple[tuple[str, str], ...], GenerationOptions], Completion] = {}

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def context_size(self) -> int:
        return self.inner.context_size

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def count_prompt_tokens(self, messages: list[Message]) -> int:
        return self.inner.count_prompt_tokens(messages)

    def prefix_cache(self, directory: Path) -> PrefixCache | None:
        return self.inner.prefix_cache(directory)

    def complete(
        self,
        messages: list[Message],
        options: GenerationOptions = GenerationOptions(),
        *,
        purpose: str = "",
    ) -> Completion:
        return self.stream(messages, options, purpose=purpose).collect()

    def stream(
        self,
        messages: list[Message],
        options: GenerationOptions = GenerationOptions(),
        *,
        purpose: str = "",
    ) -> CompletionStream:
        key = (tuple((m["role"], m["content"]) for m in messages), options)
        known = self._seen.get(key)
        if self.replaying and known is not None:
            self.replayed += 1
            return CompletionStream(_replay(known))
        return CompletionStream(
            self._remember(key, self.inner.stream(messages, options, purpose=purpose))
        )

    def _remember(
        self,
        key: tuple[tuple[tuple[str, str], ...], GenerationOptions],
        inner: CompletionStream,
    ) -> Generator[str, None, Completion]:
        yield from inner
        completion = inner.completion
        assert completion is not None
        self._seen[key] = completion
        return completion


def _replay(completion: Completion) -> Generator[str, None, Completion]:
    if completion.text:
        yield completion.text
    return completion


def add_answer(
    stats: ModeStats, question: BenchQuestion, answer: Answer, replayed: bool = False
) -> None:
    """One answer's numbers: correctness, route, first cited document, confidence, cut, length."""
    quoted = answer.extra.get("quote")
    evidence = quoted_part(quoted) if isinstance(quoted, str) else quoted_part(answer.answer)
    stats.add(
        question,
        answer.answer,
        answer.abstained,
        answer.usage.total,
        answer.timing.first_token_s,
        answer.timing.total_s,
        answer.answered_by,
        first_document=answer.citations[0].document if answer.citations else None,
        confidence=getattr(answer, "confidence", None),
        short_chars=_short_answer_chars(answer.answer, answer.extra),
        cut=is_cut(short_part(answer.answer), evidence),
        replayed=replayed,
    )


def run_bench(
    store: Store,
    engine: Engine,
    settings: Settings,
    questions: list[BenchQuestion],
    *,
    raw_sample: int = DEFAULT_RAW_SAMPLE,
    progress: Any = None,
) -> dict[str, Any]:
    """Answer every question in every mode; returns the report (see `format_report`)."""
    started = time.perf_counter()
    engine.complete(
        [{"role": "user", "content": "Hello"}],
        GenerationOptions(max_tokens=2),
        purpose="bench:warmup",
    )  # the first decode of a process pays set-up costs
    notes = digest_notes(store)
    warnings = bench_warnings(store, questions, notes)
    replay = ReplayEngine(engine)
    stats = {mode: ModeStats(mode) for mode in (*MODES, NO_DIGEST, "reference")}
    raw_indices = evenly_spaced(len(questions), raw_sample)
    index = SentenceIndex(store)
    for number, question in enumerate(questions):
        ref_started = time.perf_counter()
        best = index.best(question.question, 1)
        text = best[0].sentence if best else ""
        elapsed = time.perf_counter() - ref_started
        stats["reference"].add(
            question,
            text,
            not best,
            0,
            elapsed,
            elapsed,
            "reference",
            first_document=best[0].document_name if best else None,
            short_chars=len(text) if best else None,
        )
        auto = answer_question(store, replay, question.question, settings, "auto")
        add_answer(stats["auto"], question, auto)
        if auto.answered_by in ("learned", "abstain") and auto.mode == "learned":
            add_answer(stats["learned"], question, auto)  # same computation; greedy decoding
        else:
            add_answer(
                stats["learned"],
                question,
                answer_question(store, replay, question.question, settings, "learned"),
            )
        if notes == 0:
            # Nothing digested: with or without notes is the same computation.
            add_answer(stats[NO_DIGEST], question, auto)
        else:
            replay.replaying, before = True, replay.replayed
            try:
                plain = answer_question(
                    store, replay, question.question, settings, "auto", use_notes=False
                )
            finally:
                replay.replaying = False
            add_answer(stats[NO_DIGEST], question, plain, replayed=replay.replayed > before)
        if number in raw_indices:
            add_answer(
                stats["raw"],
                question,
                answer_question(store, engine, question.question, settings, "raw"),
            )
        if progress is not None:
            progress(number + 1, len(questions))
    index.close()
    kv_cache = measure_prefix_cache(store, engine)
    total_sleep, per_document = sleep_tokens(store)
    factor = settings.question_token_factor
    price = settings.reference_price_per_million
    kinds = question_kinds(questions)
    summaries = {mode: s.summary(per_document, factor, price, kinds) for mode, s in stats.items()}
    gain = sleep_time_gain(summaries["auto"], summaries[NO_DIGEST])
    return {
        "questions": len(questions),
        "raw_sampled": len(raw_indices),
        "model": engine.model_id,
        "sleep_time_tokens": total_sleep,
        "sleep_time_tokens_per_document": round(per_document, 1),
        "digest_notes": notes,
        "question_token_factor": factor,
        "price_per_million": price,
        "kinds": kinds,
        "sleep_time_gain": gain,
        "warnings": warnings,
        "modes": summaries,
        "instant_sweep": sweep_instant(store, questions),
        "abstention_sweep": sweep_abstention(store, questions),
        "kv_cache": kv_cache,
        "seconds": round(time.perf_counter() - started, 1),
        "records": {mode: s.records for mode, s in stats.items()},
    }


def measure_prefix_cache(store: Store, engine: Engine) -> dict[str, Any] | None:
    """What the KV prefix cache saves: evaluating the learned-mode prefix vs restoring it."""
    import tempfile

    from nocturne.answer.learned import library_brief, system_message
    from nocturne.engine.kv_cache import prefix_cache_for

    with tempfile.TemporaryDirectory() as folder:
        cache = prefix_cache_for(engine, Path(folder))
        if cache is None:
            return None
        system = system_message(library_brief(store))
        overwrite: list[Message] = [{"role": "user", "content": "Hello"}]
        engine.complete(overwrite, GenerationOptions(max_tokens=1), purpose="bench:kv")
        computed = cache.prepare(system, "bench")
        engine.complete(overwrite, GenerationOptions(max_tokens=1), purpose="bench:kv")
        restored = cache.prepare(system, "bench")
        memory = cache.prepare(system, "bench")
        size = sum(p.stat().st_size for p in Path(folder).glob("*.kv"))
    return {
        "prefix_tokens": computed.prefix_tokens,
        "evaluate_s": round(computed.seconds, 4),
        "restore_from_disk_s": round(restored.seconds, 4),
        "already_loaded_s": round(memory.seconds, 4),
        "file_bytes": size,
        "restored_how": restored.how,
    }


def run_bench_command(args: Any) -> int:
    from nocturne.answer.bench_report import format_report, write_plot
    from nocturne.engine.factory import make_engine

    questions = load_questions(args.questions, getattr(args, "limit", None))
    if not questions:
        raise KnownError(f"{args.questions} has no questions")
    settings = Settings.load()
    sample = getattr(args, "raw_sample", None) or os.environ.get("NOCTURNE_BENCH_RAW_SAMPLE")
    raw_sample = len(questions) if str(sample) == "all" else int(sample or DEFAULT_RAW_SAMPLE)

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\rbench: {done}/{total} questions", end="", file=sys.stderr, flush=True)
        elif done % 25 == 0 or done == total:
            print(f"bench: {done}/{total} questions", file=sys.stderr, flush=True)

    with Store.open() as store:
        if not chunk_count(store):
            raise KnownError("the library is empty; add the documents the questions are about")
        for warning in bench_warnings(store, questions):
            print(f"nocturne: warning: {warning}", file=sys.stderr)
        engine = make_engine(settings, "answer")
        report = run_bench(
            store, engine, settings, questions, raw_sample=raw_sample, progress=progress
        )
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if args.plot:
        write_plot(report, args.plot)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(format_report(report))
        if args.plot:
            print(f"\nplot written to {args.plot}")
    return 0
