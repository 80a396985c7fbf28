"""Digest throughput against raw llama-cpp-python, side by side in one run (`make bench`).

The digest runs on a few sample documents with the bundled model while its model calls are
recorded; the same calls (same chat-rendered prompts, grammars, token caps, sampling) are then
replayed straight through `llama_cpp.Llama.create_completion` in a separate process with the same
model and threads. The order is digest, raw, raw, digest (the digest redone from scratch), and
each side's two runs are averaged, so a load change on a shared CPU hits both sides alike.

Throughput is model tokens (prompt + completion) per second, by wall clock and by CPU time of
the process (CPU time is the steadier measure when other programs compete for the cores). The
digest's clocks include everything it does besides the model: planning, extraction, support
checks, SQLite commits, call logging. The goal is a ratio of at least 0.9. A plain free-running
generation is printed for reference.

Knobs (environment): NOCTURNE_BENCH_DIGEST_DOCS (documents, default 2),
NOCTURNE_BENCH_DIGEST_BUDGET (default "low").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from nocturne.engine.base import Completion, CompletionStream, GenerationOptions, Message
from nocturne.engine.local import LocalEngine, LocalTokenizer
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime.runner import DigestRunner

pytestmark = [pytest.mark.bench, pytest.mark.integration, pytest.mark.slow]

DOCS = Path(__file__).resolve().parents[3] / "shared" / "eval" / "xquad" / "docs"
SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"


class RecordingEngine:
    """Passes calls through to the digest's LocalEngine and keeps what the replay needs."""

    def __init__(self, inner: LocalEngine) -> None:
        self.inner = inner
        self.calls: list[dict[str, Any]] = []
        self.completions: list[Completion] = []

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
        self.calls.append({"prompt": self.inner.render(messages), **asdict(options)})
        inner = self.inner.stream(messages, options, purpose=purpose)

        def relay() -> Any:
            yield from inner
            assert inner.completion is not None
            self.completions.append(inner.completion)
            return inner.completion

        return CompletionStream(relay())


def replay(calls_file: str, model_path: str, threads: int) -> dict[str, float]:
    """Run recorded calls straight through llama-cpp-python (in its own process)."""
    from llama_cpp import Llama, LlamaGrammar

    calls = json.loads(Path(calls_file).read_text())
    llama = Llama(
        model_path=model_path,
        n_ctx=2048,
        n_threads=threads,
        n_threads_batch=threads,
        seed=0,
        verbose=False,
    )
    grammars = {
        g: LlamaGrammar.from_string(g, verbose=False)
        for g in {c["grammar"] for c in calls if c["grammar"]}
    }
    prompt_tokens = completion_tokens = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for call in calls:
        tokens = llama.tokenize(call["prompt"].encode("utf-8"), special=True)
        prompt_tokens += len(tokens)
        stream: Any = llama.create_completion(
            tokens,
            max_tokens=call["max_tokens"],
            temperature=call["temperature"],
            top_p=call["top_p"],
            repeat_penalty=call["repeat_penalty"],
            grammar=grammars.get(call["grammar"] or ""),
            seed=call["seed"],
            stop=list(call["stop"]) or None,
            stream=True,
        )
        for _ in stream:
            completion_tokens += 1  # one per streamed chunk, counted as the engine counts
    return {
        "calls": len(calls),
        "prompt": prompt_tokens,
        "completion": completion_tokens,
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
    }


def run_replay(
    calls: list[dict[str, Any]], model_path: Path, threads: int, folder: Path
) -> dict[str, float]:
    calls_file = folder / "calls.json"
    calls_file.write_text(json.dumps(calls))
    done = subprocess.run(
        [sys.executable, __file__, str(calls_file), str(model_path), str(threads)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def free_generation(model_path: Path, threads: int, tokens: int = 256) -> float:
    """Plain generation speed (completion tokens per second) for reference."""
    from llama_cpp import Llama

    llama = Llama(
        model_path=str(model_path),
        n_ctx=2048,
        n_threads=threads,
        n_threads_batch=threads,
        seed=0,
        verbose=False,
    )
    started = time.perf_counter()
    out: Any = llama.create_completion(
        "Once upon a time", max_tokens=tokens, temperature=0.0, repeat_penalty=1.15
    )
    return int(out["usage"]["completion_tokens"]) / (time.perf_counter() - started)


def _sample_documents(count: int) -> list[Path]:
    kinds = {".md", ".txt", ".pdf", ".html", ".docx"}
    samples = sorted(p for p in SAMPLES.glob("*") if p.suffix in kinds)
    return (samples or sorted(DOCS.glob("*.md")))[:count]


def _digest_once(store: Store, engine: RecordingEngine, budget: str) -> dict[str, float]:
    with store.transaction() as conn:  # from scratch, so both digests do the same work
        conn.execute("DELETE FROM digest_steps")
        conn.execute("DELETE FROM notes")
    engine.calls.clear()
    engine.completions.clear()
    wall, cpu = time.perf_counter(), time.process_time()
    result = DigestRunner(store, engine, budget).run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert result.reason == "done" and engine.completions
    return {
        "calls": len(engine.completions),
        "prompt": sum(c.usage.prompt_tokens for c in engine.completions),
        "completion": sum(c.usage.completion_tokens for c in engine.completions),
        "model": sum(c.seconds for c in engine.completions),
        "wall": wall,
        "cpu": cpu,
        "steps": result.done,
        "kept": result.kept,
    }


def _mean(first: dict[str, float], second: dict[str, float]) -> dict[str, float]:
    return {key: (first[key] + second[key]) / 2 for key in first}


def _rate(run: dict[str, float], clock: str) -> float:
    return (run["prompt"] + run["completion"]) / run[clock] if run[clock] else 0.0


def test_digest_throughput_against_raw_llama_cpp(
    home: Path, model_path: Path, tmp_path: Path
) -> None:
    count = int(os.environ.get("NOCTURNE_BENCH_DIGEST_DOCS", "2"))
    budget = os.environ.get("NOCTURNE_BENCH_DIGEST_BUDGET", "low")
    documents = _sample_documents(count)
    if not documents:
        pytest.skip("no sample documents")
    settings = Settings.load()
    store = Store.open()
    list(add_paths(store, documents, settings, LocalTokenizer(model_path)))
    engine = LocalEngine(model_path, context_size=settings.context_size, threads=settings.threads)
    recorder = RecordingEngine(engine)

    digest_a = _digest_once(store, recorder, budget)
    calls = list(recorder.calls)
    raw_a = run_replay(calls, model_path, engine.threads, tmp_path)
    raw_b = run_replay(calls, model_path, engine.threads, tmp_path)
    digest_b = _digest_once(store, recorder, budget)
    store.close()
    digest, raw = _mean(digest_a, digest_b), _mean(raw_a, raw_b)
    free = free_generation(model_path, engine.threads)

    print()
    print(
        f"Digest throughput ({engine.model_id}, {engine.threads} threads, budget {budget}, "
        f"{len(documents)} documents, {int(digest['steps'])} steps, "
        f"{int(digest['kept'])} notes kept)"
    )
    print(
        f"{'':<22}{'calls':>6}{'prompt':>8}{'compl.':>8}{'wall s':>8}{'tok/s':>8}"
        f"{'cpu s':>8}{'tok/cpu-s':>10}"
    )
    for name, run in (("nocturne digest", digest), ("raw llama-cpp-python", raw)):
        print(
            f"{name:<22}{int(run['calls']):>6}{int(run['prompt']):>8}"
            f"{int(run['completion']):>8}{run['wall']:>8.1f}{_rate(run, 'wall'):>8.1f}"
            f"{run['cpu']:>8.1f}{_rate(run, 'cpu'):>10.1f}"
        )
    print(
        f"  runs (wall s): digest {digest_a['wall']:.1f} / {digest_b['wall']:.1f}, "
        f"raw {raw_a['wall']:.1f} / {raw_b['wall']:.1f}; inside the digest "
        f"{digest['model']:.1f} s in model calls, {digest['wall'] - digest['model']:.1f} s "
        f"everything else"
    )
    print(f"free generation, for reference: {free:.1f} completion tok/s")
    for clock in ("wall", "cpu"):
        ratio = _rate(digest, clock) / _rate(raw, clock)
        verdict = "meets" if ratio >= 0.9 else "BELOW"
        print(f"ratio digest/raw by {clock}: {ratio:.2f} ({verdict} the goal of >= 0.90)")
    assert raw["calls"] == digest["calls"] and raw["prompt"] == digest["prompt"]


if __name__ == "__main__":  # the raw side, run in its own process by `run_replay`
    print(json.dumps(replay(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
