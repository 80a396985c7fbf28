"""Whole nights simulated by calling `tick()` with a fake clock: no sleeping, milliseconds."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from schedule_fakes import FakeClock, FakeDigest, FakeWorld, add_documents

from nocturne.library.digest_documents import documents_waiting
from nocturne.library.store import Store
from nocturne.schedule.policy import NightWindow, Rules
from nocturne.schedule.scheduler import DigestScheduler, Probes
from nocturne.schedule.state import ScheduleState

TZ = timezone(timedelta(hours=1))
RULES = Rules(NightWindow.parse("01:00", "06:00"), idle_minutes=10, allow_on_battery=False)


class Harness:
    def __init__(self, store: Store, start: datetime, rules: Rules = RULES) -> None:
        self.store = store
        self.clock = FakeClock(start)
        self.world = FakeWorld(self.clock)
        self.log: list[str] = []
        self.digests: list[FakeDigest] = []
        self.scheduler = self.make_scheduler(rules)

    def make_scheduler(self, rules: Rules = RULES) -> DigestScheduler:
        return DigestScheduler(
            rules=lambda: rules,
            state=ScheduleState(self.store),
            probes=Probes(
                idle=self.world.idle,
                power=self.world.power,
                work_left=lambda: documents_waiting(self.store) > 0,
                questions=lambda: self.world.questions,
                clock=self.clock,
            ),
            controller_factory=self._new_digest,
        )

    def _new_digest(self) -> FakeDigest:
        digest = FakeDigest(self.store, self.log)
        self.digests.append(digest)
        return digest

    def run(self, minutes: int, each: Callable[[int], None] | None = None) -> list[str]:
        """One tick and one digest step per simulated minute; returns the decision codes."""
        codes = []
        for minute in range(minutes):
            if each is not None:
                each(minute)
            codes.append(self.scheduler.tick().code)
            if self.scheduler.controller is not None:
                assert isinstance(self.scheduler.controller, FakeDigest)
                self.scheduler.controller.step()
            self.clock.advance(minutes=1)
        return codes


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=TZ)


def test_a_simulated_night_digests_the_library(store: Store) -> None:
    add_documents(store, 200)
    h = Harness(store, at(10, 22, 0))

    def person(minute: int) -> None:
        now = h.clock.now
        if now < at(11, 0, 55) or at(11, 3, 0) <= now < at(11, 3, 5):
            h.world.touch()  # works until 00:55; up for five minutes at 03:00

    codes = h.run(10 * 60, each=person)  # 22:00 -> 08:00
    assert documents_waiting(store) == 0
    assert codes[:176] == ["present"] * 176  # until 00:56, one minute after the last input
    first_night = codes.index("night")
    assert h.clock.now > at(11, 7)
    assert first_night == 180  # 01:00, when the window opens
    assert codes[300:305] == ["present"] * 5  # 03:00-03:05: the person is back
    assert codes[-1] == "done"
    assert h.log == ["start", "pause", "resume"]
    assert len(h.digests) == 1 and h.digests[0].steps == 200
    assert h.scheduler.digest_state() == "done"


def test_night_then_person_returns_mid_step_then_resumes(store: Store) -> None:
    add_documents(store, 100)
    h = Harness(store, at(11, 0, 50))
    h.world.touch()
    h.run(15)  # 00:50-01:05: window opens at 01:00, person away since 00:50
    assert h.log == ["start"]
    digest = h.digests[0]
    done_before = digest.steps
    assert done_before > 0
    # 01:05: the person comes back mid-step
    h.world.touch()
    assert h.scheduler.tick().code == "present"
    assert h.log == ["start", "pause"]
    digest.step()  # a paused digest does no work
    assert digest.steps == done_before
    # The person leaves again; a minute later it resumes, same run, nothing redone.
    h.clock.advance(minutes=1, seconds=1)
    assert h.scheduler.tick().code == "night"
    assert h.log == ["start", "pause", "resume"]
    assert len(h.digests) == 1


def test_unplugging_mid_digest_pauses_and_plugging_in_resumes(store: Store) -> None:
    add_documents(store, 100)
    h = Harness(store, at(11, 2, 0))
    h.world.last_input = at(11, 0, 0)
    h.run(3)
    assert h.log == ["start"]
    h.world.on_ac = False
    assert h.scheduler.tick().code == "battery"
    assert h.log == ["start", "pause"]
    h.world.on_ac = True
    assert h.scheduler.tick().run
    assert h.log == ["start", "pause", "resume"]


def test_battery_allowed_keeps_running(store: Store) -> None:
    add_documents(store, 5)
    rules = Rules(RULES.window, idle_minutes=10, allow_on_battery=True)
    h = Harness(store, at(11, 2, 0), rules)
    h.world.last_input = at(11, 0, 0)
    h.world.on_ac = False
    h.run(10)
    assert documents_waiting(store) == 0
    assert "pause" not in h.log


def test_question_preempts_at_once_and_the_digest_resumes_after(store: Store) -> None:
    add_documents(store, 100)
    h = Harness(store, at(11, 2, 0))
    h.world.last_input = at(11, 0, 0)
    h.run(2)
    h.scheduler.question_started()  # no tick needed
    assert h.log == ["start", "pause"]
    assert h.scheduler.tick().code == "question"
    h.scheduler.question_finished()
    assert h.scheduler.tick().code == "night"
    assert h.log == ["start", "pause", "resume"]


def test_question_flag_from_another_process_pauses(store: Store) -> None:
    add_documents(store, 100)
    h = Harness(store, at(11, 2, 0))
    h.world.last_input = at(11, 0, 0)
    h.run(2)
    h.world.questions = 1
    h.scheduler.preempt()
    assert h.log == ["start", "pause"]
    h.world.questions = 0
    h.scheduler.tick()
    assert h.log[-1] == "resume"


def test_missed_window_is_caught_up_at_the_next_idle_chance(store: Store) -> None:
    add_documents(store, 20)
    state = ScheduleState(store)
    state.watching_since(at(1, 12))
    state.mark_window_served(at(9, 1))
    # The machine slept through the night of the 10th; it wakes at 08:00 and is used.
    h = Harness(store, at(11, 8, 0))
    h.world.touch()
    codes = h.run(5, each=lambda m: h.world.touch())
    assert set(codes) == {"present"}
    codes = h.run(30)  # then left alone: caught up after 10 minutes
    assert "catch-up" in codes and "idle" not in codes
    assert documents_waiting(store) == 0
    assert codes[-1] == "done"
    assert h.scheduler.last_decision is not None
    # Once caught up, the missed night counts as served; later idle runs are plain idle.
    assert state.served_window_start == at(11, 1)


def test_pause_buttons_persist_across_a_restart(store: Store) -> None:
    add_documents(store, 50)
    h = Harness(store, at(11, 2, 0))
    h.world.last_input = at(11, 0, 0)
    h.run(2)
    until = h.scheduler.pause_for_an_hour()
    assert until == at(11, 3, 2)
    assert h.log[-1] == "pause"
    # The app restarts: a new scheduler reads the pause from the database.
    h.scheduler.shutdown()
    restarted = h.make_scheduler()
    h.scheduler = restarted
    assert restarted.tick().code == "paused"
    h.clock.now = at(11, 3, 3)
    assert restarted.tick().code == "night"
    assert restarted.pause_until_tomorrow() == at(12, 0)
    assert restarted.last_decision is not None and restarted.last_decision.code == "paused"
    restarted.resume_now()
    assert restarted.last_decision.code == "night"


def test_no_idle_source_never_starts(store: Store) -> None:
    add_documents(store, 5)
    h = Harness(store, at(11, 2, 0))
    h.world.answers = False
    codes = h.run(60)
    assert set(codes) == {"no-idle-source"}
    assert h.log == []
    recorded = ScheduleState(store).last_decision
    assert recorded is not None and "present" in recorded.reason


def test_long_pause_stops_the_digest_to_free_memory_and_restarts_later(store: Store) -> None:
    add_documents(store, 100)
    h = Harness(store, at(11, 5, 0))
    h.world.last_input = at(11, 0, 0)
    h.run(3)
    h.clock.now = at(11, 9, 0)
    h.world.touch()
    h.run(45, each=lambda m: h.world.touch())
    assert h.log == ["start", "pause", "stop"]
    h.run(12)  # away 12 minutes in the day -> new run
    assert h.log[-1] == "start" and len(h.digests) == 2


def test_a_crashed_digest_is_retried_after_a_while(store: Store) -> None:
    add_documents(store, 100)
    h = Harness(store, at(11, 2, 0))
    h.world.last_input = at(11, 0, 0)
    h.run(1)
    h.digests[0].stopped = True  # the process died
    h.run(4)
    assert len(h.digests) == 1
    h.run(2)
    assert len(h.digests) == 2


def test_decisions_are_recorded_for_status_only_when_they_change(store: Store) -> None:
    add_documents(store, 100)
    h = Harness(store, at(11, 2, 0))
    h.world.last_input = at(11, 0, 0)
    h.run(5)
    recorded = ScheduleState(store).last_decision
    assert recorded is not None
    assert (recorded.code, recorded.digest) == ("night", "running")
    assert recorded.at == at(11, 2, 0).isoformat()  # first tick; later ones changed nothing


def test_background_ticks_through_apscheduler(store: Store) -> None:
    import threading

    add_documents(store, 3)
    h = Harness(store, at(11, 2, 0))
    h.world.last_input = at(11, 0, 0)
    started = threading.Event()
    original = h._new_digest

    def factory() -> FakeDigest:
        digest = original()
        started.set()
        return digest

    scheduler = DigestScheduler(
        rules=lambda: RULES,
        state=ScheduleState(store),
        probes=h.scheduler.probes,
        controller_factory=factory,
    )
    scheduler.start(interval_s=0.05)
    try:
        assert started.wait(timeout=10), "the interval job never ticked"
    finally:
        scheduler.shutdown()
    assert h.log[-1] == "stop"


@pytest.mark.parametrize("start_hour", [23, 3])
def test_window_across_midnight(store: Store, start_hour: int) -> None:
    add_documents(store, 3)
    rules = Rules(NightWindow.parse("22:00", "05:00"), idle_minutes=600, allow_on_battery=False)
    day = 10 if start_hour == 23 else 11
    h = Harness(store, at(day, start_hour, 0), rules)
    h.world.last_input = h.clock.now - timedelta(minutes=2)
    assert h.run(1) == ["night"]


def test_a_run_that_ends_done_with_work_left_backs_off(store: Store) -> None:
    add_documents(store, 3)
    h = Harness(store, at(11, 2, 0))
    h.world.last_input = at(11, 0, 0)
    h.run(1)
    h.digests[0].finished = True  # claims done, but every document is still stale
    h.run(4)
    assert len(h.digests) == 1  # no restart every tick
    h.run(2)
    assert len(h.digests) == 2


def test_heartbeat_is_written_every_thirty_seconds(store: Store) -> None:
    h = Harness(store, at(11, 2, 0))
    state = ScheduleState(store)
    h.scheduler.tick()
    beat = state.last_heartbeat
    assert beat is not None and beat["at"] == at(11, 2, 0)
    h.clock.advance(seconds=10)
    h.scheduler.tick()
    assert state.last_heartbeat == beat
    h.clock.advance(seconds=25)
    h.scheduler.tick()
    assert state.last_heartbeat is not None
    assert state.last_heartbeat["at"] == at(11, 2, 0) + timedelta(seconds=35)


def test_a_digest_that_cannot_start_is_retried_later_not_every_tick(store: Store) -> None:
    add_documents(store, 3)
    h = Harness(store, at(11, 2, 0))
    h.world.last_input = at(11, 0, 0)
    attempts: list[int] = []

    def broken() -> FakeDigest:
        attempts.append(1)
        raise RuntimeError("model file missing")

    h.scheduler._factory = broken
    h.run(4)
    assert len(attempts) == 1
    h.run(2)
    assert len(attempts) == 2
    assert h.scheduler.digest_state() == "not started"


def test_only_one_scheduler_per_library_and_the_other_takes_over(store: Store) -> None:
    add_documents(store, 50)
    h = Harness(store, at(11, 2, 0))
    h.world.last_input = at(11, 0, 0)
    h.run(1)
    assert h.log == ["start"]
    window = h.make_scheduler()  # e.g. the window, while the daemon (h.scheduler) runs
    decision = window.tick()
    assert decision.code == "other-scheduler" and not decision.run
    assert str(os.getpid()) in decision.reason
    assert h.log == ["start"]  # no second digest
    h.scheduler.shutdown()  # the daemon stops
    assert window.tick().code == "night"
    assert h.log == ["start", "stop", "start"]
    window.shutdown()


def test_no_digest_starts_beside_one_run_in_a_terminal(store: Store, home: Path) -> None:
    from nocturne.sleeptime.foreground_runs import foreground_run

    add_documents(store, 20)
    h = Harness(store, at(11, 2, 0))  # in the nightly window, nobody at the machine
    with foreground_run():
        assert h.run(3) == ["foreground-digest"] * 3
        assert h.digests == []
        assert "`nocturne digest` is running in a terminal" in h.scheduler.last_decision.reason
    assert h.run(1) == ["night"]
    assert len(h.digests) == 1
