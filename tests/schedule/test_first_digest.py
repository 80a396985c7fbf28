"""A new library gets its first (low-budget) digest by itself as soon as the *machine* is quiet.

Issue 12, problem 1: after "Try the sample documents" nothing happened until the person found
"Digest now", because every run waited for 10 minutes without input or the night. These tests
drive the scheduler with a fake clock and a scripted CPU probe: no sleeping.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from schedule_fakes import CpuCounters, FakeClock, FakeDigest, FakeWorld, add_documents

from nocturne.library.digest_documents import documents_waiting
from nocturne.library.store import Store
from nocturne.schedule.cpu import CpuMonitor, CpuReading
from nocturne.schedule.policy import Conditions, NightWindow, Rules, decide
from nocturne.schedule.power import PowerReading
from nocturne.schedule.scheduler import DigestScheduler, Probes
from nocturne.schedule.state import ScheduleState
from nocturne.settings import Settings

TZ = timezone(timedelta(hours=1))
START = datetime(2026, 11, 10, 15, 0, tzinfo=TZ)  # an afternoon at the computer
BACKGROUND = Rules(
    NightWindow.parse("01:00", "06:00"),
    idle_minutes=10,
    allow_on_battery=False,
    new_documents="background",
)
AWAY = Rules(
    NightWindow.parse("01:00", "06:00"),
    idle_minutes=10,
    allow_on_battery=False,
    new_documents="away",
)


class BudgetDigest(FakeDigest):
    """A run that learns one document per `step()`; remembers the budget it was started with."""

    def __init__(self, store: Store, budget: str | None, log: list[str]) -> None:
        super().__init__(store, log)
        self.budget = budget

    def start(self) -> None:
        self.started = True
        self.log.append(f"start {self.budget or 'settings'}")

    def pause(self) -> None:
        self.paused = True
        self.log.append("pause")

    def resume(self) -> None:
        self.paused = False
        self.log.append("resume")

    def step(self) -> None:
        if not self.is_running or self.paused:
            return
        row = self.store.conn.execute(
            "SELECT id FROM documents WHERE learned_stale = 1 ORDER BY id LIMIT 1"
        ).fetchone()
        if row is not None:
            with self.store.transaction() as conn:
                conn.execute("UPDATE documents SET learned_stale = 0 WHERE id = ?", (row[0],))
        if documents_waiting(self.store) == 0:
            self.finished = True


class Machine:
    """The person (idle time), the power cord and the CPU other programs use."""

    def __init__(self, store: Store, rules: Rules = BACKGROUND) -> None:
        self.store = store
        self.clock = FakeClock(START)
        self.world = FakeWorld(self.clock)
        self.cpu: float | None = 5.0
        self.deeper_done = False
        self.log: list[str] = []
        self.runs: list[BudgetDigest] = []
        self.scheduler = DigestScheduler(
            rules=lambda: rules,
            state=ScheduleState(store),
            probes=Probes(
                idle=self.world.idle,
                power=self.world.power,
                work_left=lambda: documents_waiting(store) > 0 or not self.deeper_done,
                questions=lambda: self.world.questions,
                clock=self.clock,
                first_digest_left=lambda: documents_waiting(store) > 0,
                cpu=lambda: None if self.cpu is None else CpuReading(self.cpu),
            ),
            controller_factory=self._new_run,
            single=False,
        )

    def _new_run(self, budget: str | None = None) -> BudgetDigest:
        run = BudgetDigest(self.store, budget, self.log)
        self.runs.append(run)
        return run

    def minute(self, touch: bool = True) -> str:
        if touch:
            self.world.touch()  # the person keeps typing: never idle for 10 minutes
        code = self.scheduler.tick().code
        controller = self.scheduler.controller
        if isinstance(controller, BudgetDigest):
            controller.step()
        self.clock.advance(minutes=1)
        return code


def test_new_documents_get_a_low_budget_digest_while_the_person_works(store: Store) -> None:
    add_documents(store, 3)
    machine = Machine(store)
    codes = [machine.minute() for _ in range(5)]
    assert codes[0] == "first-digest"
    assert machine.log[0] == "start low"
    assert documents_waiting(store) == 0
    # The deeper budget still waits for the person to be away (or the night).
    assert codes[-1] == "present"
    assert machine.scheduler.last_decision is not None
    assert "away for 10 min" in machine.scheduler.last_decision.reason
    assert all(run.budget == "low" for run in machine.runs)


def test_a_busy_cpu_holds_the_first_digest_back_and_it_starts_when_quiet(store: Store) -> None:
    add_documents(store, 2)
    machine = Machine(store)
    machine.cpu = 80.0
    assert [machine.minute() for _ in range(3)] == ["cpu-busy"] * 3
    assert machine.runs == []
    reason = machine.scheduler.last_decision.reason  # type: ignore[union-attr]
    assert "as soon as the computer is quiet" in reason and "80 %" in reason
    machine.cpu = 10.0
    assert machine.minute() == "first-digest"
    assert machine.log == ["start low"]


def test_unknown_cpu_never_starts_on_a_guess(store: Store) -> None:
    add_documents(store, 1)
    machine = Machine(store)
    machine.cpu = None
    assert machine.minute() == "cpu-unknown"
    assert machine.runs == []


def test_a_running_first_digest_keeps_going_until_the_cpu_is_really_busy(store: Store) -> None:
    add_documents(store, 50)
    machine = Machine(store)
    assert machine.minute() == "first-digest"
    machine.cpu = 40.0  # above "quiet" (25 %) but below "busy" (50 %): hysteresis, keep going
    assert machine.minute() == "first-digest"
    assert "pause" not in machine.log
    machine.cpu = 70.0
    assert machine.minute() == "cpu-busy"
    assert machine.log == ["start low", "pause"]
    machine.cpu = 5.0
    assert machine.minute() == "first-digest"
    assert machine.log == ["start low", "pause", "resume"]


def test_a_question_still_takes_the_cpu_from_the_first_digest(store: Store) -> None:
    add_documents(store, 50)
    machine = Machine(store)
    machine.minute()
    machine.world.questions = 1
    assert machine.minute() == "question"
    assert machine.log[-1] == "pause"


def test_on_battery_the_first_digest_waits_too(store: Store) -> None:
    add_documents(store, 2)
    machine = Machine(store)
    machine.world.on_ac = False
    assert machine.minute() == "battery"
    assert machine.runs == []


def test_the_setting_away_keeps_new_documents_for_the_idle_or_night_rule(store: Store) -> None:
    add_documents(store, 2)
    machine = Machine(store, AWAY)
    assert [machine.minute() for _ in range(3)] == ["present"] * 3
    assert machine.runs == []
    # Away for 10 minutes: the full digest (the settings' budget) runs.
    codes = [machine.minute(touch=False) for _ in range(12)]
    assert "idle" in codes
    assert machine.log[0] == "start settings"


def test_after_a_deeper_run_a_new_document_gets_its_first_digest_at_once(
    store: Store,
) -> None:
    add_documents(store, 1)
    machine = Machine(store, BACKGROUND)
    machine.cpu = 80.0  # something else is busy: no first digest; then the person leaves
    machine.deeper_done = True
    for _ in range(12):  # away: the full budget starts, and finishes
        machine.minute(touch=False)
    assert machine.log[0] == "start settings"
    assert machine.scheduler.controller is None
    machine.cpu = 5.0
    add_documents(store, 1)  # a new document arrives while the person is back
    codes = [machine.minute() for _ in range(3)]
    assert "first-digest" in codes
    assert machine.runs[-1].budget == "low"


def test_the_deeper_run_is_stopped_not_resumed_for_a_first_digest(store: Store) -> None:
    add_documents(store, 40)
    machine = Machine(store, BACKGROUND)
    machine.cpu = 80.0
    for _ in range(12):
        machine.minute(touch=False)
    machine.cpu = 5.0
    deeper = machine.runs[0]
    assert deeper.budget is None and deeper.is_running
    machine.minute()  # back at the computer, documents still lack their first digest
    assert deeper.stopped
    machine.minute()
    assert machine.runs[-1].budget == "low" and machine.runs[-1].is_running


def test_policy_first_digest_needs_no_idle_source() -> None:
    from nocturne.schedule.idle import IdleReading

    conditions = Conditions(
        now=START,
        idle=IdleReading("none", None),
        power=PowerReading(on_ac=True, has_battery=False),
        work_left=True,
        first_digest_left=True,
        cpu=CpuReading(3.0),
    )
    decision = decide(BACKGROUND, conditions)
    assert (decision.run, decision.code, decision.budget) == (True, "first-digest", "low")
    assert decide(AWAY, conditions).code == "no-idle-source"


def test_rules_follow_the_new_documents_setting() -> None:
    assert Rules.from_settings(Settings()).new_documents == "background"
    assert Rules.from_settings(Settings({"new_documents": "away"})).first_digest_in_background is (
        False
    )


# -- the daemon and the window use the same rule ------------------------------------------------


def test_build_scheduler_starts_a_low_budget_first_digest(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nocturne.schedule.daemon import build_scheduler
    from nocturne.schedule.idle import IdleMonitor

    add_documents(store, 2)
    settings = Settings(path=tmp_path / "settings.json")
    budgets: list[str | None] = []
    log: list[str] = []

    def factory(budget: str | None = None) -> BudgetDigest:
        budgets.append(budget)
        return BudgetDigest(store, budget, log)

    counters = CpuCounters()
    cpu = CpuMonitor(counters.read, clock=lambda: counters.now, window_s=2.0)

    class Present:
        name = "x11-xscreensaver"

        def idle_seconds(self) -> float:
            return 1.0

        def close(self) -> None:
            pass

    scheduler = build_scheduler(
        settings,
        store,
        idle=IdleMonitor(chooser=Present),
        power_probe=lambda: PowerReading(on_ac=True, has_battery=False),
        controller_factory=factory,
        lock=None,
        cpu=cpu,
    )
    scheduler._single = None  # no library lock in this test
    monkeypatch.setattr(
        "nocturne.schedule.scheduler.DigestScheduler._holds_library", lambda s: True
    )
    codes = []
    for _ in range(4):
        codes.append(scheduler.tick().code)
        counters.advance(1.0, others=0.03)
    assert codes[0] == "cpu-unknown"  # the CPU is watched for a full window first
    assert "first-digest" in codes
    assert budgets == ["low"]
    scheduler.shutdown(stop_digest=True)
