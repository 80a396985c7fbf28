"""Preemption: a question arriving while the digest runs, with the bundled model on both sides.

Goals (DESIGN.md / issue 5): from the question arriving to the digest process giving up the CPU
<= 1 s; the question's time to first token <= 1.2x the same question on an idle machine.

The question path is the one `nocturne ask` takes: it drops a question flag
(`question_in_flight()`), which the scheduler's folder watch (`QuestionFlagWatch`, as in the
daemon) turns into a pause of the digest process; the answer is computed meanwhile. "Gave up
the CPU" is the moment the OS reports the digest process stopped, polled every millisecond.
The idle-machine baseline is the same question with no digest process at all, measured before
the digest starts and after it is stopped.
"""

from __future__ import annotations

import statistics
import threading
import time
from pathlib import Path

import psutil
import pytest

from nocturne.answer.ask import answer_question
from nocturne.engine.factory import make_engine, make_tokenizer
from nocturne.library.digest_documents import documents_waiting
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.schedule.daemon import QuestionFlagWatch
from nocturne.schedule.digest_process import digest_process_controller
from nocturne.schedule.idle import IdleReading
from nocturne.schedule.policy import NightWindow, Rules
from nocturne.schedule.power import PowerReading
from nocturne.schedule.questions_in_flight import live_questions, question_in_flight
from nocturne.schedule.scheduler import DigestScheduler, Probes
from nocturne.schedule.state import ScheduleState
from nocturne.settings import Settings

from support import SAMPLES

ROUNDS = 3
QUESTION = "How much is the monthly rent and when is it due?"
GIVE_UP_GOAL_S = 1.0
TTFT_RATIO_GOAL = 1.2
BUSY_CPU_S = 1.5  # CPU the digest has burnt (model loaded, generating) before the question


def _ttft(store: Store, settings: Settings) -> float:
    """Time to first token of the question, as a fresh `nocturne ask` process would see it.

    A new engine each time: llama.cpp reuses the KV state of an identical earlier prompt, which
    would measure that cache instead of the question (loading is not part of the timing).
    """
    engine = make_engine(settings, "answer")
    try:
        answer = answer_question(store, engine, QUESTION, settings, "raw")
    finally:
        close = getattr(engine, "close", None)
        if close is not None:
            close()
    return float(answer.timing.first_token_s)


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def _wait_busy(process: psutil.Process, seconds: float, deadline_s: float = 120) -> None:
    """Wait until the digest has used `seconds` more CPU (it is really computing)."""
    start = _cpu(process)
    end = time.monotonic() + deadline_s
    pause = threading.Event()
    while _cpu(process) - start < seconds:
        assert time.monotonic() < end, "the digest process is not computing"
        pause.wait(0.02)


def _watch_give_up(pid: int, started: list[float], result: list[float]) -> threading.Thread:
    """Record when the digest process is reported stopped, polling every millisecond."""

    def poll() -> None:
        process = psutil.Process(pid)
        pause = threading.Event()
        end = time.perf_counter() + 10
        while time.perf_counter() < end:
            if process.status() == psutil.STATUS_STOPPED:
                result.append(time.perf_counter() - started[0])
                return
            pause.wait(0.001)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    return thread


def _question_during_digest(store: Store, settings: Settings) -> tuple[float, float] | None:
    """Start a digest as the daemon would, let it compute, ask: (give-up seconds, TTFT)."""
    state_store = Store.open()
    scheduler = DigestScheduler(
        rules=lambda: Rules(NightWindow.parse("00:00", "00:00"), 1, allow_on_battery=True),
        state=ScheduleState(state_store),
        probes=Probes(
            idle=lambda: IdleReading("bench", 1e9),
            power=lambda: PowerReading(on_ac=True, has_battery=False),
            work_left=lambda: documents_waiting(state_store) > 0,
            questions=live_questions,
        ),
        controller_factory=lambda: digest_process_controller(settings),
    )
    flags = QuestionFlagWatch(scheduler)
    flags.start()
    try:
        if not scheduler.tick().run:
            return None
        pid = getattr(scheduler.controller, "pid", None)
        assert pid is not None
        _wait_busy(psutil.Process(pid), BUSY_CPU_S)
        started = [0.0]
        stopped: list[float] = []
        watcher = _watch_give_up(pid, started, stopped)
        started[0] = time.perf_counter()
        with question_in_flight():  # what `nocturne ask` does; the flag watch pauses the digest
            ttft = _ttft(store, settings)
        watcher.join()
        assert stopped, "the digest process was never suspended"
        return stopped[0], ttft
    finally:
        flags.stop()
        if scheduler.controller is not None:
            scheduler.controller.pause()  # a paused digest is ended at once, not after its step
        scheduler.shutdown(stop_digest=True)
        state_store.close()


def test_question_preempts_the_digest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOCTURNE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NOCTURNE_ENGINE", raising=False)
    settings = Settings({"raw_context_tokens": 256, "digest_budget": "high"})
    store = Store.open()
    assert all(
        not r.failed for r in add_paths(store, [SAMPLES], settings, make_tokenizer(settings))
    )
    _ttft(store, settings)  # warm-up: weights paged in
    idle_ttft: list[float] = []
    give_up: list[float] = []
    busy_ttft: list[float] = []
    # Interleaved, so that other load on the machine drifts into both sides alike: each round
    # asks once with no digest process at all, then once while a fresh digest process computes.
    for _ in range(ROUNDS):
        idle_ttft.append(_ttft(store, settings))
        measured = _question_during_digest(store, settings)
        if measured is None:
            break  # the library is fully digested: nothing left to preempt
        give_up.append(measured[0])
        busy_ttft.append(measured[1])
    idle_ttft.append(_ttft(store, settings))
    store.close()

    assert busy_ttft, "the digest finished before a question could preempt it"
    idle_median = statistics.median(idle_ttft)
    busy_median = statistics.median(busy_ttft)
    ratio = busy_median / idle_median
    load = ", ".join(f"{x:.1f}" for x in psutil.getloadavg())
    print(
        f"\nload average {load} on {psutil.cpu_count()} CPUs (other work skews the TTFT)\n"
        f"preemption: digest gave up the CPU after "
        f"{', '.join(f'{s * 1000:.0f} ms' for s in give_up)} "
        f"(max {max(give_up) * 1000:.0f} ms; goal <= {GIVE_UP_GOAL_S * 1000:.0f} ms)"
    )
    print(
        f"TTFT idle machine: median {idle_median:.3f} s "
        f"({', '.join(f'{t:.3f}' for t in idle_ttft)}); "
        f"during a digest: median {busy_median:.3f} s "
        f"({', '.join(f'{t:.3f}' for t in busy_ttft)}); "
        f"ratio {ratio:.2f}x (goal <= {TTFT_RATIO_GOAL}x)"
    )
    assert max(give_up) <= GIVE_UP_GOAL_S
    assert ratio <= TTFT_RATIO_GOAL
