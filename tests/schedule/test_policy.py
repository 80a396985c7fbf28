"""The run/pause policy and the nightly window arithmetic, with fixed clock readings."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from nocturne.schedule.idle import IdleReading
from nocturne.schedule.policy import (
    Conditions,
    NightWindow,
    Rules,
    decide,
    missed_window,
    pause_for,
    pause_until_tomorrow,
)
from nocturne.schedule.power import PowerReading
from nocturne.settings import Settings

TZ = timezone(timedelta(hours=1))
MAINS = PowerReading(on_ac=True, has_battery=False)
BATTERY = PowerReading(on_ac=False, battery_percent=60)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=TZ)


def rules(start: str = "01:00", end: str = "06:00", **kw: object) -> Rules:
    base = Rules(NightWindow.parse(start, end), idle_minutes=10, allow_on_battery=False)
    return replace(base, **kw)  # type: ignore[arg-type]


def cond(now: datetime, idle: float | IdleReading | None = 3600.0, **kw: object) -> Conditions:
    reading = idle if isinstance(idle, IdleReading) else IdleReading("x11-xscreensaver", idle)
    base = Conditions(now=now, idle=reading, power=MAINS, work_left=True)
    return replace(base, **kw)  # type: ignore[arg-type]


def test_window_inside_the_same_day() -> None:
    window = NightWindow.parse("01:00", "06:00")
    assert window.containing(at(10, 0, 59)) is None
    inside = window.containing(at(10, 1, 0))
    assert inside is not None and inside.start == at(10, 1) and inside.end == at(10, 6)
    assert window.containing(at(10, 6, 0)) is None
    upcoming = window.next_start(at(10, 7))
    assert upcoming is not None and upcoming.start == at(11, 1)
    last = window.last_ended(at(10, 5))
    assert last is not None and last.start == at(9, 1)


def test_window_crossing_midnight() -> None:
    window = NightWindow.parse("22:30", "06:30")
    assert window.length == timedelta(hours=8)
    before_midnight = window.containing(at(10, 23))
    after_midnight = window.containing(at(11, 3))
    assert before_midnight is not None and after_midnight is not None
    assert before_midnight == after_midnight
    assert after_midnight.start == at(10, 22, 30) and after_midnight.end == at(11, 6, 30)
    assert window.containing(at(11, 12)) is None
    upcoming = window.next_start(at(11, 3))
    assert upcoming is not None and upcoming.start == at(11, 22, 30)
    last = window.last_ended(at(11, 12))
    assert last is not None and last.start == at(10, 22, 30)


def test_equal_start_and_end_means_no_window() -> None:
    window = NightWindow.parse("02:00", "02:00")
    assert not window.enabled
    assert window.containing(at(10, 2)) is None and window.next_start(at(10, 2)) is None
    decision = decide(rules("02:00", "02:00"), cond(at(10, 3), idle=30))
    assert decision.code == "present" and "nightly" not in decision.reason


def test_night_needs_only_a_minute_away_daytime_needs_idle_minutes() -> None:
    r = rules()
    assert decide(r, cond(at(10, 2), idle=61)).trigger == "night"
    assert decide(r, cond(at(10, 2), idle=5)).code == "present"
    assert decide(r, cond(at(10, 14), idle=61)).code == "present"
    assert decide(r, cond(at(10, 14), idle=599)).run is False
    day = decide(r, cond(at(10, 14), idle=600))
    assert day.run and day.trigger == "idle"
    assert "01:00" in decide(r, cond(at(10, 14), idle=5)).reason


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"work_left": False}, "done"),
        ({"question_in_flight": True}, "question"),
        ({"paused_until": at(10, 3)}, "paused"),
        ({"power": BATTERY}, "battery"),
        ({"power": PowerReading(on_ac=None)}, "power-unknown"),
        ({"idle": IdleReading("none", None)}, "no-idle-source"),
    ],
)
def test_each_rule_stops_a_night_that_would_run(changes: dict[str, object], code: str) -> None:
    assert decide(rules(), cond(at(10, 2))).run
    decision = decide(rules(), replace(cond(at(10, 2)), **changes))  # type: ignore[arg-type]
    assert not decision.run
    assert decision.code == code
    assert decision.reason


def test_battery_allowed_by_setting() -> None:
    assert decide(rules(allow_on_battery=True), cond(at(10, 2), power=BATTERY)).run


def test_no_idle_source_says_the_person_is_treated_as_present() -> None:
    decision = decide(rules(), replace(cond(at(10, 2)), idle=IdleReading("none", None)))
    assert decision.code == "no-idle-source"
    assert "present" in decision.reason


def test_pause_expires() -> None:
    paused = cond(at(10, 2), paused_until=at(10, 3))
    assert decide(rules(), paused).code == "paused"
    assert decide(rules(), replace(paused, now=at(10, 3))).run


def test_pause_helpers() -> None:
    assert pause_for(at(10, 14, 20)) == at(10, 15, 20)
    assert pause_until_tomorrow(at(10, 14, 20)) == at(11, 0)
    assert pause_until_tomorrow(at(10, 0, 30)) == at(11, 0)


def test_missed_window_is_caught_up_at_the_next_idle_chance() -> None:
    window = NightWindow.parse("01:00", "06:00")
    since = at(1, 12)
    # The scheduler last served the night of the 9th; the night of the 10th passed unseen.
    missed = missed_window(window, at(10, 9), served_start=at(9, 1), watching_since=since)
    assert missed is not None and missed.start == at(10, 1)
    r = rules()
    assert decide(r, cond(at(10, 9), idle=120, missed_window=missed)).run is False
    catch_up = decide(r, cond(at(10, 9), idle=600, missed_window=missed))
    assert catch_up.trigger == "catch-up" and "missed" in catch_up.reason


def test_served_or_unwatched_windows_are_not_missed() -> None:
    window = NightWindow.parse("01:00", "06:00")
    assert missed_window(window, at(10, 9), served_start=at(10, 1), watching_since=at(1, 0)) is None
    # Installed after last night's window began: nothing was missed.
    assert missed_window(window, at(10, 9), served_start=None, watching_since=at(10, 8)) is None
    assert missed_window(window, at(10, 9), served_start=None, watching_since=at(9, 8)) is not None


def test_rules_from_settings() -> None:
    settings = Settings(
        {"night_start": "23:15", "night_end": "05:00", "idle_minutes": 3, "allow_on_battery": True}
    )
    r = Rules.from_settings(settings)
    assert r.window.length == timedelta(hours=5, minutes=45)
    assert r.idle_minutes == 3 and r.allow_on_battery
