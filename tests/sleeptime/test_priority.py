"""The digest process at the lowest OS priority: nice 19 and the lowest best-effort I/O level
on POSIX, IDLE_PRIORITY_CLASS on Windows, and whatever the OS refuses is left as it is.

Only a spawned child really lowers its priority; in this process `os.nice` and `psutil.Process`
are stand-ins, so the test run keeps its own."""

from __future__ import annotations

import multiprocessing
import os
import sys

import psutil
import pytest

from nocturne.sleeptime.priority import lowest_priority


def _child_nice(queue: object) -> None:
    from nocturne.sleeptime.priority import lowest_priority

    done = lowest_priority()
    queue.put((done, os.nice(0)))  # type: ignore[attr-defined]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX nice values")
def test_the_digest_process_runs_at_the_lowest_priority() -> None:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_child_nice, args=(queue,))
    child.start()
    done, nice = queue.get(timeout=60)
    child.join(timeout=30)
    assert nice == 19
    assert "nice 19" in done


class FakeProcess:
    """Stands in for `psutil.Process()`: records what it is asked, refuses what it is told to."""

    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.calls: list[tuple[str, tuple[int, ...]]] = []

    def __call__(self) -> FakeProcess:
        return self

    def nice(self, value: int) -> None:
        self.calls.append(("nice", (value,)))
        if self.refuse:
            raise psutil.AccessDenied()

    def ionice(self, ioclass: int, value: int) -> None:
        self.calls.append(("ionice", (ioclass, value)))
        if self.refuse:
            raise psutil.AccessDenied()


class FakeNice:
    """Stands in for `os.nice`: a niceness that starts at `start`; raises when `refuse`."""

    def __init__(self, start: int = 0, refuse: bool = False) -> None:
        self.value = start
        self.refuse = refuse

    def __call__(self, increment: int) -> int:
        if self.refuse and increment:
            raise PermissionError("not permitted")
        self.value += increment
        return self.value


def _not_on_windows(increment: int) -> int:
    raise AssertionError("os.nice called on Windows")


@pytest.fixture
def process(monkeypatch: pytest.MonkeyPatch) -> FakeProcess:
    fake = FakeProcess()
    monkeypatch.setattr(psutil, "Process", fake)
    return fake


def test_posix_goes_to_nice_19_from_wherever_it_is(
    monkeypatch: pytest.MonkeyPatch, process: FakeProcess
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    nice = FakeNice(start=5)
    monkeypatch.setattr(os, "nice", nice)
    monkeypatch.setattr(psutil, "IOPRIO_CLASS_BE", 2, raising=False)
    assert lowest_priority() == ["nice 19", "lowest I/O"]
    assert nice.value == 19
    assert process.calls == [("ionice", (2, 7))]  # best effort, its lowest level: not idle


def test_what_the_os_refuses_is_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(os, "nice", FakeNice(refuse=True))
    monkeypatch.setattr(psutil, "IOPRIO_CLASS_BE", 2, raising=False)
    monkeypatch.setattr(psutil, "Process", FakeProcess(refuse=True))
    assert lowest_priority() == []


def test_without_io_priorities_only_nice_is_set(
    monkeypatch: pytest.MonkeyPatch, process: FakeProcess
) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(os, "nice", FakeNice())
    monkeypatch.delattr(psutil, "IOPRIO_CLASS_BE", raising=False)
    assert lowest_priority() == ["nice 19"]
    assert process.calls == []


def test_windows_uses_the_idle_priority_class_and_not_nice(
    monkeypatch: pytest.MonkeyPatch, process: FakeProcess
) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(psutil, "IDLE_PRIORITY_CLASS", 64, raising=False)
    monkeypatch.setattr(os, "nice", _not_on_windows)
    assert lowest_priority() == ["idle-priority-class"]
    assert process.calls == [("nice", (64,))]


def test_windows_refusing_leaves_the_priority_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(psutil, "IDLE_PRIORITY_CLASS", 64, raising=False)
    monkeypatch.setattr(psutil, "Process", FakeProcess(refuse=True))
    assert lowest_priority() == []
