"""Is the machine otherwise quiet? The share of the CPU used by everything but the digest.

A new document's first (low-budget) digest may run while the person is at the computer, as long
as the machine itself is idle: nothing else keeps the CPU busy. The digest's own CPU time is taken
out of the measurement (otherwise a running digest would always find the machine busy and stop
itself). One reading is noisy, so `CpuMonitor` averages over the last `window_s` seconds and
answers None until it has watched that long: the digest never starts on a guess.

The same reading, in cores, tells a deeper digest (night, idle) to back off entirely while other
programs leave it no core (`SATURATED_FREE_CORES`): at the lowest priority it would only get
crumbs, and llama.cpp's threads waste those spinning. It resumes once a core is free again.

The raw counters come in as a function (`read_cpu_times`, psutil in the app) and the clock too,
so tests feed numbers and never sleep.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from nocturne.engine.cpu_share import logical_cpus

log = logging.getLogger(__name__)

CPU_WINDOW_S = 10.0
QUIET_BELOW_PERCENT = 25.0
"""Other programs using less than this share of all cores: the machine is quiet, start."""
BUSY_ABOVE_PERCENT = 50.0
"""A first digest that is running keeps running until other programs use more than this."""
SATURATED_FREE_CORES = 0.5
"""Other programs leave less than half a core free over the window: every core is taken, and
any digest pauses until `RESUME_FREE_CORES` are free again."""
RESUME_FREE_CORES = 0.75


@dataclass(frozen=True)
class CpuTimes:
    """Seconds of CPU time since boot: all cores `busy` and `total`, and `excluded` (the digest)."""

    busy: float
    total: float
    excluded: float = 0.0


@dataclass(frozen=True)
class CpuReading:
    """The share (0–100 % of all cores) used by programs other than the digest, on a machine
    of `cpus` logical CPUs (0: not known)."""

    others_percent: float
    cpus: int = 0

    @property
    def free_cores(self) -> float | None:
        """Cores other programs leave free (None when the number of CPUs is not known)."""
        if self.cpus <= 0:
            return None
        return self.cpus * (1.0 - self.others_percent / 100.0)

    def describe(self) -> str:
        return f"other programs use {self.others_percent:.0f} % of the CPU"


def _process_seconds(pids: Iterable[int]) -> float:
    import psutil

    seconds = 0.0
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            process = psutil.Process(pid)
            for proc in [process, *process.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    times = proc.cpu_times()
                    seconds += times.user + times.system
    return seconds


def psutil_cpu_times(exclude: Callable[[], Iterable[int]] = lambda: ()) -> CpuTimes | None:
    """The machine's counters from psutil, with the processes `exclude()` names taken out."""
    try:
        import psutil

        times = psutil.cpu_times()
    except Exception as exc:  # psutil missing or unsupported: unknown, never a guess
        log.debug("cannot read CPU times: %s", exc)
        return None
    total = sum(float(v) for v in times)
    idle = float(getattr(times, "idle", 0.0)) + float(getattr(times, "iowait", 0.0))
    return CpuTimes(busy=total - idle, total=total, excluded=_process_seconds(exclude()))


class CpuMonitor:
    """Averages the others' CPU share over the last `window_s` seconds (None until then)."""

    def __init__(
        self,
        read_cpu_times: Callable[[], CpuTimes | None] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        window_s: float = CPU_WINDOW_S,
        cpus: int | None = None,
    ) -> None:
        self.exclude: Callable[[], Iterable[int]] = lambda: ()
        self._read = read_cpu_times or (lambda: psutil_cpu_times(self.exclude))
        self._clock = clock
        self.window_s = window_s
        self.cpus = cpus or logical_cpus()
        self._samples: deque[tuple[float, CpuTimes]] = deque()

    def read(self) -> CpuReading | None:
        now = self._clock()
        sample = self._read()
        if sample is None:
            self._samples.clear()
            return None
        last = self._samples[-1][1] if self._samples else None
        if last is not None and (sample.total < last.total or sample.excluded < last.excluded):
            # Counters went back: the excluded digest ended (its time left the sum). Its time
            # since the first sample can no longer be taken out, so start a fresh window.
            self._samples.clear()
        self._samples.append((now, sample))
        while len(self._samples) > 1 and now - self._samples[1][0] >= self.window_s:
            self._samples.popleft()
        first_at, first = self._samples[0]
        if now - first_at < self.window_s:
            return None
        total = sample.total - first.total
        if total <= 0:
            return None
        # The digest's time counts against `busy` only as far as it was measured in both samples.
        excluded = max(0.0, sample.excluded - first.excluded)
        busy = max(0.0, sample.busy - first.busy - excluded)
        return CpuReading(others_percent=min(100.0, 100.0 * busy / total), cpus=self.cpus)

    def forget(self) -> None:
        """Start a fresh window (e.g. when the process to exclude changes)."""
        self._samples.clear()


def sample_cpu(seconds: float = 0.3) -> CpuReading | None:
    """One short measurement now (for `nocturne status`, which has no history to average)."""
    first = psutil_cpu_times()
    time.sleep(seconds)
    second = psutil_cpu_times()
    if first is None or second is None or second.total <= first.total:
        return None
    busy = max(0.0, second.busy - first.busy)
    return CpuReading(min(100.0, 100.0 * busy / (second.total - first.total)), logical_cpus())
