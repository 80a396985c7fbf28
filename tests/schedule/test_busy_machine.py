"""A machine that other programs keep busy: the digest backs off entirely and comes back.

Policy rule 10 (`cpu-saturated`) and the scheduler acting on it, with the CPU reading, the clock
and the digest all fakes: whole nights in milliseconds, nothing sleeps.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from schedule_fakes import FakeClock, FakeDigest, FakeWorld, add_documents

from nocturne.library.digest_documents import documents_waiting
from nocturne.library.store import Store
from nocturne.schedule.cpu import CpuReading
from nocturne.schedule.idle import IdleReading
from nocturne.schedule.policy import Conditions, NightWindow, Rules, decide
from nocturne.schedule.power import PowerReading
from nocturne.schedule.scheduler import STOP_AFTER_PAUSED_S, DigestScheduler, Probes
from nocturne.schedule.state import ScheduleState

TZ = timezone(timedelta(hours=1))
NIGHT = datetime(2025, 3, 4, 2, 0, tzinfo=TZ)
RULES = Rules(NightWindow.parse("01:00", "06:00"), idle_minutes=10, allow_on_battery=False)
MAINS = PowerReading(on_ac=True, has_battery=False)


def _night(cpu: CpuReading | None, backed_off: bool = False) -> Conditions:
    return Conditions(
        now=NIGHT,
        idle=IdleReading("x11", 3600.0),
        power=MAINS,
        work_left=True,
        cpu=cpu,
        cpu_backed_off=backed_off,
    )


def busy(cores: float, cpus: int = 2) -> CpuReading:
    """Other programs keep `cores` of `cpus` busy."""
    return CpuReading(100.0 * cores / cpus, cpus)


def test_the_night_digest_runs_beside_one_busy_program_on_two_cores() -> None:
    # One core is free: the digest takes it (with one thread), the other program keeps its own.
    assert decide(RULES, _night(busy(1.0))).code == "night"


def test_it_backs_off_when_other_programs_take_every_core() -> None:
    decision = decide(RULES, _night(busy(1.9)))
    assert not decision.run
    assert decision.code == "cpu-saturated"
    assert decision.reason == (
        "other programs keep every core busy (other programs use 95 % of the CPU); "
        "the digest waits for a free core"
    )


def test_it_comes_back_only_once_most_of_a_core_is_free() -> None:
    # Hysteresis: 0.4 core free pauses; 0.6 free is not yet enough to resume; 0.8 is.
    assert decide(RULES, _night(busy(1.6))).code == "cpu-saturated"
    assert decide(RULES, _night(busy(1.4), backed_off=True)).code == "cpu-saturated"
    assert decide(RULES, _night(busy(1.4), backed_off=False)).code == "night"
    assert decide(RULES, _night(busy(1.2), backed_off=True)).code == "night"


def test_an_unknown_cpu_never_holds_a_deeper_digest_back() -> None:
    assert decide(RULES, _night(None)).code == "night"
    # A reading without the number of CPUs (older callers) cannot say whether a core is free.
    assert decide(RULES, _night(CpuReading(99.0))).code == "night"


def test_a_larger_machine_with_a_core_free_is_not_saturated() -> None:
    assert decide(RULES, _night(busy(7.0, cpus=8))).code == "night"
    assert decide(RULES, _night(busy(7.7, cpus=8))).code == "cpu-saturated"


def test_idle_and_first_digest_runs_back_off_too() -> None:
    day = NIGHT.replace(hour=14)
    idle = Conditions(day, IdleReading("x11", 3600.0), MAINS, work_left=True, cpu=busy(2.0))
    assert decide(RULES, idle).code == "cpu-saturated"
    assert decide(RULES, Conditions(day, IdleReading("x11", 3600.0), MAINS, True)).code == "idle"


# -- the scheduler acts on it ------------------------------------------------------------------


class BusyNight:
    """A night with the person asleep and a CPU load the test sets (cores kept busy)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.clock = FakeClock(NIGHT)
        self.world = FakeWorld(self.clock)
        self.world.last_input = NIGHT - timedelta(hours=1)
        self.others: float | None = 0.0
        self.log: list[str] = []
        self.digests: list[FakeDigest] = []
        self.scheduler = DigestScheduler(
            rules=lambda: RULES,
            state=ScheduleState(store),
            probes=Probes(
                idle=self.world.idle,
                power=self.world.power,
                work_left=lambda: documents_waiting(store) > 0,
                clock=self.clock,
                cpu=lambda: None if self.others is None else busy(self.others),
            ),
            controller_factory=self._new,
            heartbeat_s=None,
            single=False,
        )

    def _new(self) -> FakeDigest:
        digest = FakeDigest(self.store, self.log)
        self.digests.append(digest)
        return digest

    def second(self) -> str:
        code = self.scheduler.tick().code
        for digest in self.digests:
            digest.step()
        self.clock.advance(seconds=1)
        return code


def test_the_scheduler_pauses_a_running_digest_while_the_machine_stays_busy(
    store: Store,
) -> None:
    add_documents(store, 50)
    night = BusyNight(store)
    assert [night.second() for _ in range(3)] == ["night"] * 3
    done = night.digests[0].steps
    night.others = 2.0  # two CPU-bound programs start
    assert [night.second() for _ in range(5)] == ["cpu-saturated"] * 5
    assert night.log == ["start", "pause"]
    assert night.digests[0].steps == done  # no step while backed off
    night.others = 1.3  # one of them eases off a little: not yet enough
    assert night.second() == "cpu-saturated"
    night.others = 1.0  # one ended: a core is free again
    assert night.second() == "night"
    assert night.log == ["start", "pause", "resume"]
    night.second()
    assert night.digests[0].steps > done


def test_a_digest_backed_off_for_long_is_stopped_and_restarted_later(store: Store) -> None:
    add_documents(store, 50)
    night = BusyNight(store)
    night.second()
    night.others = 2.0
    for _ in range(int(STOP_AFTER_PAUSED_S) + 2):
        night.second()
    assert night.log == ["start", "pause", "stop"]  # its memory is freed, finished steps kept
    night.others = 0.2
    assert night.second() == "night"
    assert night.log[-1] == "start" and len(night.digests) == 2
