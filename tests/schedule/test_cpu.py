"""The CPU share other programs use, averaged over a window: fed counters and a clock by hand,
so no test waits for time to pass."""

from __future__ import annotations

import os
from collections.abc import Iterable

import psutil
import pytest
from schedule_fakes import CpuCounters

from nocturne.engine.cpu_share import logical_cpus
from nocturne.schedule import cpu
from nocturne.schedule.cpu import CpuMonitor, CpuReading, CpuTimes, psutil_cpu_times, sample_cpu


def test_cpu_monitor_waits_for_a_full_window_then_averages() -> None:
    counters = CpuCounters()
    monitor = CpuMonitor(counters.read, clock=lambda: counters.now, window_s=10.0)
    assert monitor.read() is None
    for _ in range(9):
        counters.advance(1.0, others=0.1)
        assert monitor.read() is None
    counters.advance(1.0, others=0.1)
    reading = monitor.read()
    assert reading is not None and reading.others_percent == pytest.approx(10.0)


def test_cpu_monitor_leaves_the_digest_itself_out() -> None:
    counters = CpuCounters()
    monitor = CpuMonitor(counters.read, clock=lambda: counters.now, window_s=5.0)
    monitor.read()
    for _ in range(6):
        counters.advance(1.0, others=0.05, digest=0.9)
        reading = monitor.read()
    assert reading is not None and reading.others_percent == pytest.approx(5.0)


def test_cpu_monitor_starts_afresh_when_the_digest_process_ends() -> None:
    counters = CpuCounters()
    monitor = CpuMonitor(counters.read, clock=lambda: counters.now, window_s=3.0)
    monitor.read()
    for _ in range(4):
        counters.advance(1.0, others=0.0, digest=0.9)
        monitor.read()
    counters.digest = 0.0  # the process is gone: its seconds leave the sum
    counters.advance(1.0, others=0.0)
    assert monitor.read() is None  # a new window, not "90 % busy"
    for _ in range(3):
        counters.advance(1.0, others=0.02)
        reading = monitor.read()
    assert reading is not None and reading.others_percent < 5


def test_cpu_monitor_unknown_when_counters_cannot_be_read() -> None:
    assert CpuMonitor(lambda: None, clock=lambda: 0.0).read() is None


def test_the_daemon_monitor_reports_the_cpus_it_measures() -> None:
    now = [0.0]
    times = [CpuTimes(0.0, 0.0)]
    monitor = CpuMonitor(lambda: times[-1], clock=lambda: now[0], window_s=2.0, cpus=2)
    monitor.read()
    for _ in range(3):
        now[0] += 1.0
        last = times[-1]
        times.append(CpuTimes(last.busy + 1.9, last.total + 2.0))
        reading = monitor.read()
    assert reading is not None
    assert reading.cpus == 2
    assert reading.free_cores is not None and abs(reading.free_cores - 0.1) < 1e-9


def test_the_average_covers_only_the_last_window() -> None:
    counters = CpuCounters()
    monitor = CpuMonitor(counters.read, clock=lambda: counters.now, window_s=3.0)
    monitor.read()
    for _ in range(5):
        counters.advance(1.0, others=1.0)  # a compile hogs both cores
        monitor.read()
    for _ in range(3):
        counters.advance(1.0, others=0.0)  # it ended
        reading = monitor.read()
    assert reading is not None and reading.others_percent == pytest.approx(0.0)


def test_a_failed_reading_starts_the_window_again() -> None:
    counters = CpuCounters()
    readable = [True]
    monitor = CpuMonitor(
        lambda: counters.read() if readable[0] else None,
        clock=lambda: counters.now,
        window_s=2.0,
    )
    for _ in range(3):
        monitor.read()
        counters.advance(1.0, others=0.2)
    assert monitor.read() is not None
    readable[0] = False
    assert monitor.read() is None
    readable[0] = True
    counters.advance(1.0, others=0.2)
    assert monitor.read() is None  # the window before the failure is not used
    counters.advance(2.0, others=0.2)
    reading = monitor.read()
    assert reading is not None and reading.others_percent == pytest.approx(20.0)


def test_forget_starts_a_fresh_window() -> None:
    counters = CpuCounters()
    monitor = CpuMonitor(counters.read, clock=lambda: counters.now, window_s=2.0)
    monitor.read()
    counters.advance(2.0, others=0.5)
    assert monitor.read() is not None
    monitor.forget()
    counters.advance(1.0, others=0.5)
    assert monitor.read() is None


def test_counters_that_stand_still_give_no_reading() -> None:
    now = [0.0]
    monitor = CpuMonitor(lambda: CpuTimes(5.0, 10.0), clock=lambda: now[0], window_s=1.0)
    monitor.read()
    now[0] = 5.0
    assert monitor.read() is None  # no CPU time passed at all: nothing to divide by


def test_the_share_stays_between_0_and_100() -> None:
    now = [0.0]
    times = [CpuTimes(0.0, 0.0)]
    monitor = CpuMonitor(lambda: times[-1], clock=lambda: now[0], window_s=1.0, cpus=2)
    monitor.read()
    now[0] = 1.0
    times.append(CpuTimes(busy=2.5, total=2.0))  # counters read a tick apart
    over = monitor.read()
    assert over is not None and over.others_percent == 100.0
    monitor.forget()
    times.append(CpuTimes(busy=2.6, total=3.0, excluded=0.0))
    monitor.read()
    now[0] = 2.0
    times.append(CpuTimes(busy=3.0, total=5.0, excluded=1.0))  # the digest's time > busy's
    under = monitor.read()
    assert under is not None and under.others_percent == 0.0


def test_free_cores_needs_the_number_of_cpus() -> None:
    assert CpuReading(25.0, cpus=4).free_cores == pytest.approx(3.0)
    assert CpuReading(25.0).free_cores is None
    assert CpuReading(37.4, cpus=2).describe() == "other programs use 37 % of the CPU"


def test_the_default_reader_leaves_out_what_exclude_names_when_it_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[list[int]] = []

    def fake(exclude: object) -> CpuTimes:
        assert callable(exclude)
        seen.append(list(exclude()))
        return CpuTimes(1.0, 2.0)

    monkeypatch.setattr(cpu, "psutil_cpu_times", fake)
    monitor = CpuMonitor(clock=lambda: 0.0)
    assert monitor.cpus == logical_cpus()
    monitor.exclude = lambda: [4242]  # set later, as build_scheduler does
    monitor.read()
    assert seen == [[4242]]


def test_psutil_counters_take_the_excluded_process_time_out() -> None:
    mine = psutil.Process(os.getpid()).cpu_times()
    before = mine.user + mine.system
    reading = psutil_cpu_times(lambda: [os.getpid()])
    assert reading is not None
    assert 0.0 <= reading.busy <= reading.total
    assert reading.excluded >= before  # this process's own CPU seconds (children too)
    gone = psutil_cpu_times(lambda: [2**31 - 1])  # no such process: nothing excluded
    assert gone is not None and gone.excluded == 0.0


def test_psutil_failing_is_unknown_not_a_guess(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> object:
        raise OSError("no /proc")

    monkeypatch.setattr(psutil, "cpu_times", broken)
    assert psutil_cpu_times() is None


def _scripted(monkeypatch: pytest.MonkeyPatch, readings: Iterable[CpuTimes | None]) -> None:
    queue = list(readings)
    monkeypatch.setattr(cpu, "psutil_cpu_times", lambda exclude=None: queue.pop(0))


def test_sample_cpu_measures_between_two_readings(monkeypatch: pytest.MonkeyPatch) -> None:
    _scripted(monkeypatch, [CpuTimes(10.0, 100.0), CpuTimes(40.0, 200.0)])
    reading = sample_cpu(seconds=0)
    assert reading == CpuReading(30.0, logical_cpus())


@pytest.mark.parametrize(
    "readings",
    [
        [None, CpuTimes(1.0, 2.0)],
        [CpuTimes(1.0, 2.0), None],
        [CpuTimes(1.0, 2.0), CpuTimes(1.0, 2.0)],  # no time passed
    ],
)
def test_sample_cpu_without_two_advancing_readings_is_unknown(
    monkeypatch: pytest.MonkeyPatch, readings: list[CpuTimes | None]
) -> None:
    _scripted(monkeypatch, readings)
    assert sample_cpu(seconds=0) is None
