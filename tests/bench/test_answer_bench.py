"""Question-time benchmark on ../shared/eval with the bundled model (`make bench`).

Builds a library from the evaluation documents, digests it with the real digest, then runs
`run_bench` and prints the table: learned/auto against raw (tokens ratio, accuracy, median time to
first token and its speed-up), instant latency, the model-free BM25-sentence reference, and the
sweeps behind the routing thresholds. Prints honest numbers; asserts only what must hold for the
numbers to mean anything (every mode ran, instant answers came without model tokens).

Knobs (environment): NOCTURNE_BENCH_SETS (default "xquad-small,squad2"), NOCTURNE_BENCH_LIMIT
(questions per set, default 120), NOCTURNE_BENCH_RAW_SAMPLE (default 30), NOCTURNE_BENCH_BUDGET
(digest budget, default "low"), NOCTURNE_BENCH_THREADS (llama.cpp threads, default the setting;
1 is much faster on a machine that other processes already keep busy), NOCTURNE_BENCH_PLOT (a
folder to write the plots and JSON reports into).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from nocturne.answer.bench import load_questions, run_bench
from nocturne.answer.bench_report import format_report, write_plot
from nocturne.engine.local import LocalEngine, LocalTokenizer
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.settings import Settings

pytestmark = [pytest.mark.bench, pytest.mark.integration, pytest.mark.slow]

EVAL = Path(__file__).resolve().parents[3] / "shared" / "eval"
SETS = {
    "xquad-small": (EVAL / "xquad" / "questions-small.jsonl", EVAL / "xquad" / "docs"),
    "squad2": (EVAL / "squad2-small" / "questions.jsonl", EVAL / "squad2-small" / "docs"),
}


def _documents_for(questions_path: Path, docs: Path) -> list[Path]:
    names = sorted(
        {
            json.loads(line).get("document", "")
            for line in questions_path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        }
    )
    return [docs / name for name in names if name and (docs / name).exists()] or [docs]


def _evenly(items: list[Any], count: int) -> list[Any]:
    if count >= len(items):
        return items
    return [items[int(i * len(items) / count)] for i in range(count)]


@pytest.mark.parametrize(
    "name", os.environ.get("NOCTURNE_BENCH_SETS", "xquad-small,squad2").split(",")
)
def test_answer_bench(name: str, home: Path, model_path: Path) -> None:
    from nocturne.sleeptime.runner import DigestRunner

    questions_path, docs = SETS[name]
    if not questions_path.exists():
        pytest.skip(f"{questions_path} is not available")
    settings = Settings.load()
    store = Store.open()
    results = list(
        add_paths(store, _documents_for(questions_path, docs), settings, LocalTokenizer(model_path))
    )
    assert results and not any(r.failed for r in results)
    threads = int(os.environ.get("NOCTURNE_BENCH_THREADS", settings.threads))
    engine = LocalEngine(model_path, context_size=settings.context_size, threads=threads)
    digest_started = time.perf_counter()
    digest = DigestRunner(store, engine, os.environ.get("NOCTURNE_BENCH_BUDGET", "low")).run()
    digest_s = time.perf_counter() - digest_started
    questions = _evenly(
        load_questions(questions_path), int(os.environ.get("NOCTURNE_BENCH_LIMIT", "120"))
    )
    report = run_bench(
        store,
        engine,
        settings,
        questions,
        raw_sample=int(os.environ.get("NOCTURNE_BENCH_RAW_SAMPLE", "30")),
    )
    print(
        f"\n=== {name}: {len(questions)} questions; digest: {digest.summary_line()} "
        f"({digest_s:.0f} s)"
    )
    print(format_report(report))
    modes = report["modes"]
    raw, learned, auto = modes["raw"], modes["learned"], modes["auto"]
    for label, s in (("learned", learned), ("auto", auto)):
        ratio = raw["mean_test_time_tokens"] / max(1.0, s["mean_test_time_tokens"])
        speedup = raw["median_first_token_s"] / max(1e-6, s["median_first_token_s"])
        print(
            f"{label}: {ratio:.1f}x fewer tokens than raw; accuracy {s['accuracy']:.3f} vs "
            f"raw {raw['accuracy']:.3f} (reference {modes['reference']['accuracy']:.3f}); "
            f"median TTFT {s['median_first_token_s']:.3f} s vs {raw['median_first_token_s']:.3f}"
            f" s = {speedup:.1f}x"
        )
    if auto["instant_hits"]:
        print(
            f"instant: {auto['instant_hits']} hits, median {auto['instant_median_s'] * 1000:.1f}"
            f" ms, accuracy {auto['instant_accuracy']:.3f}"
        )
    folder = os.environ.get("NOCTURNE_BENCH_PLOT")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        write_plot(report, str(Path(folder) / f"answer-bench-{name}.png"))
        (Path(folder) / f"answer-bench-{name}.json").write_text(json.dumps(report, indent=2))
    store.close()
    assert raw["questions"] and learned["questions"] == auto["questions"] == len(questions)
    instant_tokens = [r["tokens"] for r in report["records"]["auto"] if r["route"] == "instant"]
    assert all(t == 0 for t in instant_tokens)
