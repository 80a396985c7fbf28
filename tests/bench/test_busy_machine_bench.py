"""A busy machine, side by side in one run (`make bench`, issue 15): fair CPU sharing.

CPU-bound programs (a Python loop each, at the bench's own priority) are started beside
Nocturne with the bundled model, and three things are measured:

1. Learned-mode time to first token (what `ask` reports: the short answer is shown whole, so
   this is the model call and everything around it) on a digested library with 0, 1 and 2 busy
   programs, the levels in the order 0 1 2 2 1 0 so that a drift in other load hits all alike.
   Goal: with 2 busy programs <= 3x quiet (issue 15 measured 25x). The engine that fits its
   threads to the free CPU is compared with one fixed at the thread limit (the old behaviour),
   on fewer questions: that side is slow by design.
2. The digest's throughput (model tokens per second, as the scheduler runs it: its own process
   at the lowest priority) beside one busy program, against a quiet machine. Goal >= 1/3.
3. How much that digest slows the busy program (its loop's rate beside the digest against its
   rate alone). Goal <= 10 %.
Then, with two busy programs, the real scheduler (CPU window of 10 s) backs the digest off.

Runs at normal priority on purpose: under `nice` the busy programs would inherit it and the
digest's lowest priority would count for less against them. Other load on the machine is
reported (load average, and the cores the engine saw busy on the "quiet" level).

Knobs (environment): NOCTURNE_BENCH_BUSY_QUESTIONS (learned-mode questions per level, default 8),
NOCTURNE_BENCH_BUSY_SECONDS (seconds per digest measurement, default 30).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil
import pytest

from nocturne.answer.ask import answer_question
from nocturne.engine.cpu_share import WINDOW_S
from nocturne.engine.local import LocalEngine, LocalTokenizer, default_thread_plan
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.schedule.daemon import build_scheduler
from nocturne.schedule.idle import IdleMonitor
from nocturne.schedule.power import PowerReading
from nocturne.settings import Settings
from nocturne.sleeptime.events import STEP, DigestEvent
from nocturne.sleeptime.process import DigestProcess
from nocturne.sleeptime.runner import DigestRunner

pytestmark = [pytest.mark.bench, pytest.mark.integration, pytest.mark.slow]

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"
XQUAD_DOCS = Path(__file__).resolve().parents[3] / "shared" / "eval" / "xquad" / "docs"
QUESTIONS = (
    "What damages the seals of the espresso machine?",
    "What should you do if the espresso runs too fast?",
    "Why should the steam wand be cleaned right after use?",
    "Where should the espresso machine be placed?",
    "Where do we buy the Viva Viagem card?",
    "Which station does the train to Sintra leave from?",
    "What is Tram 28 like?",
    "Why does the monastery visit have to be on Friday?",
    "What are tenants not allowed to do in the apartment?",
    "Who is responsible for repairs in the apartment?",
    "What must gardeners do with their tools?",
    "What happens to plots that are not looked after?",
)
QUESTIONS_PER_LEVEL = int(os.environ.get("NOCTURNE_BENCH_BUSY_QUESTIONS", "8"))
FIXED_QUESTIONS = 3
DIGEST_SECONDS = float(os.environ.get("NOCTURNE_BENCH_BUSY_SECONDS", "15"))
SEGMENT_SETTLE_S = 3.0
SEGMENT_ROUNDS = int(os.environ.get("NOCTURNE_BENCH_BUSY_ROUNDS", "3"))
SETTLE_S = WINDOW_S + 0.5  # the engine's CPU reading covers the new load entirely
TTFT_GOAL = 3.0
DIGEST_SHARE_GOAL = 1 / 3
SLOWDOWN_GOAL = 0.10

SPIN = "while True: pass"
COUNTING = """
import time
n, last = 0, time.monotonic()
while True:
    for _ in range(20000):
        pass
    n += 1
    now = time.monotonic()
    if now - last >= 0.25:
        print(now, n, flush=True)
        last = now
"""


@contextmanager
def busy_programs(count: int) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`count` CPU-bound processes for the duration of the block (ended by their pid)."""
    started = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(count)]
    try:
        if count:
            time.sleep(SETTLE_S)
        yield started
    finally:
        for process in started:
            process.kill()
            process.wait()
        if count:
            time.sleep(SETTLE_S)


class CountingProgram:
    """A CPU-bound process that reports how much work it has done, four times a second."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", COUNTING], stdout=subprocess.PIPE, text=True
        )
        self.counts: list[tuple[float, int]] = []  # (monotonic time, work units so far)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            at, count = line.split()
            self.counts.append((float(at), int(count)))

    def rate(self, start: float, end: float) -> float:
        inside = [(at, n) for at, n in self.counts if start <= at <= end]
        if len(inside) < 2:
            return 0.0
        (t0, n0), (t1, n1) = inside[0], inside[-1]
        return (n1 - n0) / (t1 - t0)

    def suspend(self) -> None:
        psutil.Process(self.process.pid).suspend()

    def resume(self) -> None:
        psutil.Process(self.process.pid).resume()

    def end(self) -> None:
        self.resume()
        self.process.kill()
        self.process.wait()


class OtherLoad:
    """Cores used by programs outside this benchmark (its process and all it started) between
    `start()` and `stop()`: the other load that a shared machine adds to every measurement."""

    def _ours(self) -> dict[int, float]:
        me = psutil.Process()
        seconds: dict[int, float] = {}
        for process in [me, *me.children(recursive=True)]:
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            seconds[process.pid] = times.user + times.system
        return seconds

    def start(self) -> None:
        self._machine = psutil.cpu_times()
        self._before = self._ours()

    def stop(self) -> float:
        machine, after = psutil.cpu_times(), self._ours()
        total = sum(machine) - sum(self._machine)
        idle = (machine.idle + getattr(machine, "iowait", 0.0)) - (
            self._machine.idle + getattr(self._machine, "iowait", 0.0)
        )
        ours = sum(after[pid] - self._before.get(pid, 0.0) for pid in after)
        cpus = psutil.cpu_count() or 1
        return max(0.0, (total - idle - ours) / total * cpus) if total > 0 else 0.0


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in psutil.getloadavg())


# -- 1. learned-mode first token -----------------------------------------------------------------


def _learned_library(settings: Settings, model_path: Path) -> Store:
    store = Store.open()
    assert all(
        not r.failed for r in add_paths(store, [SAMPLES], settings, LocalTokenizer(model_path))
    )
    engine = LocalEngine(model_path, context_size=settings.context_size, threads=settings.threads)
    result = DigestRunner(store, engine, "low", settings=settings).run()
    assert result.reason == "done"
    return store


def _ask(store: Store, engine: LocalEngine, settings: Settings, question: str) -> dict[str, Any]:
    answer = answer_question(store, engine, question, settings, "learned")
    last = engine.thread_plan.last
    return {
        "ttft": float(answer.timing.first_token_s),
        "total": float(answer.timing.total_s),
        "model": answer.usage.completion_tokens > 0,
        "threads": engine.threads_now,
        "others": None if last is None else last.others_busy_cores,
    }


def _model_questions(store: Store, engine: LocalEngine, settings: Settings) -> list[str]:
    """The questions whose learned answer calls the model (the others are quotes: no model)."""
    chosen = [q for q in QUESTIONS if _ask(store, engine, settings, q)["model"]]
    assert chosen, "no question made a model call"
    return chosen[:QUESTIONS_PER_LEVEL]


def _ttft_levels(
    store: Store, engine: LocalEngine, settings: Settings, questions: list[str], order: list[int]
) -> dict[int, list[dict[str, Any]]]:
    results: dict[int, list[dict[str, Any]]] = {level: [] for level in set(order)}
    for level in order:
        with busy_programs(level):
            for question in questions:
                results[level].append(_ask(store, engine, settings, question))
    return results


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in runs))


def _threads_seen(runs: list[dict[str, Any]]) -> str:
    counts: dict[int, int] = {}
    for run in runs:
        counts[run["threads"]] = counts.get(run["threads"], 0) + 1
    return "/".join(f"{n}t x{c}" for n, c in sorted(counts.items()))


# -- 2./3. the digest beside a busy program ---------------------------------------------------


class DigestWatch:
    """A digest process as the scheduler starts it, with the times its steps ended."""

    def __init__(self) -> None:
        self.steps: list[tuple[float, int]] = []  # (monotonic time, tokens so far)
        self.kinds: list[tuple[float, str, int]] = []  # (time, step kind, its tokens)
        self.computing = threading.Event()
        self.process = DigestProcess(budget="low", on_event=self._event, low_priority=True)

    def _event(self, event: DigestEvent) -> None:
        if event.kind == STEP:
            self.steps.append((time.monotonic(), event.tokens))
            self.kinds.append((time.monotonic(), event.step_kind, event.step_tokens))
            self.computing.set()

    def rate(self, start: float, end: float) -> float:
        """Model tokens per second from `start` to `end`, counted at step ends (a window of
        many steps keeps the rounding to whole steps small)."""

        def tokens_at(moment: float) -> int:
            return max((tokens for at, tokens in self.steps if at <= moment), default=0)

        return (tokens_at(end) - tokens_at(start)) / (end - start)


def _reset_digest() -> None:
    with Store.open() as store, store.transaction() as conn:
        conn.execute("DELETE FROM digest_steps")  # from scratch: there is work for the whole run
        conn.execute("DELETE FROM notes")


BOTH, DIGEST_ONLY, PROGRAM_ONLY = "both", "digest only", "busy program only"


def _digest_beside_a_busy_program() -> dict[str, list[tuple[float, float, float]]]:
    """One digest process and one busy program, both long-lived; each segment suspends one of
    them or neither, in turn, so that other load drifting on the machine hits every state.
    Returns per state a list of (digest tokens/s, busy program units/s, other load in cores),
    one per segment."""
    _reset_digest()
    watch = DigestWatch()
    watch.process.start()
    program = CountingProgram()
    results: dict[str, list[tuple[float, float, float]]] = {
        BOTH: [],
        DIGEST_ONLY: [],
        PROGRAM_ONLY: [],
    }
    other = OtherLoad()
    try:
        assert watch.computing.wait(180), "the digest never finished a step"
        for _ in range(SEGMENT_ROUNDS):
            for state in (BOTH, DIGEST_ONLY, PROGRAM_ONLY):
                if state == DIGEST_ONLY:
                    program.suspend()
                if state == PROGRAM_ONLY:
                    watch.process.pause()
                time.sleep(SEGMENT_SETTLE_S)  # the engine's reading and the running call adapt
                start = time.monotonic()
                other.start()
                time.sleep(DIGEST_SECONDS)
                others = other.stop()
                end = time.monotonic()
                results[state].append((watch.rate(start, end), program.rate(start, end), others))
                program.resume()
                watch.process.resume()
        assert watch.process.is_running, "the digest ran out of work during the measurement"
    finally:
        program.end()
        watch.process.stop(grace_s=1.0)
    return results


# -- 4. the scheduler backs off beside two busy programs -------------------------------------


def _back_off(settings: Settings) -> tuple[float | None, str]:
    """Seconds from two busy programs starting to the scheduler pausing a running digest."""
    _reset_digest()

    class Away:
        name = "bench"

        def idle_seconds(self) -> float:
            return 1e9

        def close(self) -> None:
            pass

    store = Store.open()
    scheduler = build_scheduler(
        settings,
        store,
        idle=IdleMonitor(chooser=Away),
        power_probe=lambda: PowerReading(on_ac=True, has_battery=False),
    )
    try:
        deadline = time.monotonic() + 60
        while not scheduler.tick().run and time.monotonic() < deadline:
            time.sleep(1.0)
        assert scheduler.controller is not None, "the digest did not start"
        for _ in range(12):  # computing, and the CPU window (10 s) filled
            before = scheduler.tick()
            time.sleep(1.0)
        if before.code == "cpu-saturated":
            return 0.0, before.reason  # other load took every core already
        with busy_pair() as started_at:
            while time.monotonic() - started_at < 40:
                decision = scheduler.tick()
                if decision.code == "cpu-saturated":
                    return time.monotonic() - started_at, decision.reason
                time.sleep(1.0)
        return None, scheduler.last_decision.reason if scheduler.last_decision else ""
    finally:
        scheduler.shutdown(stop_digest=True)
        store.close()


@contextmanager
def busy_pair() -> Iterator[float]:
    started = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(2)]
    try:
        yield time.monotonic()
    finally:
        for process in started:
            process.kill()
            process.wait()


# -- the benchmark -----------------------------------------------------------------------------


def test_fair_cpu_sharing_on_a_busy_machine(
    tmp_path: Path, model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOCTURNE_HOME", str(tmp_path / "answer-home"))
    print(f"\nload average before: {load_average()} on {psutil.cpu_count()} CPUs")
    settings = Settings.load()
    store = _learned_library(settings, model_path)
    adaptive = LocalEngine(model_path, context_size=settings.context_size, threads=settings.threads)
    fixed = LocalEngine(
        model_path,
        context_size=settings.context_size,
        thread_plan=default_thread_plan(settings.threads, adaptive=False),
    )
    questions = _model_questions(store, adaptive, settings)
    _model_questions(store, fixed, settings)  # warm: KV prefix and weights paged in
    fair = _ttft_levels(store, adaptive, settings, questions, [0, 1, 2, 2, 1, 0])
    old = _ttft_levels(store, fixed, settings, questions[:FIXED_QUESTIONS], [0, 1, 2, 2, 1, 0])
    store.close()

    print(
        f"learned-mode first token, {len(questions)} questions x 2 per level "
        f"(fixed: {min(FIXED_QUESTIONS, len(questions))} x 2), model {adaptive.model_id}, "
        f"limit {adaptive.threads} threads"
    )
    print(
        f"{'busy':>6}{'fair s':>9}{'ratio':>7}{'total s':>9}  threads   {'fixed s':>9}{'ratio':>7}"
    )
    quiet_fair, quiet_old = _median(fair[0], "ttft"), _median(old[0], "ttft")
    for level in (0, 1, 2):
        f, o = _median(fair[level], "ttft"), _median(old[level], "ttft")
        print(
            f"{level:>6}{f:>9.3f}{f / quiet_fair:>6.1f}x{_median(fair[level], 'total'):>9.3f}"
            f"  {_threads_seen(fair[level]):<9}{o:>9.3f}{o / quiet_old:>6.1f}x"
        )
    seen = [r["others"] for r in fair[0] if r["others"] is not None]
    if seen:
        print(
            f"  on the 'quiet' level the engine saw other programs use "
            f"{statistics.median(seen):.2f} cores (median; max {max(seen):.2f})"
        )
    ttft_ratio = _median(fair[2], "ttft") / quiet_fair
    print(
        f"first token with 2 busy programs: {ttft_ratio:.1f}x quiet "
        f"({'meets' if ttft_ratio <= TTFT_GOAL else 'MISSES'} the goal <= {TTFT_GOAL:.0f}x; "
        f"fixed threads: {_median(old[2], 'ttft') / quiet_old:.1f}x)"
    )

    digest_home = tmp_path / "digest-home"
    monkeypatch.setenv("NOCTURNE_HOME", str(digest_home))
    digest_store = Store.open()
    docs = sorted(XQUAD_DOCS.glob("*.md")) or [SAMPLES]
    list(add_paths(digest_store, docs, settings, LocalTokenizer(model_path)))
    digest_store.close()
    runs = _digest_beside_a_busy_program()
    quiet_rate = statistics.mean(d for d, _, _ in runs[DIGEST_ONLY])
    busy_rate = statistics.mean(d for d, _, _ in runs[BOTH])
    alone_rate = statistics.mean(p for _, p, _ in runs[PROGRAM_ONLY])
    beside_rate = statistics.mean(p for _, p, _ in runs[BOTH])
    share = busy_rate / quiet_rate if quiet_rate else 0.0
    slowdown = 1 - beside_rate / alone_rate
    print(
        f"digest (own process, lowest priority, budget low) and one busy program, "
        f"{SEGMENT_ROUNDS} rounds of {DIGEST_SECONDS:.0f} s per state:"
    )
    for state, values in runs.items():
        print(
            f"  {state:<18} digest {' '.join(f'{d:6.1f}' for d, _, _ in values)} tok/s   "
            f"program {' '.join(f'{p:6.0f}' for _, p, _ in values)} units/s   "
            f"other load {' '.join(f'{o:4.2f}' for _, _, o in values)} cores"
        )
    print(
        f"digest throughput beside a busy program: {busy_rate:.1f} / {quiet_rate:.1f} tok/s = "
        f"{share:.2f} of quiet ({'meets' if share >= DIGEST_SHARE_GOAL else 'MISSES'} the goal "
        f">= 0.33)"
    )
    print(
        f"the busy program beside the digest: {beside_rate:.0f} / {alone_rate:.0f} units/s, "
        f"slowed {slowdown * 100:.1f} % "
        f"({'meets' if slowdown <= SLOWDOWN_GOAL else 'MISSES'} the goal <= 10 %)"
    )

    backed_off, reason = _back_off(settings)
    if backed_off == 0.0:
        print(
            f"two busy programs: the machine was already saturated before they started ({reason})"
        )
    elif backed_off is None:
        print(f"two busy programs: the scheduler did NOT back off within 40 s ({reason})")
    else:
        print(f"two busy programs: the scheduler paused the digest after {backed_off:.1f} s")
    print(f"load average after: {load_average()}")
    assert all(r["model"] for level in fair.values() for r in level)
