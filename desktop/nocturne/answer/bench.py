"""`nocturne bench QUESTIONS.jsonl`: every question in raw, learned and auto mode, measured.

Reported per mode: accuracy (an answer is correct when it contains any expected answer,
case-insensitive; for questions marked unanswerable, when it abstains), correct abstentions and
inventions on unanswerable questions, mean test-time tokens, median time to first token, total
time, and the amortized cost per question at 1, 10 and 100 questions per document (sleep-time
tokens converted with `question_token_factor`). Also the model-free reference — the best BM25
sentence of the library quoted as the answer — and sweeps of the instant threshold and the
abstention threshold, which is how those constants in `ask.py` were chosen.

Raw mode costs seconds per question with the bundled model, so on long question files it runs
on an evenly spaced sample (`raw_sample`, default 60; the report says how many).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nocturne.answer.ask import answer_question
from nocturne.answer.reference import SentenceIndex
from nocturne.answer.result import Answer
from nocturne.answer.sweeps import sweep_abstention, sweep_instant
from nocturne.engine.base import Engine, GenerationOptions, Message
from nocturne.errors import KnownError
from nocturne.library.store import Store
from nocturne.settings import Settings

MODES = ("raw", "learned", "auto")
QUESTIONS_PER_DOCUMENT = (1, 10, 100)
DEFAULT_RAW_SAMPLE = 60


@dataclass(frozen=True)
class BenchQuestion:
    id: str
    question: str
    answers: tuple[str, ...]
    unanswerable: bool
    document: str = ""


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
            questions.append(
                BenchQuestion(
                    id=str(item.get("id", number)),
                    question=str(item["question"]),
                    answers=tuple(str(a) for a in item.get("answers", [])),
                    unanswerable=bool(item.get("unanswerable", not item.get("answers"))),
                    document=str(item.get("document", "")),
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
    ) -> None:
        self.records.append(
            {
                "id": question.id,
                "route": route,
                "correct": is_correct(question, text, abstained),
                "abstained": abstained,
                "unanswerable": question.unanswerable,
                "tokens": tokens,
                "first_token_s": round(first_token_s, 4),
                "total_s": round(total_s, 4),
                "answer": text[:300],
            }
        )

    def summary(
        self, sleep_tokens_per_document: float, factor: float, price: float
    ) -> dict[str, Any]:
        n = len(self.records)
        if not n:
            return {"mode": self.mode, "questions": 0}
        unanswerable = [r for r in self.records if r["unanswerable"]]
        answerable = [r for r in self.records if not r["unanswerable"]]
        tokens = statistics.fmean(r["tokens"] for r in self.records)
        instant = [r for r in self.records if r["route"] == "instant"]
        uses_sleep = self.mode in ("learned", "auto")
        costs = {}
        for q in QUESTIONS_PER_DOCUMENT:
            effective = tokens + (sleep_tokens_per_document / q / factor if uses_sleep else 0)
            costs[str(q)] = {
                "tokens": round(effective, 1),
                "usd": round(effective * price / 1_000_000, 8),
            }
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
            "median_first_token_s": round(
                statistics.median(r["first_token_s"] for r in self.records), 4
            ),
            "total_s": round(sum(r["total_s"] for r in self.records), 2),
            "instant_hits": len(instant),
            "instant_accuracy": _rate(sum(r["correct"] for r in instant), len(instant)),
            "instant_median_s": round(statistics.median(r["total_s"] for r in instant), 4)
            if instant
            else None,
            "cost_per_question": costs if self.mode != "reference" else None,
        }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def sleep_tokens(store: Store) -> tuple[int, float]:
    """(all sleep-time tokens, the mean per digested document)."""
    total = int(
        store.scalar("SELECT SUM(prompt_tokens + completion_tokens) FROM digest_steps") or 0
    )
    documents = int(
        store.scalar(
            "SELECT COUNT(DISTINCT document_id) FROM digest_steps WHERE document_id IS NOT NULL"
        )
        or 0
    )
    return total, (total / documents if documents else 0.0)


def evenly_spaced(count: int, wanted: int) -> set[int]:
    if wanted >= count:
        return set(range(count))
    return {int(i * count / wanted) for i in range(wanted)}


def _record(stats: ModeStats, question: BenchQuestion, answer: Answer) -> None:
    stats.add(
        question,
        answer.answer,
        answer.abstained,
        answer.usage.total,
        answer.timing.first_token_s,
        answer.timing.total_s,
        str(answer.extra.get("route", answer.mode)),
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
    stats = {mode: ModeStats(mode) for mode in (*MODES, "reference")}
    raw_indices = evenly_spaced(len(questions), raw_sample)
    index = SentenceIndex(store)
    for number, question in enumerate(questions):
        ref_started = time.perf_counter()
        best = index.best(question.question, 1)
        text = best[0].sentence if best else ""
        elapsed = time.perf_counter() - ref_started
        stats["reference"].add(question, text, not best, 0, elapsed, elapsed, "reference")
        auto = answer_question(store, engine, question.question, settings, "auto")
        _record(stats["auto"], question, auto)
        if auto.extra.get("route") in ("learned", "abstain") and auto.mode == "learned":
            _record(stats["learned"], question, auto)  # same computation; greedy decoding
        else:
            _record(
                stats["learned"],
                question,
                answer_question(store, engine, question.question, settings, "learned"),
            )
        if number in raw_indices:
            _record(
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
    summaries = {mode: s.summary(per_document, factor, price) for mode, s in stats.items()}
    return {
        "questions": len(questions),
        "raw_sampled": len(raw_indices),
        "model": engine.model_id,
        "sleep_time_tokens": total_sleep,
        "sleep_time_tokens_per_document": round(per_document, 1),
        "question_token_factor": factor,
        "price_per_million": price,
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
        if not store.scalar("SELECT COUNT(*) FROM chunks"):
            raise KnownError("the library is empty; add the documents the questions are about")
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
