"""The scheduler driving the real digest process (FakeEngine inside it): start, pause when the
person returns (the process is suspended), resume, finish; and ending an orphaned digest."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
import pytest
from schedule_fakes import FakeClock, FakeWorld

from nocturne.library.digest_documents import documents_waiting
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.schedule.digest_process import DigestProcessController
from nocturne.schedule.policy import NightWindow, Rules
from nocturne.schedule.scheduler import DigestScheduler, Probes
from nocturne.schedule.state import ScheduleState
from nocturne.settings import Settings
from nocturne.sleeptime.events import FINISH, STEP, DigestEvent
from nocturne.sleeptime.process import DigestProcess

from fakes.engine import FakeEngine
from support import FAKE_ENGINE, SAMPLES

pytestmark = pytest.mark.slow
TIMEOUT_S = 60
RULES = Rules(NightWindow.parse("01:00", "06:00"), idle_minutes=10, allow_on_battery=False)


class Events:
    def __init__(self) -> None:
        self.items: list[DigestEvent] = []
        self.changed = threading.Condition()

    def __call__(self, event: DigestEvent) -> None:
        with self.changed:
            self.items.append(event)
            self.changed.notify_all()

    def wait_for(self, kind: str, count: int = 1) -> None:
        with self.changed:
            seen = self.changed.wait_for(
                lambda: sum(e.kind == kind for e in self.items) >= count, TIMEOUT_S
            )
            assert seen, f"no {kind} x{count} within {TIMEOUT_S} s: {self.items[-3:]}"


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("NOCTURNE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    monkeypatch.setenv("NOCTURNE_FAKE_DELAY", "0.01")  # each model call takes a moment
    store = Store.open()
    results = list(add_paths(store, [SAMPLES], Settings(), FakeEngine()))
    assert all(not r.failed for r in results)
    yield store
    store.close()


def make_scheduler(
    store: Store, world: FakeWorld, events: Events, single: bool = True
) -> DigestScheduler:
    return DigestScheduler(
        rules=lambda: RULES,
        state=ScheduleState(store),
        probes=Probes(
            idle=world.idle,
            power=world.power,
            work_left=lambda: documents_waiting(store) > 0,
            clock=world.clock,
        ),
        controller_factory=lambda: DigestProcessController(
            DigestProcess(budget="low", on_event=events), stop_grace_s=10
        ),
        single=single,
    )


def _status(pid: int) -> str:
    return str(psutil.Process(pid).status())


def wait_for_status(pid: int, wanted: bool, deadline_s: float = 5.0) -> None:
    """Poll until the process is (or is no longer) suspended: signals arrive asynchronously."""
    import time

    pause = threading.Event()
    end = time.monotonic() + deadline_s
    while (_status(pid) == psutil.STATUS_STOPPED) != wanted:
        assert time.monotonic() < end, f"process {pid} still {_status(pid)}"
        pause.wait(0.005)


def test_night_with_a_real_digest_process(library: Store) -> None:
    clock = FakeClock(datetime(2026, 11, 11, 2, 0, tzinfo=UTC))
    world = FakeWorld(clock)
    world.last_input = clock.now - timedelta(minutes=30)
    events = Events()
    scheduler = make_scheduler(library, world, events)
    assert documents_waiting(library) == 4
    assert scheduler.tick().code == "night"
    controller = scheduler.controller
    assert isinstance(controller, DigestProcessController)
    pid = controller.pid
    assert pid is not None
    events.wait_for(STEP)

    world.touch()  # the person comes back mid-digest
    assert scheduler.tick().code == "present"
    assert controller.is_paused
    wait_for_status(pid, True, deadline_s=1.0)  # suspended: it has given up the CPU
    assert scheduler.digest_state() == "paused"

    clock.advance(minutes=2)  # away again
    assert scheduler.tick().code == "night"
    assert not controller.is_paused
    wait_for_status(pid, False)
    events.wait_for(FINISH)
    assert controller.process.wait(TIMEOUT_S)
    assert scheduler.tick().code == "done"
    assert scheduler.controller is None
    assert scheduler.digest_state() == "done"
    assert documents_waiting(library) == 0
    assert events.items[-1].reason == "done"
    assert library.scalar("SELECT COUNT(*) FROM notes") > 0


def test_a_digest_left_by_a_killed_scheduler_is_ended(library: Store) -> None:
    clock = FakeClock(datetime(2026, 11, 11, 2, 0, tzinfo=UTC))
    world = FakeWorld(clock)
    world.last_input = clock.now - timedelta(minutes=30)
    events = Events()
    # The first scheduler holds no lock: a killed process would have lost it anyway.
    first = make_scheduler(library, world, events, single=False)
    first.tick()
    assert first.controller is not None
    first.controller.pause()  # suspended when its scheduler died
    pid = getattr(first.controller, "pid", None)
    assert pid is not None and psutil.pid_exists(pid)

    world.touch()  # the person is at the machine when the app starts again
    second = make_scheduler(library, world, events)
    assert second.tick().code == "present"
    assert not psutil.pid_exists(pid) or _status(pid) == psutil.STATUS_ZOMBIE
    assert ScheduleState(library).digest_process is None
    assert second.controller is None


def test_stopping_a_paused_digest_does_not_resume_it_for_long(library: Store) -> None:
    import time

    events = Events()
    controller = DigestProcessController(
        DigestProcess(budget="high", on_event=events), stop_grace_s=30
    )
    controller.start()
    events.wait_for(STEP)
    controller.pause()
    started = time.monotonic()
    controller.stop()
    assert time.monotonic() - started < 5  # not the 30 s a running step may take
    assert not controller.is_running
    assert not controller.completed  # stopped, not finished
    assert controller.error is not None
    assert library.scalar("SELECT COUNT(*) FROM digest_steps") >= 1  # finished steps kept
