"""Digest throughput against raw llama-cpp-python, side by side in one run (`make bench`).

The digest runs on a few evaluation documents with the bundled model while every model call it
makes is recorded; then the same calls (same chat-rendered prompts, grammars, token caps,
sampling) are replayed straight through `llama_cpp.Llama.create_completion` on a fresh model
with the same threads. Throughput is model tokens (prompt + completion) per wall-clock second;
the digest's wall clock includes everything it does besides the model (planning, extraction,
support checks, SQLite commits, call logging). The goal is a ratio of at least 0.9. A plain
free-running generation is printed for reference. The CPU is shared, so numbers vary from run
to run; the raw replay runs before and after the digest and its mean is used.

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
class Recorded:
    messages: list[Message]
    options: GenerationOptions
    completion: Completion | None = None


class RecordingEngine:
    """Passes calls through to a LocalEngine and remembers them for the raw replay."""

    def __init__(self, inner: LocalEngine) -> None:
        self.inner = inner
        self.calls: list[Recorded] = []

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
        record = Recorded(list(messages), options)
        self.calls.append(record)
        inner = self.inner.stream(messages, options, purpose=purpose)

        def relay() -> Any:
            yield from inner
            record.completion = inner.completion
            return inner.completion

        return CompletionStream(relay())


def raw_replay(
    model_path: Path, threads: int, prompts: list[tuple[str, Recorded]]
) -> dict[str, float]:
    """The recorded calls straight through llama-cpp-python; tokens and wall seconds."""
    from llama_cpp import Llama, LlamaGrammar

    llama = Llama(model_path=str(model_path), n_ctx=2048, n_threads=threads,
                  n_threads_batch=threads, seed=0, verbose=False)
    grammars = {
        g: LlamaGrammar.from_string(g, verbose=False)
        for g in {r.options.grammar for _, r in prompts if r.options.grammar}
    }
    prompt_tokens = completion_tokens = 0
    started = time.perf_counter()
    for text, record in prompts:
        tokens = llama.tokenize(text.encode("utf-8"), special=True)
        prompt_tokens += len(tokens)
        options = record.options
        for chunk in llama.create_completion(
            tokens, max_tokens=options.max_tokens, temperature=options.temperature,
            top_p=options.top_p, repeat_penalty=options.repeat_penalty,
            grammar=grammars.get(options.grammar or ""), seed=options.seed,
            stop=list(options.stop) or None, stream=True,
        ):
            completion_tokens += 1
            del chunk
    seconds = time.perf_counter() - started
    return {"calls": len(prompts), "prompt": prompt_tokens, "completion": completion_tokens,
            "seconds": seconds}


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


def test_digest_throughput_against_raw_llama_cpp(home: Path, model_path: Path) -> None:
    count = int(os.environ.get("NOCTURNE_BENCH_DIGEST_DOCS", "2"))
    budget = os.environ.get("NOCTURNE_BENCH_DIGEST_BUDGET", "low")
    folder = SAMPLES if any(SAMPLES.glob("*.md")) else DOCS
    documents = sorted(folder.glob("*.md"))[:count]
    if not documents:
        pytest.skip("no sample documents")
    settings = Settings.load()
    store = Store.open()
    list(add_paths(store, documents, settings, LocalTokenizer(model_path)))
    engine = LocalEngine(model_path, context_size=settings.context_size, threads=settings.threads)
    threads = engine.threads
    recorder = RecordingEngine(engine)
    started = time.perf_counter()
    result = DigestRunner(store, recorder, budget).run()
    digest_seconds = time.perf_counter() - started
    assert result.reason == "done" and recorder.calls
    prompts_for_replay = [(engine.render(r.messages), r) for r in recorder.calls]
    first_raw = raw_replay(model_path, threads, prompts_for_replay)
    # The digest a second time, from scratch, so that both sides ran twice in alternation.
    store.conn.execute("DELETE FROM digest_steps")
    store.conn.execute("DELETE FROM notes")
    recorder.calls.clear()
    started = time.perf_counter()
    again = DigestRunner(store, recorder, budget).run()
    digest_seconds = (digest_seconds + time.perf_counter() - started) / 2
    second_raw = raw_replay(model_path, threads, prompts_for_replay)
    raw_seconds = (first_raw["seconds"] + second_raw["seconds"]) / 2

    usage = [r.completion.usage for r in recorder.calls if r.completion]
    digest_prompt = sum(u.prompt_tokens for u in usage)
    digest_completion = sum(u.completion_tokens for u in usage)
    model_seconds = sum(r.completion.seconds for r in recorder.calls if r.completion)
    digest_rate = (digest_prompt + digest_completion) / digest_seconds
    raw_rate = (first_raw["prompt"] + first_raw["completion"]) / raw_seconds
    ratio = digest_rate / raw_rate
    free = free_generation(model_path, threads)
    store.close()

    print()
    print(f"Digest throughput ({engine.model_id}, {threads} threads, budget {budget}, "
          f"{len(documents)} documents, {result.done} steps, {again.kept} notes kept)")
    print(f"{'':<24}{'calls':>7}{'prompt tok':>12}{'compl. tok':>12}{'seconds':>10}{'tok/s':>10}")
    print(_row("nocturne digest", len(usage), digest_prompt, digest_completion, digest_seconds))
    print(_row("raw llama-cpp-python", first_raw["calls"], first_raw["prompt"],
               first_raw["completion"], raw_seconds))
    print(f"  (raw replays: {first_raw['seconds']:.1f} s and {second_raw['seconds']:.1f} s; "
          f"model time inside the digest: {model_seconds:.1f} s of {digest_seconds:.1f} s)")
    print(f"free generation, for reference: {free:.1f} completion tok/s")
    verdict = "meets" if ratio >= 0.9 else "BELOW"
    print(f"ratio digest/raw: {ratio:.2f} ({verdict} the goal of >= 0.90)")
    assert first_raw["calls"] == len(usage) and ratio > 0
