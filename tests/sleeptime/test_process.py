"""`DigestProcess`: the child's body run in this process (its events, stop flag, documents,
errors), the API before a start, and real child processes: one limited to some documents
("Digest this document now" in the window) digests those alone, and they leave the front of the
queue once ready. Pausing and killing one is in `test_interruptions.py`."""

from __future__ import annotations

import json
import multiprocessing
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from digest_samples import FOREST, OIL, add_document

from nocturne.library.digest_priorities import priorities, request_documents
from nocturne.library.store import Store
from nocturne.sleeptime.events import FINISH, START, STEP, DigestEvent
from nocturne.sleeptime.process import (
    DigestProcess,
    PauseSignals,
    SharedFlag,
    _child_main,
    follow_pauses,
)

from support import FAKE_ENGINE

Library = Callable[[], dict[str, int]]


@pytest.fixture
def sigint() -> Iterator[None]:
    """The child's body ignores Ctrl-C (the parent's to handle); this process gets it back."""
    previous = signal.getsignal(signal.SIGINT)
    yield
    signal.signal(signal.SIGINT, previous)


class Child:
    """`_child_main` in this process, with a thread queue, event and lock for the process's."""

    def __init__(self) -> None:
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.stop_flag = threading.Event()
        self.write_lock = threading.Lock()

    def run(self, budget: str | None = "low", documents: tuple[int, ...] | None = None) -> None:
        _child_main(budget, None, self.events, self.stop_flag, self.write_lock, False, documents)

    def sent(self) -> list[dict[str, Any]]:
        found = []
        while not self.events.empty():
            found.append(self.events.get_nowait())
        return found


@pytest.mark.usefixtures("sigint")
def test_the_child_digests_and_sends_its_events_as_plain_data(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    library()
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    child = Child()
    child.run()
    sent = child.sent()
    events = [DigestEvent.from_dict(data) for data in sent]
    # plain data: the same events after a trip through JSON
    assert [DigestEvent.from_dict(data) for data in json.loads(json.dumps(sent))] == events
    assert [events[0].kind, events[-1].kind, events[-1].reason] == [START, FINISH, "done"]
    assert events[-1].done == events[0].total > 0
    assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    assert child.write_lock.acquire(blocking=False)  # no write left it held


@pytest.mark.usefixtures("sigint")
def test_the_stop_flag_stops_the_child_before_its_next_step(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    library()
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    child = Child()
    child.stop_flag.set()
    child.run()
    events = [DigestEvent.from_dict(data) for data in child.sent()]
    assert [(e.kind, e.done, e.reason) for e in events] == [(START, 0, ""), (FINISH, 0, "stopped")]


@pytest.mark.usefixtures("sigint")
def test_the_child_digests_only_the_documents_it_was_given(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = library()
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    child = Child()
    child.run(budget="medium", documents=(docs["forest"],))
    events = [DigestEvent.from_dict(data) for data in child.sent()]
    steps = [e for e in events if e.kind == STEP]
    assert steps and {e.label for e in steps} == {"Amazon_rainforest.pdf"}
    assert events[-1].reason == "done"


@pytest.mark.usefixtures("sigint")
def test_a_child_started_beside_another_digest_does_nothing_and_says_why(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nocturne.sleeptime.foreground_runs import foreground_run, one_digest_at_a_time

    library()
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    child = Child()
    with foreground_run(), one_digest_at_a_time():  # `nocturne digest` in a terminal
        child.run()
    (event,) = [DigestEvent.from_dict(data) for data in child.sent()]
    assert (event.kind, event.reason) == (FINISH, "error")
    assert "already running in a terminal" in event.message
    with Store.open() as store:
        assert store.scalar("SELECT COUNT(*) FROM digest_steps") == 0


@pytest.mark.usefixtures("sigint", "home")
def test_an_engine_that_cannot_be_made_ends_the_run_with_its_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NOCTURNE_ENGINE", "fakes.nowhere:engine")
    child = Child()
    child.run()
    (event,) = [DigestEvent.from_dict(data) for data in child.sent()]
    assert (event.kind, event.reason) == (FINISH, "error")
    assert "the module fakes.nowhere cannot be found" in event.message


def test_a_digest_process_not_started_is_neither_running_nor_ended() -> None:
    digest = DigestProcess(budget="low", documents=[3, 1])
    assert digest.documents == (3, 1)
    assert (digest.is_running, digest.has_ended, digest.is_paused) == (False, False, False)
    assert (digest.pid, digest.exitcode, digest.last_event, digest.result) == (None,) * 4
    assert digest.wait(0) is False
    digest.pause()  # nothing to pause, resume or stop: no error
    digest.resume()
    digest.stop()
    assert digest.is_paused is False and digest.pid is None
    assert DigestProcess().documents is None  # the whole library


@pytest.mark.slow
def test_a_digest_process_runs_once_and_hands_its_events_to_the_callback(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    seen: list[DigestEvent] = []
    threads: set[str] = set()

    def on_event(event: DigestEvent) -> None:
        seen.append(event)
        threads.add(threading.current_thread().name)

    digest = DigestProcess(budget="low", on_event=on_event)  # an empty library: nothing to do
    digest.start()
    try:
        with pytest.raises(RuntimeError, match="runs once"):
            digest.start()
        assert digest.wait(60.0)
    finally:
        digest.stop()
    assert digest.has_ended and not digest.is_running and digest.exitcode == 0
    assert [e.kind for e in seen] == [START, FINISH]
    assert digest.result == seen[-1] == digest.last_event and digest.result.reason == "done"
    assert threads == {"digest-events"}  # not the caller's thread
    digest.pause()  # an ended process is not suspended
    assert not digest.is_paused


@pytest.mark.slow
def test_a_digest_process_of_one_document_digests_it_alone(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open() as store:
        oil = add_document(store, "Oil_crisis.pdf", OIL)
        forest = add_document(store, "Amazon_rainforest.pdf", FOREST)
        request_documents(store, [oil])
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    digest = DigestProcess(budget="medium", documents=[oil])
    digest.start()
    try:
        assert digest.wait(60.0)
    finally:
        digest.stop()
    assert digest.result is not None and digest.result.reason == "done"
    with Store.open() as store:
        states = {row.id: row.state for row in store.documents()}
        assert states == {oil: "ready", forest: "queued"}
        assert priorities(store) == {}


class RecordingRunner:
    """What `follow_pauses` calls of the runner, recorded; each call is signalled."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.called = threading.Semaphore(0)

    def pause_requests(self) -> None:
        self.calls.append("pause")
        self.called.release()

    def resume_requests(self) -> None:
        self.calls.append("resume")
        self.called.release()


def test_the_child_lets_go_of_its_requests_before_it_is_suspended() -> None:
    """The parent's pause is seen before the suspension: the runner abandons its requests to a
    server and says so (`quiet`); a resume sends them again; a stop does not."""
    signals = PauseSignals()
    stop = threading.Event()
    runner = RecordingRunner()
    threading.Thread(target=follow_pauses, args=(signals, stop, runner), daemon=True).start()
    assert signals.following.wait(10)
    signals.pausing.set()
    assert signals.quiet.wait(10) and runner.calls == ["pause"]
    signals.pausing.clear()
    assert runner.called.acquire(timeout=10) and runner.called.acquire(timeout=10)
    assert runner.calls == ["pause", "resume"]
    signals.quiet.clear()
    signals.pausing.set()
    assert signals.quiet.wait(10) and runner.calls == ["pause", "resume", "pause"]
    assert runner.called.acquire(timeout=10)
    stop.set()  # a paused run being stopped: its requests are not wanted any more
    signals.pausing.clear()
    assert not runner.called.acquire(timeout=0.2)  # the watch looks every 0.05 s
    assert runner.calls == ["pause", "resume", "pause"]


def _read_for_ever(flag: SharedFlag) -> None:
    while True:
        flag.is_set()
        flag.wait(0.001)


def test_a_flag_is_set_and_cleared_while_the_process_reading_it_is_suspended() -> None:
    """The parent sets and clears the pause and stop flags while the child is suspended (a
    pause lands at any moment). With a multiprocessing Event the first clear after suspending a
    child that reads it waited for ever (the child held the Event's lock): the window froze on
    a resume and the digest stayed suspended."""
    context = multiprocessing.get_context("fork")
    flag = SharedFlag(context)
    child = context.Process(target=_read_for_ever, args=(flag,), daemon=True)
    child.start()
    try:
        process = psutil.Process(child.pid)
        time.sleep(0.2)  # the child is reading
        for _ in range(20):
            process.suspend()
            for change in (flag.set, flag.clear):
                changing = threading.Thread(target=change, daemon=True)
                changing.start()
                changing.join(5)
                assert not changing.is_alive(), "the flag waited for the suspended child"
            process.resume()
            time.sleep(0.005)
        flag.set()
        assert flag.wait(0.1) and flag.is_set()
        flag.clear()
        assert not flag.wait(0.05)
    finally:
        child.kill()
        child.join(5)


class _EndedProcess:
    """A digest process that ended between `is_running` and the suspension."""

    def __init__(self) -> None:
        import subprocess

        done = subprocess.Popen(["true"])
        done.wait()
        self.pid = done.pid

    def is_alive(self) -> bool:
        return True


def test_a_pause_of_a_run_that_just_ended_is_no_error() -> None:
    """In the window, a question paused a digest that had just finished: psutil's NoSuchProcess
    reached the answer card as an internal error."""
    digest = DigestProcess()
    digest._process = _EndedProcess()
    digest.pause()  # no error
    assert not digest._paused


def test_a_pause_never_waits_for_ever_on_a_write_lock_left_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import nocturne.sleeptime.process as process

    monkeypatch.setattr(process, "WRITE_LOCK_WAIT_S", 0.05)
    digest = DigestProcess()
    digest._process = _EndedProcess()
    assert digest._write_lock.acquire(timeout=1)  # as a child killed inside a write leaves it
    digest.pause()
    assert not digest._paused
