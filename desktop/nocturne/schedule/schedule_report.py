"""The schedule's part of `nocturne status`: next window, idle source, power, what the digest does.

Read from another process than the scheduler (the daemon or the window): its last decision and
heartbeat come from the database, the idle and power readings are taken here and now, and the
policy is evaluated on them, so "would it digest now, and if not why" is answered either way.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import psutil

from nocturne.library.digest_documents import documents_waiting
from nocturne.library.store import Store
from nocturne.schedule.cpu import CpuReading, sample_cpu
from nocturne.schedule.folders import watched_folders
from nocturne.schedule.idle import IdleMonitor, IdleReading, choose_idle_source
from nocturne.schedule.policy import (
    FIRST_DIGEST_BUDGET,
    NEW_IN_BACKGROUND,
    Conditions,
    Rules,
    decide,
    missed_window,
)
from nocturne.schedule.power import PowerReading, read_power
from nocturne.schedule.questions_in_flight import live_questions
from nocturne.schedule.scheduler import HEARTBEAT_S, local_now
from nocturne.schedule.state import ScheduleState
from nocturne.schedule.work import WorkLeft
from nocturne.sleeptime.digest_report import expected_model_id
from nocturne.sleeptime.foreground_runs import running_foreground_digests

DAEMON_SILENT_AFTER = timedelta(seconds=HEARTBEAT_S * 3)


def _scheduler(state: ScheduleState, now: datetime) -> dict[str, Any]:
    beat = state.last_heartbeat
    if beat is None:
        return {"running": False, "pid": None, "last_seen": None}
    alive = psutil.pid_exists(beat["pid"]) and now - beat["at"] <= DAEMON_SILENT_AFTER
    return {"running": alive, "pid": beat["pid"], "last_seen": beat["at"].isoformat()}


def schedule_status(
    store: Store,
    settings: Any,
    now: datetime | None = None,
    *,
    idle: IdleReading | None = None,
    power: PowerReading | None = None,
    cpu: CpuReading | None = None,
) -> dict[str, Any]:
    """A JSON-ready report. `idle`/`power`/`cpu` default to measuring now (tests pass
    readings)."""
    now = now or local_now()
    rules = Rules.from_settings(settings)
    state = ScheduleState(store)
    if idle is None:
        monitor = IdleMonitor(chooser=lambda: choose_idle_source(quiet=True))
        try:
            idle = monitor.read()
        finally:
            monitor.close()
    power = power or read_power()
    paused_until = state.paused_until
    if paused_until is not None and paused_until <= now:
        paused_until = None
    waiting = documents_waiting(store)
    work_left = WorkLeft(
        store, lambda: str(settings.digest_budget), model_id=lambda: expected_model_id(settings)
    )()
    first_left = (
        rules.first_digest_in_background
        and work_left
        and WorkLeft(
            store, lambda: FIRST_DIGEST_BUDGET, model_id=lambda: expected_model_id(settings)
        )()
    )
    if cpu is None and first_left:
        cpu = sample_cpu()
    current = rules.window.containing(now)
    upcoming = current or rules.window.next_start(now)
    scheduler = _scheduler(state, now)
    missed = missed_window(
        rules.window,
        now,
        served_start=state.served_window_start,
        watching_since=state.watching_started,
    )
    would = decide(
        rules,
        Conditions(
            now=now,
            idle=idle,
            power=power,
            work_left=work_left,
            question_in_flight=live_questions() > 0,
            paused_until=paused_until,
            missed_window=missed,
            first_digest_left=first_left,
            cpu=cpu,
        ),
    )
    recorded = state.last_decision
    digest: dict[str, str | None]
    in_terminal = running_foreground_digests()
    if in_terminal:
        digest = {
            "state": "running",
            "reason": f"`nocturne digest` in a terminal (pid {in_terminal[0]})",
            "since": None,
        }
    elif scheduler["running"] and recorded is not None:
        digest = {"state": recorded.digest, "reason": recorded.reason, "since": recorded.at}
    elif not work_left:
        digest = {"state": "done", "reason": "everything is digested", "since": None}
    else:
        digest = {
            "state": "not running",
            "reason": "no daemon or window is running the schedule "
            "(start `nocturne daemon` or the app)",
            "since": None,
        }
    return {
        "nightly_window": f"{settings.night_start}–{settings.night_end}"
        if rules.window.enabled
        else None,
        "next_window": None
        if upcoming is None
        else {
            "start": upcoming.start.isoformat(),
            "end": upcoming.end.isoformat(),
            "active": current is not None,
        },
        "idle_minutes": rules.idle_minutes,
        "new_documents": rules.new_documents,
        "cpu_others_percent": None if cpu is None else round(cpu.others_percent, 1),
        "idle": {"source": idle.source, "seconds": idle.seconds, "text": idle.describe()},
        "power": {
            "on_ac": power.on_ac,
            "has_battery": power.has_battery,
            "battery_percent": power.battery_percent,
            "allow_on_battery": rules.allow_on_battery,
            "text": power.describe(),
        },
        "paused_until": paused_until.isoformat() if paused_until else None,
        "missed_window": missed.label() if missed else None,
        "documents_waiting": waiting,
        "watched_folders": [str(p) for p in watched_folders(store)],
        "scheduler": scheduler,
        "digest": digest,
        "would_run_now": {"run": would.run, "code": would.code, "reason": would.reason},
    }


def format_schedule_status(report: dict[str, Any]) -> list[str]:
    """Lines for the plain `nocturne status` output."""
    window = report["next_window"]
    if window is None:
        window_text = "no nightly window (start and end are equal)"
    else:
        start = datetime.fromisoformat(window["start"])
        end = datetime.fromisoformat(window["end"])
        when = "now, until" if window["active"] else f"{start:%a %H:%M} to"
        window_text = f"{when} {end:%H:%M}"
    digest = report["digest"]
    lines = [
        f"Nightly window:  {window_text}",
        f"Idle trigger:    after {report['idle_minutes']:.0f} min; {report['idle']['text']}",
        "New documents:   "
        + (
            "first digest right away, while the computer is quiet"
            if report.get("new_documents") == NEW_IN_BACKGROUND
            else "wait until you are away or the nightly window"
        ),
        f"Power:           {report['power']['text']}"
        + (
            " (digest on mains only)"
            if report["power"]["has_battery"] and not report["power"]["allow_on_battery"]
            else ""
        ),
        f"Digest:          {digest['state']} — {digest['reason']}",
    ]
    if report["paused_until"]:
        lines.append(f"Paused until:    {datetime.fromisoformat(report['paused_until']):%a %H:%M}")
    if report["missed_window"]:
        lines.append(f"Missed window:   {report['missed_window']} (caught up at next idle)")
    would = report["would_run_now"]
    lines.append(f"Would run now:   {'yes' if would['run'] else 'no'} — {would['reason']}")
    scheduler = report["scheduler"]
    lines.append(
        "Scheduler:       "
        + (f"running (pid {scheduler['pid']})" if scheduler["running"] else "not running")
    )
    if report["watched_folders"]:
        lines.append("Watched folders: " + ", ".join(report["watched_folders"]))
    return lines
