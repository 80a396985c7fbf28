"""Other programs' CPU use over the last seconds, from counters and a clock the tests feed.

Nothing sleeps: the counters advance as each test says, and the sampler thread is woken by what
it reads, not by waiting for time.
"""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from nocturne.engine import cpu_share
from nocturne.engine.cpu_share import CpuCounters, OthersLoad


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


def test_a_reading_stays_within_zero_and_the_machines_cores() -> None:
    counters = Counters()
    load = _load(counters)
    load.sample()
    counters.advance(0.5, others=3.0)  # counters that disagree (a core came online)
    assert load.busy_cores() == 2.0
    lying = Counters()
    load = _load(lying)
    load.sample()
    lying.advance(0.5, own=1.0)
    lying.busy -= 0.4  # own time counted more than the machine's busy time
    assert load.busy_cores() == 0.0


def test_counters_that_did_not_move_are_no_reading() -> None:
    counters = Counters()
    load = _load(counters)
    load.sample()
    counters.now += 1.0  # the clock moved, the machine's counters did not
    assert load.busy_cores() is None


def test_an_unreadable_moment_forgets_the_samples_before_it() -> None:
    counters = Counters()
    load = _load(counters)
    load.sample()
    counters.advance(0.5, others=2.0)
    load.sample()
    counters.readable = False
    assert load.sample() is None
    counters.readable = True
    counters.advance(0.05)
    assert load.busy_cores() is None  # the busy second before is not compared with


def test_an_excluded_process_that_is_gone_does_not_spoil_the_reading() -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    cpu_share.exclude_process(gone.pid)
    try:
        counters = cpu_share.psutil_counters()
    finally:
        cpu_share.include_process(gone.pid)
    assert counters is not None and counters.total > counters.busy >= counters.own > 0


def test_sampling_starts_once_and_a_failed_sample_does_not_end_it() -> None:
    reads: list[int] = []
    failing_seen = threading.Event()

    def read() -> CpuCounters | None:
        reads.append(len(reads))
        if len(reads) == 1:
            return CpuCounters(1.0, 2.0, 0.5)
        if len(reads) <= 3:
            raise OSError("counters unreadable for a moment")
        failing_seen.set()  # read again after two failures: the loop went on
        return CpuCounters(1.0, 2.0, 0.5)

    load = OthersLoad(read, cpus=2)
    load.start_sampling(every_s=0.001)
    sampler = load._sampler
    load.start_sampling(every_s=0.001)  # a second start does nothing
    assert sampler is not None and load._sampler is sampler
    try:
        assert failing_seen.wait(10)
    finally:
        load.stop_sampling()
    sampler.join(timeout=10)
    assert not sampler.is_alive()


def test_the_process_shares_one_sampler() -> None:
    shared = cpu_share.shared_load()
    assert cpu_share.shared_load() is shared
    assert shared.cpus == cpu_share.logical_cpus() >= 1
