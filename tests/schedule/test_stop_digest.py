"""`DigestScheduler.stop_digest`: a run the person asked for takes the running digest's place,
and the schedule carries on afterwards without the back-off that follows a failed run."""

from __future__ import annotations

from schedule_fakes import add_documents
from test_scheduler import Harness, at

from nocturne.library.store import Store


def test_a_stopped_run_is_no_failure_and_the_next_tick_starts_again(store: Store) -> None:
    add_documents(store, 50)
    h = Harness(store, at(11, 2, 0))  # night, nobody at the computer
    h.run(3)
    running = h.scheduler.controller
    assert running is not None and running.is_running
    h.scheduler.stop_digest()
    assert h.scheduler.controller is None and not running.is_running
    h.scheduler.tick()  # the person's run is over: the night's digest starts again at once
    assert h.scheduler.controller is not None and h.scheduler.controller is not running
    assert h.scheduler.controller.is_running


def test_stopping_with_no_digest_running_does_nothing(store: Store) -> None:
    h = Harness(store, at(11, 2, 0))
    h.scheduler.stop_digest()
    assert h.scheduler.controller is None
