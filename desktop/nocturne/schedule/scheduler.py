"""Background digestion: measure, decide (policy.py), and start, pause, resume or stop the digest.

`DigestScheduler.tick()` is the whole behaviour; APScheduler only calls it every second from a
`BackgroundScheduler` interval job. Everything it touches comes in as a parameter (clock, idle
and power probes, the count of questions in flight, the digest controller), so tests call
`tick()` with a fake clock and simulate a night in milliseconds. The job store stays in memory
on purpose: what has been digested lives in the library database (each finished step commits
there), and the few scheduling facts that must survive a restart live in `schedule_state`.

A question preempts the digest without waiting for the next tick: `question_started()` (same
process) or a flag file seen by the daemon's folder watch (`questions.py`) pauses it at once.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from nocturne.schedule.cpu import CpuReading
from nocturne.schedule.idle import IdleReading
from nocturne.schedule.orphans import end_orphaned_digest, remember_digest_process
from nocturne.schedule.policy import (
    FIRST_DIGEST_BUDGET,
    Conditions,
    Decision,
    Rules,
    decide,
    missed_window,
    pause_for,
    pause_until_tomorrow,
)
from nocturne.schedule.power import PowerReading
from nocturne.schedule.single import SchedulerLock
from nocturne.schedule.state import RecordedDecision, ScheduleState
from nocturne.sleeptime.foreground_runs import running_foreground_digests

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0
STOP_AFTER_PAUSED_S = 30 * 60.0
"""A digest paused this long is stopped: it frees the model's memory; finished steps are kept."""
RETRY_AFTER_FAILURE_S = 5 * 60.0
HEARTBEAT_S = 30.0
"""How often the scheduler tells the database it is alive (for `nocturne status`)."""


class DigestController(Protocol):
    """One run of the digest (a separate process in the app; a fake in tests).

    `start()` begins digesting whatever is left; `pause()`/`resume()` hold and release the CPU
    within a second, keeping the step in progress; `stop()` ends the run after saving finished
    steps. `is_running` is true from start until the run ends (paused included); `completed`
    is true when it ended because everything was digested.
    """

    def start(self) -> None: ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def stop(self) -> None: ...

    @property
    def is_running(self) -> bool: ...

    @property
    def is_paused(self) -> bool: ...

    @property
    def completed(self) -> bool: ...


def local_now() -> datetime:
    return datetime.now().astimezone()


@dataclass(frozen=True)
class Probes:
    """How the scheduler measures the world. Each is called once per tick."""

    idle: Callable[[], IdleReading]
    power: Callable[[], PowerReading]
    work_left: Callable[[], bool]
    questions: Callable[[], int] = lambda: 0
    clock: Callable[[], datetime] = local_now
    first_digest_left: Callable[[], bool] = lambda: False
    """Some document still lacks its first (low-budget) digest."""
    cpu: Callable[[], CpuReading | None] = lambda: None
    """Other programs' share of the CPU, the digest's own left out (None: not known yet)."""


class DigestScheduler:
    def __init__(
        self,
        *,
        rules: Callable[[], Rules],
        state: ScheduleState,
        probes: Probes,
        controller_factory: Callable[..., DigestController],
        stop_after_paused_s: float = STOP_AFTER_PAUSED_S,
        retry_after_failure_s: float = RETRY_AFTER_FAILURE_S,
        heartbeat_s: float | None = HEARTBEAT_S,
        single: SchedulerLock | bool = True,
    ) -> None:
        """`single`: hold the library's scheduler lock (True: take it on the first tick; or a
        lock the caller already holds; False: no lock, for tests of several schedulers).

        `controller_factory()` makes a run at the settings' budget; for a decision limited to a
        budget (a new document's first digest) it is called as `controller_factory(budget=...)`.
        """
        self._rules = rules
        self.state = state
        self.probes = probes
        self._factory = controller_factory
        self._stop_after_paused_s = stop_after_paused_s
        self._retry_after_failure_s = retry_after_failure_s
        self.controller: DigestController | None = None
        self.controller_budget: str | None = None  # the budget the running run is limited to
        self.last_decision: Decision | None = None
        self.last_conditions: Conditions | None = None
        self._local_questions = 0
        self._lock = threading.RLock()  # controller actions
        self._tick_lock = threading.Lock()  # one tick at a time
        self._orphans_checked = False
        self._paused_since: datetime | None = None
        self._failed_at: datetime | None = None
        self._served: datetime | None = state.served_window_start
        self._watching_since: datetime | None = None
        self._recorded: tuple[str, str] | None = None
        self._background: Any = None
        self._heartbeat_s = heartbeat_s
        self._last_heartbeat: datetime | None = None
        self._single: SchedulerLock | None = (
            SchedulerLock() if single is True else None if single is False else single
        )

    # -- the person's buttons --------------------------------------------------------------

    def pause_for_an_hour(self) -> datetime:
        """'Pause 1 hour'; kept in the database, so a restart does not undo it."""
        return self.pause_until(pause_for(self.probes.clock()))

    def pause_until_tomorrow(self) -> datetime:
        return self.pause_until(pause_until_tomorrow(self.probes.clock()))

    def pause_until(self, until: datetime) -> datetime:
        with self._tick_lock:
            self.state.pause_until(until)
        self.tick()
        return until

    def resume_now(self) -> None:
        """Undo a pause the person asked for (the other rules still apply)."""
        with self._tick_lock:
            self.state.pause_until(None)
        self.tick()

    # -- questions ---------------------------------------------------------------------------

    def question_started(self) -> None:
        """Call when a question starts in this process: the digest gives up the CPU now."""
        with self._lock:
            self._local_questions += 1
        self.preempt()

    def question_finished(self) -> None:
        with self._lock:
            self._local_questions = max(0, self._local_questions - 1)

    def questions_in_flight(self) -> int:
        return self._local_questions + self.probes.questions()

    def preempt(self) -> None:
        """Pause a running digest at once if a question is in flight (no measuring)."""
        with self._lock:
            controller = self.controller
            if (
                controller is not None
                and controller.is_running
                and not controller.is_paused
                and self.questions_in_flight()
            ):
                log.info("pausing the digest: a question is being answered")
                controller.pause()
                self._paused_since = self.probes.clock()

    # -- the tick ----------------------------------------------------------------------------

    def tick(self) -> Decision:
        """Measure, decide, act. Safe from any thread: ticks run one at a time (they share the
        store connection), and a question's `preempt()` only waits for the short act phase."""
        with self._tick_lock:
            if not self._holds_library():
                decision = Decision(
                    False,
                    "other-scheduler",
                    f"another Nocturne scheduler (pid {self._single_owner()}) digests this library",
                )
                self.last_decision = decision
                return decision
            if self.controller is None and (terminal := running_foreground_digests()):
                decision = Decision(
                    False,
                    "foreground-digest",
                    f"`nocturne digest` is running in a terminal (pid {terminal[0]})",
                )
                self.last_decision = decision
                return decision
            if not self._orphans_checked:
                self._orphans_checked = True
                self.end_orphaned_digest()
            now = self.probes.clock()
            rules = self._rules()
            self._note_window(rules, now)
            running = self.controller is not None and self.controller.is_running
            conditions = Conditions(
                now=now,
                idle=self.probes.idle(),
                power=self.probes.power(),
                work_left=self._work_left(),
                question_in_flight=self.questions_in_flight() > 0,
                paused_until=self.state.paused_until,
                missed_window=missed_window(
                    rules.window, now, served_start=self._served, watching_since=self._since(now)
                ),
                first_digest_left=rules.first_digest_in_background
                and self.probes.first_digest_left(),
                cpu=self.probes.cpu(),
                first_digest_running=running and self.controller_budget == FIRST_DIGEST_BUDGET,
                cpu_backed_off=self.last_decision is not None
                and self.last_decision.code == "cpu-saturated",
            )
            decision = decide(rules, conditions)
            with self._lock:
                # Published before acting: whoever sees the controller this tick starts (another
                # thread, e.g. the window) also sees the decision that started it.
                self.last_decision = decision
                self.last_conditions = conditions
                self._act(decision, conditions)
            self._record(decision, now)
            self._beat(now)
            return decision

    def _holds_library(self) -> bool:
        """One scheduler per library (the daemon or a window); tried again every tick, so a
        window takes over when the daemon stops."""
        if self._single is None or self._single.held:
            return True
        return self._single.acquire()

    def _single_owner(self) -> int | None:
        return self._single.owner() if self._single is not None else None

    def _beat(self, now: datetime) -> None:
        if self._heartbeat_s is None:
            return
        if (
            self._last_heartbeat is None
            or abs((now - self._last_heartbeat).total_seconds()) >= self._heartbeat_s
        ):
            self.state.heartbeat(now)
            self._last_heartbeat = now

    def _since(self, now: datetime) -> datetime:
        if self._watching_since is None:
            self._watching_since = self.state.watching_since(now)
        return self._watching_since

    def _note_window(self, rules: Rules, now: datetime) -> None:
        """Being awake during tonight's window means it was not missed."""
        tonight = rules.window.containing(now)
        if tonight is not None and (self._served is None or self._served < tonight.start):
            self.state.mark_window_served(tonight.start)
            self._served = tonight.start

    def _work_left(self) -> bool:
        controller = self.controller
        if controller is not None and controller.is_running:
            return True
        return self.probes.work_left()

    def _act(self, decision: Decision, conditions: Conditions) -> None:
        now = conditions.now
        controller = self.controller
        if decision.code == "done" and conditions.missed_window is not None:
            self.state.mark_window_served(conditions.missed_window.start)
            self._served = conditions.missed_window.start
        if controller is not None and not controller.is_running:
            self._finish(controller, conditions)
            return  # decide afresh next tick: the decision may have assumed the run goes on
        if decision.run:
            if self.questions_in_flight():  # a question arrived while we were measuring
                return
            if controller is None:
                if (
                    self._failed_at is not None
                    and (now - self._failed_at).total_seconds() < self._retry_after_failure_s
                ):
                    return
                log.info("starting the digest: %s", decision.reason)
                try:
                    started = (
                        self._factory(budget=decision.budget)
                        if decision.budget is not None
                        else self._factory()
                    )
                    started.start()
                except Exception as exc:  # model missing, process cannot spawn, ...
                    log.warning(
                        "cannot start the digest (%s); trying again in %.0f min",
                        exc,
                        self._retry_after_failure_s / 60,
                    )
                    self._failed_at = now
                    return
                self.controller = started
                self.controller_budget = decision.budget
                self._paused_since = None
                self._remember_process(started)
            elif decision.budget is not None and self.controller_budget != decision.budget:
                # A deeper run while the person is back: it waits for them to be away again;
                # the new documents' first digest takes its place (finished steps are kept).
                log.info("stopping the deeper digest: %s", decision.reason)
                controller.stop()
                self._drop_controller()
            elif controller.is_paused:
                log.info("resuming the digest: %s", decision.reason)
                controller.resume()
                self._paused_since = None
            return
        if controller is None:
            return
        if not controller.is_paused:
            log.info("pausing the digest: %s", decision.reason)
            controller.pause()
            self._paused_since = now
        elif (
            self._paused_since is not None
            and (now - self._paused_since).total_seconds() >= self._stop_after_paused_s
        ):
            log.info(
                "stopping the digest paused since %s to free its memory; finished steps are kept",
                f"{self._paused_since:%H:%M}",
            )
            controller.stop()
            self._drop_controller()

    def _drop_controller(self) -> None:
        self.controller = None
        self.controller_budget = None
        self._paused_since = None
        self._remember_process(None)

    def _finish(self, controller: DigestController, conditions: Conditions) -> None:
        """The run ended by itself: done, or failed (then wait before trying again)."""
        budget = self.controller_budget
        self._drop_controller()
        if controller.completed:
            left = (
                self.probes.first_digest_left()
                if budget == FIRST_DIGEST_BUDGET
                else self.probes.work_left()
            )
            if left:
                # Finished, yet work is still reported: a step that keeps failing. Back off
                # instead of starting a process every second.
                log.warning(
                    "the digest finished but work is left; trying again in %.0f min",
                    self._retry_after_failure_s / 60,
                )
                self._failed_at = conditions.now
            else:
                log.info("the digest finished")
                self._failed_at = None
        else:
            error = getattr(controller, "error", None)
            log.warning(
                "the digest ended before finishing%s; retrying in %.0f min",
                f" ({error})" if error else "",
                self._retry_after_failure_s / 60,
            )
            self._failed_at = conditions.now

    def _remember_process(self, controller: DigestController | None) -> None:
        """Record the digest's pid, so a scheduler killed with -9 can end it on restart."""
        remember_digest_process(self.state, getattr(controller, "pid", None))

    def end_orphaned_digest(self) -> bool:
        return end_orphaned_digest(self.state, getattr(self.controller, "pid", None))

    def digest_state(self) -> str:
        controller = self.controller
        if controller is None:
            if self.last_decision is not None and self.last_decision.code == "done":
                return "done"
            return "not started"
        if controller.completed:
            return "done"
        if not controller.is_running:
            return "stopped"
        return "paused" if controller.is_paused else "running"

    def _record(self, decision: Decision, now: datetime) -> None:
        digest = self.digest_state()
        key = (decision.code, digest)
        if key == self._recorded:
            return
        self._recorded = key
        log.info("%s: %s (digest %s)", "run" if decision.run else "wait", decision.reason, digest)
        self.state.record_decision(
            RecordedDecision(
                at=now.isoformat(),
                run=decision.run,
                code=decision.code,
                reason=decision.reason,
                digest=digest,
                pid=os.getpid(),
            )
        )

    # -- running in the background -----------------------------------------------------------

    def start(self, interval_s: float = TICK_SECONDS) -> None:
        """Tick every `interval_s` in an APScheduler background thread."""
        from apscheduler.schedulers.background import BackgroundScheduler

        background = BackgroundScheduler(
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
        )
        background.add_job(
            self.safe_tick,
            "interval",
            seconds=interval_s,
            id="digest-tick",
            next_run_time=datetime.now().astimezone(),
        )
        background.start()
        self._background = background

    def safe_tick(self) -> None:
        try:
            self.tick()
        except Exception:  # a failed tick must not kill the schedule; the next one retries
            log.exception("scheduler tick failed")

    def stop_digest(self) -> None:
        """Stop the running digest after its current step, for a run the person asked for
        instead ("Digest this document now"): not a failure, so the schedule carries on as
        before once that run is over (finished steps are kept)."""
        with self._lock:
            if self.controller is not None and self.controller.is_running:
                log.info("stopping the digest for a run the person asked for")
                self.controller.stop()
            if self.controller is not None:
                self._drop_controller()

    def shutdown(self, stop_digest: bool = True) -> None:
        """Stop ticking; stop the digest after its current step (`stop_digest`)."""
        if self._background is not None:
            self._background.shutdown(wait=True)
            self._background = None
        with self._lock:
            if stop_digest and self.controller is not None and self.controller.is_running:
                log.info("stopping the digest")
                self.controller.stop()
            if self.controller is not None:
                self._remember_process(None)
            self.controller = None
            self.controller_budget = None
        if self._single is not None:
            self._single.release()
