"""The thread count of each model call follows the CPU other programs leave free.

Everything here is fed: the load reading, the CPU counters, the clock and the llama object are
fakes, so nothing sleeps and no model is loaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nocturne.engine import cpu_share
from nocturne.engine.base import GenerationOptions, Message
from nocturne.engine.cpu_share import CpuCounters, OthersLoad
from nocturne.engine.kv_cache import LlamaStateBackend
from nocturne.engine.threads import ThreadPlan, threads_for

# -- the choice ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("others", "expected"),
    [
        (None, 2),  # not measured: what the model was loaded with
        (0.0, 2),  # a quiet machine: both cores
        (0.3, 2),  # a browser idling: still two
        (0.5, 1),  # half a core taken: two threads would wait on each other
        (1.0, 1),  # one busy program: the free core
        (1.7, 1),  # nothing free: still one thread (the question must be answered)
        (2.0, 1),
    ],
)
def test_two_cores_one_thread_per_free_core(others: float | None, expected: int) -> None:
    assert threads_for(2, 2, others) == expected


def test_the_limit_caps_and_a_large_machine_uses_what_is_free() -> None:
    assert threads_for(4, 8, 0.0) == 4  # the setting (or physical cores) is the ceiling
    assert threads_for(4, 8, 6.0) == 2  # 2 cores free
    assert threads_for(16, 16, 3.1) == 16  # 12.9 cores free at 0.8 a thread
    assert threads_for(0, 2, 0.0) == 1  # never zero


def test_a_plan_reads_the_load_on_every_call() -> None:
    readings = iter([0.0, 1.2, 2.0, 0.1])
    plan = ThreadPlan(2, 2, lambda: next(readings))
    assert [plan.choose().threads for _ in range(4)] == [2, 1, 1, 2]
    assert plan.last is not None and plan.last.others_busy_cores == 0.1
    assert "0.1 cores" in plan.last.describe()


def test_a_fixed_plan_never_reads_the_load() -> None:
    def no_reading() -> float:
        raise AssertionError("read")

    plan = ThreadPlan(2, 2, no_reading, adaptive=False)
    assert plan.choose().threads == 2


# -- the reading ---------------------------------------------------------------------------


class Counters:
    """A machine of `cpus` cores whose counters advance as the test says."""

    def __init__(self, cpus: int = 2) -> None:
        self.cpus = cpus
        self.now = 0.0
        self.busy = self.total = self.own = 0.0
        self.readable = True

    def advance(self, seconds: float, *, others: float = 0.0, own: float = 0.0) -> None:
        """`others` and `own`: cores kept busy during these seconds."""
        self.now += seconds
        self.total += self.cpus * seconds
        self.busy += (others + own) * seconds
        self.own += own * seconds

    def read(self) -> CpuCounters | None:
        return CpuCounters(self.busy, self.total, self.own) if self.readable else None


def _load(counters: Counters) -> OthersLoad:
    return OthersLoad(counters.read, clock=lambda: counters.now, cpus=counters.cpus)


def test_the_reading_is_the_others_cores_with_this_process_left_out() -> None:
    counters = Counters()
    load = _load(counters)
    assert load.busy_cores() is None  # one sample: nothing to compare with yet
    counters.advance(0.05, others=1.0)
    assert load.busy_cores() is None  # too short a span to trust
    counters.advance(0.5, others=1.0, own=1.0)  # our model call used the other core
    busy = load.busy_cores()
    assert busy == pytest.approx(1.0)


def test_old_samples_leave_the_window() -> None:
    counters = Counters()
    load = _load(counters)
    load.sample()
    for _ in range(10):  # a long build on both cores...
        counters.advance(0.5, others=2.0)
        load.sample()
    for _ in range(5):  # ...that ended two and a half seconds ago
        counters.advance(0.5, others=0.0)
        load.sample()
    assert load.busy_cores() == pytest.approx(0.0)


def test_an_excluded_process_that_ends_starts_a_fresh_window() -> None:
    counters = Counters()
    load = _load(counters)
    load.sample()
    counters.advance(0.5, own=1.0)
    load.sample()
    counters.own = 0.0  # the digest process ended: its seconds left the sum
    counters.advance(0.1)
    assert load.busy_cores() is None  # not "one core busy"
    counters.advance(0.5, others=0.5)
    assert load.busy_cores() == pytest.approx(0.5)


def test_unreadable_counters_are_unknown() -> None:
    counters = Counters()
    counters.readable = False
    assert _load(counters).busy_cores() is None


def test_the_digest_process_is_left_out_of_this_process_readings() -> None:
    cpu_share.exclude_process(4242)
    try:
        assert 4242 in cpu_share.excluded_processes()
    finally:
        cpu_share.include_process(4242)
    assert 4242 not in cpu_share.excluded_processes()


def test_the_real_counters_can_be_read() -> None:
    counters = cpu_share.psutil_counters()
    assert counters is not None and counters.total > counters.busy >= counters.own > 0


# -- the engine applies it on the loaded context --------------------------------------------


class FakeLlama:
    """Enough of llama_cpp.Llama for LocalEngine: tokens, a two-token completion, metadata."""

    def __init__(self) -> None:
        self.metadata: dict[str, str] = {}
        self.calls: list[str] = []

    def tokenize(self, data: bytes, special: bool = False) -> list[int]:
        return list(range(len(data.split())))

    def create_completion(self, tokens: list[int], **kw: Any) -> Iterator[dict[str, Any]]:
        self.calls.append("complete")
        yield {"choices": [{"text": "forty", "finish_reason": None}]}
        yield {"choices": [{"text": " two", "finish_reason": "stop"}]}

    def reset(self) -> None:
        self.calls.append("reset")

    def eval(self, tokens: list[int]) -> None:
        self.calls.append("eval")


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> tuple[FakeLlama, list[int]]:
    llama = FakeLlama()
    applied: list[int] = []
    monkeypatch.setattr("nocturne.engine.local._load_llama", lambda path, **kw: llama)
    monkeypatch.setattr(
        "nocturne.engine.local.set_llama_threads", lambda _llama, n: applied.append(n)
    )
    return llama, applied


def _engine(readings: list[float | None]) -> Any:
    from nocturne.engine.local import LocalEngine

    values = iter(readings)
    return LocalEngine(Path("model.gguf"), thread_plan=ThreadPlan(2, 2, lambda: next(values)))


def test_each_call_runs_with_the_threads_the_load_leaves(
    fake_model: tuple[FakeLlama, list[int]],
) -> None:
    _, applied = fake_model
    engine = _engine([0.0, 2.0, 1.9, 0.1])
    messages: list[Message] = [{"role": "user", "content": "how many?"}]
    threads = [engine.complete(messages, GenerationOptions()).threads for _ in range(4)]
    assert threads == [2, 1, 1, 2]
    # Only changes reach llama.cpp (loaded with 2): 2 -> 1, then 1 -> 2. No reload.
    assert applied == [1, 2]
    assert engine.threads_now == 2


def test_the_kv_prefix_prefill_fits_its_threads_too(
    fake_model: tuple[FakeLlama, list[int]],
) -> None:
    llama, applied = fake_model
    engine = _engine([2.0])
    LlamaStateBackend(engine).evaluate([1, 2, 3])
    assert applied == [1]
    assert llama.calls == ["reset", "eval"]


class LongLlama(FakeLlama):
    def create_completion(self, tokens: list[int], **kw: Any) -> Iterator[dict[str, Any]]:
        for word in ("one", " two", " three"):
            yield {"choices": [{"text": word, "finish_reason": None}]}
        yield {"choices": [{"text": "", "finish_reason": "stop"}]}


def test_a_long_call_refits_its_threads_between_tokens(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A busy program starting mid-call (or a digest resumed beside one) must not leave the
    call on the threads it started with: a starved thread would hold every token back."""
    from nocturne.engine.local import LocalEngine

    applied: list[int] = []
    monkeypatch.setattr("nocturne.engine.local._load_llama", lambda path, **kw: LongLlama())
    monkeypatch.setattr(
        "nocturne.engine.local.set_llama_threads", lambda _llama, n: applied.append(n)
    )
    readings = iter([0.0, 0.0, 1.0, 1.0, 1.0])  # quiet at the start, one core busy after
    engine = LocalEngine(Path("model.gguf"), thread_plan=ThreadPlan(2, 2, lambda: next(readings)))
    engine.refit_every_s = 0.0  # every token
    done = engine.complete([{"role": "user", "content": "count"}], GenerationOptions())
    assert done.text == "one two three"
    assert applied == [1]  # 2 at the start, 1 from the second token on
    assert done.threads == 1 and engine.threads_now == 1
