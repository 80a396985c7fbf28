"""Work off the GUI thread: results, progress and failures come back as signals in the GUI
thread; a damaged library is announced once per runner; nothing reaches a closed window."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from nocturne.errors import KnownError, StoreError
from nocturne.ui.workers import TaskRunner


@pytest.fixture
def runner(qapp: Any) -> Iterator[TaskRunner]:
    made = TaskRunner(2)
    yield made
    made.close()


def test_the_result_and_the_progress_arrive_in_the_gui_thread(
    runner: TaskRunner, qtbot: Any
) -> None:
    gui = threading.get_ident()
    worker: list[int] = []
    progress: list[tuple[Any, int]] = []
    results: list[tuple[Any, int]] = []

    def task(report: Callable[[Any], None]) -> str:
        worker.append(threading.get_ident())
        report("half")
        report("all")
        return "done"

    runner.submit(
        task,
        on_done=lambda value: results.append((value, threading.get_ident())),
        on_progress=lambda value: progress.append((value, threading.get_ident())),
    )
    qtbot.waitUntil(lambda: results != [], timeout=5000)
    assert worker and worker[0] != gui  # the work ran in a pool thread
    assert progress == [("half", gui), ("all", gui)]
    assert results == [("done", gui)]
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)


def test_a_known_error_is_the_sentence_for_the_person(runner: TaskRunner, qtbot: Any) -> None:
    failures: list[str] = []
    done: list[Any] = []

    def task(_report: Any) -> None:
        raise KnownError("The file is not a PDF.")

    runner.submit(task, on_done=done.append, on_failed=failures.append)
    qtbot.waitUntil(lambda: failures != [], timeout=5000)
    assert failures == ["The file is not a PDF."] and done == []


def test_a_bug_is_shown_and_logged_with_its_traceback(
    runner: TaskRunner, qtbot: Any, caplog: pytest.LogCaptureFixture
) -> None:
    failures: list[str] = []

    def task(_report: Any) -> None:
        raise ValueError("bad chunk id")

    with caplog.at_level(logging.ERROR, logger="nocturne.ui.workers"):
        runner.submit(task, on_failed=failures.append)
        qtbot.waitUntil(lambda: failures != [], timeout=5000)
    assert failures == ["internal error: ValueError: bad chunk id"]
    assert "Traceback" in caplog.text and "bad chunk id" in caplog.text


def test_a_damaged_library_is_announced_by_the_runner_as_well_as_failed(
    runner: TaskRunner, qtbot: Any
) -> None:
    damaged: list[str] = []
    failures: list[str] = []
    runner.library_damaged.connect(damaged.append)

    def damaged_task(_report: Any) -> None:
        raise StoreError("The library database is damaged.", condition="damaged")

    def locked_task(_report: Any) -> None:
        raise StoreError("The library database is busy.", condition="locked")

    runner.submit(locked_task, on_failed=failures.append)
    runner.submit(damaged_task)  # its submitter asked for no failures: still announced
    qtbot.waitUntil(lambda: damaged != [] and failures != [], timeout=5000)
    runner.wait()
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert damaged == ["The library database is damaged."]
    assert failures == ["The library database is busy."]


def test_results_that_arrive_after_close_are_dropped(qapp: Any, qtbot: Any) -> None:
    runner = TaskRunner(1)
    release = threading.Event()
    started = threading.Event()
    results: list[str] = []

    def task(_report: Any) -> str:
        started.set()
        release.wait(5)
        return "late"

    runner.submit(task, on_done=results.append)
    assert runner.busy
    qtbot.waitUntil(started.is_set, timeout=5000)
    release.set()
    runner.close()  # waits for the task; its result is queued for the GUI thread
    assert runner.closed
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)  # the queued signals were delivered
    assert results == []


def test_a_one_thread_pool_runs_its_tasks_one_after_the_other(qapp: Any, qtbot: Any) -> None:
    runner = TaskRunner(1)
    assert runner.pool.maxThreadCount() == 1
    order: list[str] = []
    inside = threading.Lock()

    def task(name: str) -> Callable[[Any], str]:
        def run(_report: Any) -> str:
            assert inside.acquire(blocking=False), "two tasks ran at once"
            order.append(name)
            inside.release()
            return name

        return run

    finished: list[str] = []
    for name in ("first", "second", "third"):
        runner.submit(task(name), on_done=finished.append)
    qtbot.waitUntil(lambda: len(finished) == 3, timeout=5000)
    assert order == finished == ["first", "second", "third"]
    assert runner.wait(1000)
    runner.close()
