"""`schedule_status` as `nocturne status` shows it, with given readings and a fixed clock."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone

import pytest
from schedule_fakes import add_documents

from nocturne.library.store import Store
from nocturne.schedule.cpu import CpuReading
from nocturne.schedule.folders import add_watched_folder
from nocturne.schedule.idle import IdleReading
from nocturne.schedule.power import PowerReading
from nocturne.schedule.schedule_report import format_schedule_status, schedule_status
from nocturne.schedule.state import RecordedDecision, ScheduleState
from nocturne.settings import Settings

TZ = timezone(timedelta(hours=2))
NOW = datetime(2026, 11, 10, 14, 0, tzinfo=TZ)
IDLE = IdleReading("x11-xscreensaver", 30.0)
MAINS = PowerReading(on_ac=True, has_battery=False)


def test_fresh_library_says_done_and_shows_the_next_window(store: Store) -> None:
    report = schedule_status(store, Settings(), NOW, idle=IDLE, power=MAINS)
    json.dumps(report)
    assert report["next_window"]["start"] == datetime(2026, 11, 11, 1, 0, tzinfo=TZ).isoformat()
    assert report["next_window"]["active"] is False
    assert report["idle"] == {
        "source": "x11-xscreensaver",
        "seconds": 30.0,
        "text": "idle 30 s (x11-xscreensaver)",
    }
    assert report["digest"]["state"] == "done"
    assert report["scheduler"]["running"] is False
    lines = "\n".join(format_schedule_status(report))
    assert "Wed 01:00 to 06:00" in lines
    assert "on mains power (no battery)" in lines
    assert "mains only" not in lines


def test_work_waiting_without_a_daemon_says_so(store: Store) -> None:
    add_documents(store, 2)
    away_only = Settings({"new_documents": "away"})
    report = schedule_status(store, away_only, NOW, idle=IDLE, power=MAINS)
    assert report["documents_waiting"] == 2
    assert report["digest"]["state"] == "not running"
    assert report["would_run_now"]["code"] == "present"
    assert report["would_run_now"]["reason"] == (
        "the digest waits until you are away for 10 min (idle 30 s) or tonight at 01:00"
    )
    assert "New documents:   wait until you are away" in "\n".join(format_schedule_status(report))


def test_new_documents_would_be_read_now_when_the_computer_is_quiet(store: Store) -> None:
    add_documents(store, 2)
    quiet = schedule_status(store, Settings(), NOW, idle=IDLE, power=MAINS, cpu=CpuReading(5.0))
    assert quiet["would_run_now"]["code"] == "first-digest"
    assert quiet["cpu_others_percent"] == 5.0
    assert "first digest right away" in "\n".join(format_schedule_status(quiet))
    busy = schedule_status(store, Settings(), NOW, idle=IDLE, power=MAINS, cpu=CpuReading(80.0))
    assert busy["would_run_now"] == {
        "run": False,
        "code": "cpu-busy",
        "reason": "new documents are read as soon as the computer is quiet; the computer is "
        "busy (other programs use 80 % of the CPU)",
    }


def test_running_daemon_reports_its_decision(store: Store, tmp_path: object) -> None:
    add_documents(store, 2)
    state = ScheduleState(store)
    state.heartbeat(NOW - timedelta(seconds=20), pid=os.getpid())
    state.record_decision(
        RecordedDecision(
            at=NOW.isoformat(),
            run=False,
            code="battery",
            reason="on battery; waits for mains",
            digest="paused",
            pid=os.getpid(),
        )
    )
    state.pause_until(NOW + timedelta(hours=1))
    add_watched_folder(store, "/srv/docs")
    report = schedule_status(
        store, Settings(), NOW, idle=IDLE, power=PowerReading(on_ac=False, battery_percent=55)
    )
    assert report["scheduler"]["running"] is True
    assert report["digest"] == {
        "state": "paused",
        "reason": "on battery; waits for mains",
        "since": NOW.isoformat(),
    }
    assert report["paused_until"] == (NOW + timedelta(hours=1)).isoformat()
    assert report["would_run_now"]["code"] == "paused"
    text = "\n".join(format_schedule_status(report))
    assert "Digest:          paused — on battery" in text
    assert "Paused until:    Tue 15:00" in text
    assert "on battery, battery 55 % (digest on mains only)" in text
    assert "/srv/docs" in text


def test_a_silent_daemon_is_not_reported_running(store: Store) -> None:
    ScheduleState(store).heartbeat(NOW - timedelta(minutes=10), pid=os.getpid())
    assert (
        schedule_status(store, Settings(), NOW, idle=IDLE, power=MAINS)["scheduler"]["running"]
        is False
    )


def test_inside_the_window_and_no_idle_source(store: Store) -> None:
    add_documents(store, 1)
    night = datetime(2026, 11, 10, 2, 0, tzinfo=TZ)
    report = schedule_status(
        store,
        Settings({"new_documents": "away"}),
        night,
        idle=IdleReading("none", None),
        power=MAINS,
    )
    assert report["next_window"]["active"] is True
    assert report["would_run_now"]["code"] == "no-idle-source"
    text = "\n".join(format_schedule_status(report))
    assert "now, until 06:00" in text
    assert "treating the person as present" in text


def test_measures_when_no_readings_are_given(store: Store) -> None:
    report = schedule_status(store, Settings())
    assert report["idle"]["source"]
    assert report["power"]["on_ac"] in (True, False, None)


def test_equal_start_and_end_means_no_nightly_window(store: Store) -> None:
    no_night = Settings({"night_start": "01:00", "night_end": "01:00"})
    report = schedule_status(store, no_night, NOW, idle=IDLE, power=MAINS)
    assert report["nightly_window"] is None
    assert report["next_window"] is None
    lines = format_schedule_status(report)
    assert lines[0] == "Nightly window:  no nightly window (start and end are equal)"


def test_a_pause_that_has_ended_is_not_reported(store: Store) -> None:
    add_documents(store, 1)
    ScheduleState(store).pause_until(NOW - timedelta(minutes=1))
    report = schedule_status(store, Settings(), NOW, idle=IDLE, power=MAINS, cpu=CpuReading(5.0))
    assert report["paused_until"] is None
    assert report["would_run_now"]["code"] == "first-digest"
    assert not any(line.startswith("Paused until") for line in format_schedule_status(report))


def test_a_window_missed_while_the_machine_slept_is_reported(store: Store) -> None:
    add_documents(store, 1)
    state = ScheduleState(store)
    state.watching_since(NOW - timedelta(days=3))
    state.mark_window_served(datetime(2026, 11, 9, 1, 0, tzinfo=TZ))  # not last night's
    report = schedule_status(store, Settings(), NOW, idle=IDLE, power=MAINS)
    assert report["missed_window"] == "Tue 10 Nov 01:00–06:00"
    assert (
        "Missed window:   Tue 10 Nov 01:00–06:00 (caught up at next idle)"
        in format_schedule_status(report)
    )
    state.mark_window_served(datetime(2026, 11, 10, 1, 0, tzinfo=TZ))
    assert schedule_status(store, Settings(), NOW, idle=IDLE, power=MAINS)["missed_window"] is None


def test_a_fresh_heartbeat_of_a_dead_process_is_not_a_running_scheduler(store: Store) -> None:
    import subprocess
    import sys

    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = int(child.stdout)
    ScheduleState(store).heartbeat(NOW - timedelta(seconds=5), pid=dead)
    scheduler = schedule_status(store, Settings(), NOW, idle=IDLE, power=MAINS)["scheduler"]
    assert scheduler == {
        "running": False,
        "pid": dead,
        "last_seen": (NOW - timedelta(seconds=5)).isoformat(),
    }


def test_a_running_scheduler_line_names_its_pid(store: Store) -> None:
    ScheduleState(store).heartbeat(NOW, pid=os.getpid())
    lines = format_schedule_status(schedule_status(store, Settings(), NOW, idle=IDLE, power=MAINS))
    assert f"Scheduler:       running (pid {os.getpid()})" in lines
    assert not any(line.startswith("Watched folders") for line in lines)


def test_battery_allowed_drops_the_mains_only_note(store: Store) -> None:
    on_battery = PowerReading(on_ac=False, battery_percent=80)
    allowed = Settings({"allow_on_battery": True})
    report = schedule_status(store, allowed, NOW, idle=IDLE, power=on_battery)
    assert report["power"]["allow_on_battery"] is True
    power_line = next(line for line in format_schedule_status(report) if line.startswith("Power"))
    assert power_line == "Power:           on battery, battery 80 %"


def test_the_cpu_is_measured_only_when_a_first_digest_is_waiting(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    samples: list[str] = []

    def sample() -> CpuReading:
        samples.append("sampled")
        return CpuReading(3.0, 2)

    monkeypatch.setattr("nocturne.schedule.schedule_report.sample_cpu", sample)
    done = schedule_status(store, Settings(), NOW, idle=IDLE, power=MAINS)
    assert done["cpu_others_percent"] is None and samples == []
    add_documents(store, 1)
    waiting = schedule_status(store, Settings(), NOW, idle=IDLE, power=MAINS)
    assert waiting["cpu_others_percent"] == 3.0 and samples == ["sampled"]
