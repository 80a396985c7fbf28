"""How many cores other programs keep busy right now, for choosing a model call's thread count.

`schedule/cpu.py` answers a slower question (has the machine been quiet for ten seconds, so a
digest may start); a model call needs a reading of the last second or two, at any moment and at
no cost. `OthersLoad` keeps a few samples of the machine's CPU counters (psutil), taken by a
background thread every half second and at each reading, and answers from the oldest sample of
the last `window_s` seconds. This process's own CPU time is left out (its model calls are what
the thread count is for), and so is that of the processes registered with `exclude_process()`:
a digest process suspended the moment a question arrived must not make that question think the
machine is busy with the CPU the digest burnt just before.

The counters come in as a function and the clock too, so tests feed numbers and never sleep.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

WINDOW_S = 2.0
"""Readings cover at most the last two seconds: a busy process that stopped is soon forgotten."""
MIN_SPAN_S = 0.15
"""A reading needs samples at least this far apart (the kernel counts CPU time in 10 ms ticks)."""
SAMPLE_EVERY_S = 0.5

_excluded_pids: set[int] = set()
_excluded_lock = threading.Lock()


def exclude_process(pid: int) -> None:
    """Leave `pid`'s CPU time out of this process's readings (a digest it started)."""
    with _excluded_lock:
        _excluded_pids.add(pid)


def include_process(pid: int) -> None:
    with _excluded_lock:
        _excluded_pids.discard(pid)


def excluded_processes() -> list[int]:
    with _excluded_lock:
        return sorted(_excluded_pids)


@dataclass(frozen=True)
class CpuCounters:
    """CPU seconds since boot: the machine's `busy` and `total` (all cores), and `own` (this
    process and the excluded ones)."""

    busy: float
    total: float
    own: float


def logical_cpus() -> int:
    try:
        import psutil

        count = psutil.cpu_count()
    except Exception:  # psutil missing or unsupported platform
        count = None
    return max(1, count or 1)


def psutil_counters() -> CpuCounters | None:
    """The machine's counters from psutil; None where they cannot be read."""
    try:
        import psutil

        machine = psutil.cpu_times()
        own_times = psutil.Process().cpu_times()
    except Exception as exc:  # psutil missing or unsupported: unknown, never a guess
        log.debug("cannot read CPU times: %s", exc)
        return None
    total = sum(float(v) for v in machine)
    idle = float(getattr(machine, "idle", 0.0)) + float(getattr(machine, "iowait", 0.0))
    own = float(own_times.user + own_times.system)
    for pid in excluded_processes():
        with contextlib.suppress(psutil.Error):
            times = psutil.Process(pid).cpu_times()
            own += float(times.user + times.system)
    return CpuCounters(busy=total - idle, total=total, own=own)


class OthersLoad:
    """Cores that other programs kept busy over the last `window_s` seconds (None: not known).

    Safe from any thread. `start_sampling()` adds the background thread that keeps a recent
    sample at hand when calls are rare (a question after an hour of nothing)."""

    def __init__(
        self,
        read: Callable[[], CpuCounters | None] = psutil_counters,
        *,
        clock: Callable[[], float] = time.monotonic,
        cpus: int | None = None,
        window_s: float = WINDOW_S,
        min_span_s: float = MIN_SPAN_S,
    ) -> None:
        self._read = read
        self._clock = clock
        self.cpus = cpus or logical_cpus()
        self.window_s = window_s
        self.min_span_s = min_span_s
        self._samples: deque[tuple[float, CpuCounters]] = deque()
        self._lock = threading.Lock()
        self._sampler: threading.Thread | None = None
        self._stop = threading.Event()

    def sample(self) -> CpuCounters | None:
        """Take one sample now (kept for later readings)."""
        counters = self._read()
        now = self._clock()
        with self._lock:
            if counters is None:
                self._samples.clear()
                return None
            last = self._samples[-1][1] if self._samples else None
            if last is not None and (counters.total < last.total or counters.own < last.own):
                # An excluded process ended (its time left the sum): start afresh.
                self._samples.clear()
            self._samples.append((now, counters))
            while self._samples and now - self._samples[0][0] > self.window_s:
                self._samples.popleft()
        return counters

    def busy_cores(self) -> float | None:
        """Other programs' CPU use over the recent window, in cores (0 .. cpus)."""
        latest = self.sample()
        if latest is None:
            return None
        with self._lock:
            now = self._samples[-1][0]
            base = next(
                (c for at, c in self._samples if now - at >= self.min_span_s),
                None,
            )
        if base is None:
            return None
        total = latest.total - base.total
        if total <= 0:
            return None
        busy = max(0.0, latest.busy - base.busy - max(0.0, latest.own - base.own))
        return min(float(self.cpus), self.cpus * busy / total)

    def start_sampling(self, every_s: float = SAMPLE_EVERY_S) -> None:
        """Sample every `every_s` seconds in a daemon thread (once; later calls do nothing)."""
        if self._sampler is not None:
            return
        self.sample()

        def loop() -> None:
            while not self._stop.wait(every_s):
                try:
                    self.sample()
                except Exception:  # a failed sample must not end the sampling
                    log.debug("CPU sample failed", exc_info=True)

        self._sampler = threading.Thread(target=loop, name="nocturne-cpu-share", daemon=True)
        self._sampler.start()

    def stop_sampling(self) -> None:
        self._stop.set()


_shared: OthersLoad | None = None
_shared_lock = threading.Lock()


def shared_load() -> OthersLoad:
    """The process's one sampler (started on first use), shared by all its engines."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = OthersLoad()
            _shared.start_sampling()
        return _shared
