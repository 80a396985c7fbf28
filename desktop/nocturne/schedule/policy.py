"""When may the digest run? Pure logic: a clock reading and measurements in, a decision out.

The rules, first that applies wins:
  1. nothing left to digest                     -> done
  2. a question is being answered               -> pause (the question gets the CPU)
  3. the person pressed "Pause" until some time -> pause
  4. on battery (or unknown) and not allowed    -> pause
  5. no idle source answers                     -> pause: the person is treated as present
  6. inside the nightly window and the person
     has been away `night_idle_seconds`         -> run ("night")
  7. idle for `idle_minutes`                    -> run ("catch-up" when last night's window was
                                                   missed because the machine slept, else "idle")
  8. new documents still lack their first (low-budget) digest, the person chose "right away in
     the background", and other programs leave the CPU quiet -> run ("first-digest", budget low)
  9. otherwise                                  -> pause: the person is using the machine
 10. any run of 6-8 while other programs leave less than half a core free (averaged over the
     CPU window)                                -> pause ("cpu-saturated") until 0.75 of a core
                                                   is free again
Rule 8 needs no idle source: it asks whether the *machine* is idle, not the person (the digest
runs at the lowest OS priority and gives way to questions). It starts below `quiet_percent` of
the CPU used by others and, once running, goes on until they use more than `busy_percent`.
The same threshold decides starting and stopping, so the digest pauses the moment input resets
the idle counter and resumes at the next chance. Rule 10 is the back-off of a busy machine: the
digest's lowest OS priority only keeps it out of the others' way, and llama.cpp's threads spend
the crumbs they get waiting for each other; beside one busy program on two cores it still runs
(on the free core, with one thread: engine/threads.py), beside two it waits. Nothing here reads
a clock or a device: the scheduler measures, this decides, and tests simulate whole nights in
microseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from nocturne.schedule.cpu import (
    BUSY_ABOVE_PERCENT,
    QUIET_BELOW_PERCENT,
    RESUME_FREE_CORES,
    SATURATED_FREE_CORES,
    CpuReading,
)
from nocturne.schedule.idle import IdleReading
from nocturne.schedule.power import PowerReading

NIGHT_IDLE_SECONDS = 60.0
"""Inside the nightly window a minute without input is enough: the person has gone to bed."""
NEW_IN_BACKGROUND = "background"
"""The `new_documents` setting: a new document's first digest runs when the machine is quiet."""
NEW_WHEN_AWAY = "away"
"""The `new_documents` setting: new documents wait for the person to be away or the night."""
FIRST_DIGEST_BUDGET = "low"


def parse_clock_time(value: str) -> time:
    hours, minutes = value.strip().split(":")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class Window:
    """One occurrence of the nightly window, in the local time of `now`."""

    start: datetime
    end: datetime

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def label(self) -> str:
        return f"{self.start:%a %d %b %H:%M}–{self.end:%H:%M}"


@dataclass(frozen=True)
class NightWindow:
    """A daily window such as 01:00–06:00 or 22:30–06:30 (crossing midnight). Equal start and end
    means no nightly window; the idle trigger still works."""

    start: time
    end: time

    @classmethod
    def parse(cls, start: str, end: str) -> NightWindow:
        return cls(parse_clock_time(start), parse_clock_time(end))

    @property
    def enabled(self) -> bool:
        return self.start != self.end

    @property
    def length(self) -> timedelta:
        start = timedelta(hours=self.start.hour, minutes=self.start.minute)
        end = timedelta(hours=self.end.hour, minutes=self.end.minute)
        return (end - start) % timedelta(days=1)

    def _occurrence(self, day_offset: int, now: datetime) -> Window:
        day = now.date() + timedelta(days=day_offset)
        start = datetime.combine(day, self.start, tzinfo=now.tzinfo)
        return Window(start, start + self.length)

    def containing(self, now: datetime) -> Window | None:
        if not self.enabled:
            return None
        for offset in (0, -1):  # a window that crosses midnight started yesterday
            window = self._occurrence(offset, now)
            if window.contains(now):
                return window
        return None

    def next_start(self, now: datetime) -> Window | None:
        """The next window that has not started yet."""
        if not self.enabled:
            return None
        for offset in (0, 1):
            window = self._occurrence(offset, now)
            if window.start > now:
                return window
        return None  # unreachable for an enabled window

    def last_ended(self, now: datetime) -> Window | None:
        """The most recent window that is over."""
        if not self.enabled:
            return None
        for offset in (0, -1, -2):
            window = self._occurrence(offset, now)
            if window.end <= now:
                return window
        return None  # unreachable for an enabled window


@dataclass(frozen=True)
class Rules:
    """The settings the policy reads, parsed once."""

    window: NightWindow
    idle_minutes: float
    allow_on_battery: bool
    night_idle_seconds: float = NIGHT_IDLE_SECONDS
    new_documents: str = NEW_WHEN_AWAY
    quiet_percent: float = QUIET_BELOW_PERCENT
    busy_percent: float = BUSY_ABOVE_PERCENT
    saturated_free_cores: float = SATURATED_FREE_CORES
    resume_free_cores: float = RESUME_FREE_CORES

    @classmethod
    def from_settings(cls, settings: Any) -> Rules:
        return cls(
            window=NightWindow.parse(settings.night_start, settings.night_end),
            idle_minutes=float(settings.idle_minutes),
            allow_on_battery=bool(settings.allow_on_battery),
            new_documents=str(getattr(settings, "new_documents", NEW_IN_BACKGROUND)),
        )

    @property
    def first_digest_in_background(self) -> bool:
        return self.new_documents == NEW_IN_BACKGROUND


@dataclass(frozen=True)
class Conditions:
    """Everything measured at one moment."""

    now: datetime
    idle: IdleReading
    power: PowerReading
    work_left: bool
    question_in_flight: bool = False
    paused_until: datetime | None = None
    missed_window: Window | None = None
    first_digest_left: bool = False  # some document lacks its first (low-budget) digest
    cpu: CpuReading | None = None  # others' share of the CPU (None: not measured yet)
    first_digest_running: bool = False  # a "first-digest" run is under way (keeps it going)
    cpu_backed_off: bool = False  # the last decision paused the digest for a saturated CPU


@dataclass(frozen=True)
class Decision:
    """Run or not, and a sentence for the person. `code` is stable for programs and tests.

    `budget` is the digest budget this run is limited to (None: the settings' budget)."""

    run: bool
    code: str
    reason: str
    trigger: str | None = None
    budget: str | None = None


def missed_window(
    window: NightWindow,
    now: datetime,
    *,
    served_start: datetime | None,
    watching_since: datetime | None,
) -> Window | None:
    """The last nightly window if the scheduler never ticked during it (the machine slept or
    was off) while it had been set up before that window; None if it was served or none exists."""
    last = window.last_ended(now)
    if last is None or watching_since is None or watching_since > last.start:
        return None
    if served_start is not None and served_start >= last.start:
        return None
    return last


def _minutes(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"


def _machine_quiet(rules: Rules, c: Conditions) -> bool:
    if c.cpu is None:
        return False
    limit = rules.busy_percent if c.first_digest_running else rules.quiet_percent
    return c.cpu.others_percent < limit


def _first_digest(rules: Rules, c: Conditions) -> Decision | None:
    """Rule 8: a new document's first digest while the machine (not the person) is idle."""
    if not (rules.first_digest_in_background and c.first_digest_left and _machine_quiet(rules, c)):
        return None
    return Decision(
        True,
        "first-digest",
        "reading the new documents while the computer is quiet",
        "first-digest",
        FIRST_DIGEST_BUDGET,
    )


def _deeper_wait(rules: Rules, c: Conditions, idle: float) -> str:
    """When the rest of the digest will run, in words."""
    what = (
        "summaries and deeper notes wait"  # the first digest is done (or rule 8 would apply)
        if rules.first_digest_in_background
        else "the digest waits"
    )
    wait = f"{what} until you are away for {rules.idle_minutes:.0f} min (idle {_minutes(idle)})"
    upcoming = rules.window.next_start(c.now)
    if upcoming is not None:
        wait += f" or tonight at {upcoming.start:%H:%M}"
    return wait


def _present(rules: Rules, c: Conditions, idle: float | None) -> Decision:
    """Nothing may run now: say why, and when something will."""
    if rules.first_digest_in_background and c.first_digest_left:
        busy = (
            "the computer is busy (" + c.cpu.describe() + ")"
            if c.cpu is not None
            else "checking how busy the computer is"
        )
        return Decision(
            False,
            "cpu-busy" if c.cpu is not None else "cpu-unknown",
            f"new documents are read as soon as the computer is quiet; {busy}",
        )
    if idle is None:
        return Decision(False, "no-idle-source", c.idle.describe())
    return Decision(False, "present", _deeper_wait(rules, c, idle))


def _saturated(rules: Rules, c: Conditions) -> bool:
    """Rule 10: other programs leave no core (with hysteresis: once backed off, wait for more)."""
    free = c.cpu.free_cores if c.cpu is not None else None
    if free is None:
        return False  # not measured: run as the other rules say
    limit = rules.resume_free_cores if c.cpu_backed_off else rules.saturated_free_cores
    return free < limit


def decide(rules: Rules, c: Conditions) -> Decision:
    decision = _decide(rules, c)
    if decision.run and _saturated(rules, c):
        assert c.cpu is not None
        return Decision(
            False,
            "cpu-saturated",
            f"other programs keep every core busy ({c.cpu.describe()}); "
            "the digest waits for a free core",
        )
    return decision


def _decide(rules: Rules, c: Conditions) -> Decision:
    if not c.work_left:
        return Decision(False, "done", "everything is digested")
    if c.question_in_flight:
        return Decision(False, "question", "a question is being answered")
    if c.paused_until is not None and c.now < c.paused_until:
        return Decision(False, "paused", f"paused by you until {c.paused_until:%a %H:%M}")
    if not rules.allow_on_battery and c.power.on_ac is not True:
        if c.power.on_ac is None:
            return Decision(
                False, "power-unknown", "cannot tell whether the computer is on mains power"
            )
        return Decision(
            False, "battery", "on battery; the digest waits for mains power (see settings)"
        )
    if c.idle.seconds is None:
        return _first_digest(rules, c) or _present(rules, c, None)
    idle = c.idle.seconds
    tonight = rules.window.containing(c.now)
    if tonight is not None:
        if idle >= rules.night_idle_seconds:
            return Decision(True, "night", f"nightly window {tonight.label()}", "night")
        if rules.first_digest_in_background and c.first_digest_left:
            # New documents wait for a quiet CPU at night as by day, and say so the same way.
            return _first_digest(rules, c) or _present(rules, c, idle)
        return Decision(
            False, "present", f"nightly window, but the machine is in use (idle {_minutes(idle)})"
        )
    if idle >= rules.idle_minutes * 60:
        if c.missed_window is not None:
            return Decision(
                True,
                "catch-up",
                f"catching up the nightly window {c.missed_window.label()} "
                "missed while the computer slept",
                "catch-up",
            )
        return Decision(True, "idle", f"idle for {_minutes(idle)}", "idle")
    return _first_digest(rules, c) or _present(rules, c, idle)


def pause_for(now: datetime, hours: float = 1.0) -> datetime:
    """'Pause 1 hour'."""
    return now + timedelta(hours=hours)


def pause_until_tomorrow(now: datetime) -> datetime:
    """'Pause until tomorrow': until the coming local midnight, so tonight's window still runs
    unless it is already past midnight (then until the next one)."""
    return datetime.combine(now.date() + timedelta(days=1), time(0, 0), tzinfo=now.tzinfo)
