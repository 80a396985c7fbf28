"""Digest throughput against raw llama-cpp-python, side by side in one run (`make bench`).

The digest runs on a few sample documents with the bundled model. Next to each of its model
calls, the same call (same chat-rendered prompt, grammar, token cap, sampling) is replayed
straight through `llama_cpp.Llama.create_completion` on a second copy of the model with the
same threads, and timed separately; that time is taken out of the digest's wall clock. Pairing
call by call means both sides see the same load on a shared CPU. The order within a pair
alternates (digest first, then raw first): a llama.cpp context's threads keep spinning briefly
after a call and slow whichever call comes next, which would otherwise favour one side.

Throughput is model tokens (prompt + completion) per wall-clock second. The digest's wall clock
includes everything it does besides the model (planning, extraction, support checks, SQLite
commits, call logging). The goal is a ratio of at least 0.9. A plain free-running generation is
printed for reference.

Knobs (environment): NOCTURNE_BENCH_DIGEST_DOCS (documents, default 2),
NOCTURNE_BENCH_DIGEST_BUDGET (default "low").
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
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


@dataclass
class RawTotals:
    calls: int = 0
    prompt: int = 0
    completion: int = 0
    seconds: float = 0.0


class RawLlama:
    """The same call straight through llama-cpp-python, on its own copy of the model."""

    def __init__(self, model_path: Path, threads: int) -> None:
        from llama_cpp import Llama

        self.llama = Llama(model_path=str(model_path), n_ctx=2048, n_threads=threads,
                           n_threads_batch=threads, seed=0, verbose=False)
        self.grammars: dict[str, Any] = {}
        self.totals = RawTotals()

    def run(self, prompt: str, options: GenerationOptions) -> None:
        from llama_cpp import LlamaGrammar

        grammar = None
        if options.grammar:
            if options.grammar not in self.grammars:
                self.grammars[options.grammar] = LlamaGrammar.from_string(
                    options.grammar, verbose=False)
            grammar = self.grammars[options.grammar]
        started = time.perf_counter()
        tokens = self.llama.tokenize(prompt.encode("utf-8"), special=True)
        completion = 0
        for _ in self.llama.create_completion(
            tokens, max_tokens=options.max_tokens, temperature=options.temperature,
            top_p=options.top_p, repeat_penalty=options.repeat_penalty, grammar=grammar,
            seed=options.seed, stop=list(options.stop) or None, stream=True,
        ):
            completion += 1
        self.totals.seconds += time.perf_counter() - started
        self.totals.calls += 1
        self.totals.prompt += len(tokens)
        self.totals.completion += completion


class PairedEngine:
    """Passes calls to the digest's LocalEngine, then replays each one raw (timed apart)."""

    def __init__(self, inner: LocalEngine, raw: RawLlama) -> None:
        self.inner = inner
        self.raw = raw
        self.completions: list[Completion] = []

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def context_size(self) -> int:
        return self.inner.context_size

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def complete(self, messages: list[Message], options: GenerationOptions = GenerationOptions(),
                 *, purpose: str = "") -> Completion:
        return self.stream(messages, options, purpose=purpose).collect()

    def stream(self, messages: list[Message], options: GenerationOptions = GenerationOptions(),
               *, purpose: str = "") -> CompletionStream:
        raw_first = len(self.completions) % 2 == 1
        if raw_first:
            self.raw.run(self.inner.render(messages), options)
        inner = self.inner.stream(messages, options, purpose=purpose)

        def relay() -> Any:
            yield from inner
            assert inner.completion is not None
            self.completions.append(inner.completion)
            if not raw_first:
                self.raw.run(self.inner.render(messages), options)
            return inner.completion

        return CompletionStream(relay())


def free_generation(model_path: Path, threads: int, tokens: int = 256) -> float:
    """Plain generation speed (completion tokens per second) for reference."""
    from llama_cpp import Llama

    llama = Llama(model_path=str(model_path), n_ctx=2048, n_threads=threads,
                  n_threads_batch=threads, seed=0, verbose=False)
    started = time.perf_counter()
    out: Any = llama.create_completion("Once upon a time", max_tokens=tokens, temperature=0.0,
                                       repeat_penalty=1.15)
    return int(out["usage"]["completion_tokens"]) / (time.perf_counter() - started)


def _row(name: str, calls: float, prompt: float, completion: float, seconds: float) -> str:
    rate = (prompt + completion) / seconds if seconds else 0.0
    return (f"{name:<24}{int(calls):>7}{int(prompt):>12}{int(completion):>12}"
            f"{seconds:>10.1f}{rate:>10.1f}")


def _sample_documents(count: int) -> list[Path]:
    kinds = {".md", ".txt", ".pdf", ".html", ".docx"}
    samples = sorted(p for p in SAMPLES.glob("*") if p.suffix in kinds)
    return (samples or sorted(DOCS.glob("*.md")))[:count]


def test_digest_throughput_against_raw_llama_cpp(home: Path, model_path: Path) -> None:
    count = int(os.environ.get("NOCTURNE_BENCH_DIGEST_DOCS", "2"))
    budget = os.environ.get("NOCTURNE_BENCH_DIGEST_BUDGET", "low")
    documents = _sample_documents(count)
    if not documents:
        pytest.skip("no sample documents")
    settings = Settings.load()
    store = Store.open()
    list(add_paths(store, documents, settings, LocalTokenizer(model_path)))
    engine = LocalEngine(model_path, context_size=settings.context_size, threads=settings.threads)
    raw = RawLlama(model_path, engine.threads)
    paired = PairedEngine(engine, raw)
    started = time.perf_counter()
    result = DigestRunner(store, paired, budget).run()
    digest_seconds = time.perf_counter() - started - raw.totals.seconds
    store.close()
    assert result.reason == "done" and paired.completions

    prompt = sum(c.usage.prompt_tokens for c in paired.completions)
    completion = sum(c.usage.completion_tokens for c in paired.completions)
    model_seconds = sum(c.seconds for c in paired.completions)
    digest_rate = (prompt + completion) / digest_seconds
    raw_rate = (raw.totals.prompt + raw.totals.completion) / raw.totals.seconds
    ratio = digest_rate / raw_rate
    free = free_generation(model_path, engine.threads)

    print()
    print(f"Digest throughput ({engine.model_id}, {engine.threads} threads, budget {budget}, "
          f"{len(documents)} documents, {result.done} steps, {result.kept} notes kept)")
    print(f"{'':<24}{'calls':>7}{'prompt tok':>12}{'compl. tok':>12}{'seconds':>10}{'tok/s':>10}")
    print(_row("nocturne digest", len(paired.completions), prompt, completion, digest_seconds))
    print(_row("raw llama-cpp-python", raw.totals.calls, raw.totals.prompt,
               raw.totals.completion, raw.totals.seconds))
    print(f"  (inside the digest: {model_seconds:.1f} s in model calls, "
          f"{digest_seconds - model_seconds:.1f} s everything else)")
    print(f"free generation, for reference: {free:.1f} completion tok/s")
    verdict = "meets" if ratio >= 0.9 else "BELOW"
    print(f"ratio digest/raw: {ratio:.2f} ({verdict} the goal of >= 0.90)")
    assert raw.totals.calls == len(paired.completions) and ratio > 0
