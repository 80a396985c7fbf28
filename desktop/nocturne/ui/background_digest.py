"""The window's view of background digestion: one small adapter over the digest and scheduler.

The window only needs a snapshot (phase, progress, ETA, why it waits), "Digest now", the two
pause buttons and resume, and to tell the scheduler when a question is being answered so the
digest gives up the CPU. `CoreBackground` connects these to `nocturne.sleeptime` (the digest
process and its status) and `nocturne.schedule` (scheduler, pause state), importing them lazily
so the window still opens, saying what is missing, where a part is not installed. Tests use a
fake with the same methods. No Qt here: every call runs in a worker thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from nocturne.errors import KnownError, StoreError
from nocturne.library.store import Store
from nocturne.settings import Settings


@dataclass(frozen=True)
class DigestSnapshot:
    phase: str  # idle, digesting, paused, done, error, unavailable
    done_steps: int = 0
    total_steps: int = 0
    eta_s: float | None = None
    detail: str = ""  # the current document, why it waits, or the error
    paused_until: datetime | None = None
    overdue: bool = False  # the steps take longer than their estimate (no honest ETA now)
    sleep_tokens: int = 0  # tokens this run has spent so far (the savings tiles follow it)
    # Per document id still to do in this run: seconds until it is digested, counted down like
    # `eta_s`; a document whose estimate ran out has none (the library pane says nothing then).
    document_eta_s: dict[int, float] = field(default_factory=dict)
    # The whole library's digest time left, in words ("about 6 hours of digest left: about 2
    # nights at this pace (01:00–06:00)"), `sleeptime.horizon` as `nocturne status` says it.
    horizon: str = ""
    # The same in a few words ("about 6 hours left, 2 nights"), for a narrow status bar.
    horizon_brief: str = ""

    @property
    def fraction(self) -> float | None:
        return self.done_steps / self.total_steps if self.total_steps else None

    def tray_state(self) -> str:
        if self.phase in ("digesting", "paused", "error"):
            return self.phase
        return "idle"


class Background(Protocol):
    def snapshot(self) -> DigestSnapshot: ...

    def digest_now(self) -> None: ...

    def digest_document_now(self, document_id: int) -> None: ...

    def pause_for_an_hour(self) -> datetime: ...

    def pause_until_tomorrow(self) -> datetime: ...

    def resume(self) -> None: ...

    def question_started(self) -> None: ...

    def question_finished(self) -> None: ...

    def shutdown(self) -> None: ...

    def tick(self) -> None: ...


def format_eta(seconds: float | None) -> str:
    if seconds is None or seconds < 0:
        return ""
    if seconds < 60:
        return f"about {max(5, round(seconds / 5) * 5):.0f} s left"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"about {minutes} min left"
    return f"about {minutes // 60} h {minutes % 60:02d} min left"


def brief_horizon(horizon: Any) -> str:
    """A `sleeptime.horizon.Horizon` in a few words, for where its sentence does not fit:
    "about 6 hours left, 2 nights", "about 40 minutes left, done by about 02:10", "no estimate
    yet"; the remote server's estimate and the nightly window are left to the sentence."""
    from nocturne.sleeptime.horizon import duration_words

    if horizon.steps_left == 0:
        return "nothing left to digest"
    if horizon.seconds is None:
        return "no estimate yet"
    text = f"{duration_words(horizon.seconds)} left"
    if horizon.nights is not None and horizon.window is not None:
        if horizon.nights <= 1 and horizon.done_by is not None:
            text += f", done by about {horizon.done_by:%H:%M}"
        else:
            text += f", {horizon.nights:,} night{'' if horizon.nights == 1 else 's'}"
    return text


STATUS_EVERY_S = 10.0
OTHER_SCHEDULER = "other-scheduler"  # the scheduler's decision code when another one holds it
FOLDERS_EVERY_S = 10.0
BACKUP_EVERY_S = 600.0  # how often to ask whether the daily backup is due (it is, once a day)
log = logging.getLogger(__name__)


class CoreBackground:
    """The real thing: the scheduler of `nocturne.schedule` run by the window, and the digest.

    The window ticks the scheduler itself (`tick()` from a worker every second) instead of
    starting its APScheduler thread, so that "Digest now" can hold the scheduler off while a run
    the person asked for goes on even though they are at the computer (the scheduler would pause
    it: the person is present). One scheduler per library holds its lock: beside a running
    `nocturne daemon` the window's waits (and says so), takes over when the daemon stops, and
    writes pauses where the daemon reads them.
    """

    def __init__(
        self,
        settings: Settings,
        store_for_thread: Callable[[], Store],
        start_scheduler: bool = True,
    ) -> None:
        self.settings = settings
        self._store = store_for_thread
        self.scheduler: Any = None
        self._service: Any = None  # schedule.service.BackgroundService
        self._manual: Any = None  # a run started with "Digest now"
        self._watched: Any = None  # the run whose end we report
        self._outcome: tuple[str, str] | None = None  # ("done" | "error", message)
        self._lock = threading.RLock()
        self._status_cache: tuple[bool, float, int, int, str, str] | None = None
        # The library's steps when the watched run started, and when each event arrived: the
        # run's counts become the library's, and the ETA counts down between events.
        self._run_base: tuple[Any, int, int] | None = None
        self._event_seen: tuple[Any, float, float] | None = None
        self._folders_checked = 0.0
        self._backup_checked: float | None = None  # never yet: the first tick asks
        # Told (from a worker thread) when the daily backup finds the library damaged; the
        # window's opener points it at the window's damage notice (`ui.app.open_window`).
        self.on_damage: Callable[[str], None] = lambda _message: None
        if start_scheduler:
            self._start_scheduler()

    def another_scheduler_in_charge(self) -> bool:
        """A `nocturne daemon` (or another window) holds this library's scheduler lock; ours
        waits and takes over when it stops."""
        decision = getattr(self.scheduler, "last_decision", None)
        return decision is not None and decision.code == OTHER_SCHEDULER

    def _start_scheduler(self) -> None:
        from nocturne.schedule.service import BackgroundService

        self._service = BackgroundService(self.settings, self._store().path)
        self.scheduler = self._service.scheduler
        # the window ticks the scheduler and its housekeeping itself, from a worker
        self._service.start(backup_now=False)

    def _follow_folders(self) -> None:
        """Pick up folders added since the last look (at most every FOLDERS_EVERY_S)."""
        now = time.monotonic()
        if self._service is None or now - self._folders_checked < FOLDERS_EVERY_S:
            return
        self._folders_checked = now
        self._service.follow_folders()

    def daily_backup(self) -> None:
        """The library's daily backup, as the daemon takes it (`schedule.service`: never
        fatal, logged), when this window runs the schedule; beside a running daemon, the daemon
        takes it. A library found damaged (its copy fails SQLite's check: damage further in
        than the start-up check reads) is also said, through `on_damage`, as damage met by a
        query is."""
        if self.scheduler is None or self.another_scheduler_in_charge():
            return
        from nocturne.library.backups import backup_if_due

        try:
            taken = backup_if_due(
                self._service.housekeeping_store if self._service else self._store()
            )
        except StoreError as exc:
            log.warning("no daily backup: %s", exc)
            if exc.condition == "damaged":
                self.on_damage(str(exc))
            return
        except KnownError as exc:
            log.warning("no daily backup: %s", exc)
            return
        if taken is not None:
            log.info("backed up the library to %s", taken.path)

    def _housekeeping(self) -> None:
        """What the daemon does between ticks: follow the watched folders, take the daily
        backup (each at most every so often; the backup itself once a day)."""
        self._follow_folders()
        now = time.monotonic()
        if self._backup_checked is None or now - self._backup_checked >= BACKUP_EVERY_S:
            self._backup_checked = now
            self.daily_backup()

    def tick(self) -> None:
        """One scheduler step (from a worker); skipped while a "Digest now" run goes on."""
        self._housekeeping()
        with self._lock:
            if self.scheduler is None or self._manual_running():
                return
            self.scheduler.tick()

    # -- reading -----------------------------------------------------------------------------

    def _manual_running(self) -> bool:
        return self._manual is not None and bool(self._manual.is_running)

    def _paused_until(self) -> datetime | None:
        from nocturne.schedule.state import ScheduleState

        until: datetime | None = ScheduleState(self._store()).paused_until
        if until is not None and until <= datetime.now().astimezone():
            return None
        return until

    def _controller(self) -> Any:
        if self._manual is not None:
            return self._manual
        return getattr(self.scheduler, "controller", None)

    def _note_outcome(self, controller: Any) -> None:
        """Remember how the run we were watching ended: done, or failed and why."""
        if controller is not None and controller is not self._watched:
            self._watched = controller
            self._outcome = None
        watched = self._watched
        if watched is None or watched.is_running or self._outcome is not None:
            return
        if watched.completed:
            self._outcome = ("done", "")
        else:
            error = getattr(watched, "error", None)
            result = getattr(getattr(watched, "process", watched), "result", None)
            if result is not None and result.reason in ("stopped", "time"):
                self._outcome = ("stopped", "")
            else:
                self._outcome = ("error", str(error or "the digest stopped unexpectedly"))
        if watched is self._manual:
            self._manual = None

    def _progress(self, running: bool) -> tuple[int, int, str, str]:
        """Steps done and needed for the whole library (`sleeptime.progress`, the numbers of
        `nocturne status`), and the library's horizon in words, whole and brief; at most every
        STATUS_EVERY_S
        seconds unless a run just started or ended (the plan itself is cached per change of
        the library, but the counts around it are queries too)."""
        now = time.monotonic()
        cached = self._status_cache
        if cached is None or cached[0] != running or now - cached[1] > STATUS_EVERY_S:
            from nocturne.sleeptime.digest_report import expected_model_id
            from nocturne.sleeptime.horizon import library_horizon
            from nocturne.sleeptime.progress import digest_progress

            store = self._store()
            progress = digest_progress(
                store, self.settings.digest_budget, expected_model_id(self.settings)
            )
            horizon = library_horizon(store, self.settings, progress)
            cached = (
                running,
                now,
                progress.steps_done,
                progress.steps_total,
                horizon.sentence(),
                brief_horizon(horizon),
            )
            self._status_cache = cached
        return cached[2], cached[3], cached[4], cached[5]

    def _steps(self, running: bool) -> tuple[int, int]:
        done, total, _horizon, _brief = self._progress(running)
        return done, total

    def _library_steps(self, controller: Any, event: Any) -> tuple[int, int]:
        """The run's progress as steps of the whole library, the numbers `nocturne status` and
        the document list use: the library's count when the run started plus the run's own.
        (The run's own total alone read "18/18" in the window while status said "18/41".)"""
        base = self._run_base
        if base is None or base[0] is not controller:
            done, total = self._steps(True)
            started = int(event.done)  # the run may have finished steps before we first looked
            base = (controller, max(0, done - started), total)
            self._run_base = base
        done = base[1] + int(event.done)
        total = max(base[2], base[1] + int(event.total))
        return min(done, total), total

    def _eta(self, event: Any, paused: bool) -> tuple[float | None, bool, dict[int, float]]:
        """The run's estimate, counted down since its event arrived (not while paused);
        `overdue` once the steps take longer than estimated (then no number is better than a
        wrong one). The documents' estimates count down alike; one that ran out is left out."""
        now = time.monotonic()
        seen = self._event_seen
        if seen is None or seen[0] is not event:
            seen = (event, 0.0, now)  # event, seconds counted down, last look
        counted = seen[1] + (0.0 if paused else now - seen[2])
        self._event_seen = (event, counted, now)
        documents = {
            int(document_id): float(seconds) - counted
            for document_id, seconds in event.documents_eta_s.items()
            if float(seconds) - counted > 0
        }
        if event.eta_s is None:
            return None, False, documents
        left = float(event.eta_s) - counted
        if left <= 0 and int(event.done) < int(event.total):
            return None, True, documents
        return max(0.0, left), False, documents

    def snapshot(self) -> DigestSnapshot:
        with self._lock:
            controller = self._controller()
            self._note_outcome(controller)
            running = controller is not None and bool(controller.is_running)
            paused = running and bool(controller.is_paused)
            event = getattr(controller, "progress", None) or getattr(controller, "last_event", None)
            outcome = self._outcome
        paused_until = self._paused_until()
        if running and event is not None:
            done, total = self._library_steps(controller, event)
            eta, overdue, documents = self._eta(event, paused or paused_until is not None)
            return DigestSnapshot(
                "paused" if paused or paused_until else "digesting",
                done,
                total,
                eta,
                str(event.label or ""),
                paused_until,
                overdue,
                int(getattr(event, "tokens", 0) or 0),
                documents,
            )
        done, total, horizon, brief = self._progress(running)
        if running:
            return DigestSnapshot(
                "paused" if paused or paused_until else "digesting",
                done,
                total,
                None,
                "",
                paused_until,
                horizon=horizon,
                horizon_brief=brief,
            )
        if outcome is not None and outcome[0] == "error":
            return DigestSnapshot(
                "error",
                done,
                total,
                None,
                outcome[1],
                paused_until,
                horizon=horizon,
                horizon_brief=brief,
            )
        if paused_until is not None:
            return DigestSnapshot(
                "paused", done, total, None, "", paused_until, horizon=horizon, horizon_brief=brief
            )
        if total and done >= total:
            return DigestSnapshot("done", done, total)
        decision = getattr(self.scheduler, "last_decision", None)
        reason = decision.reason if decision is not None and not decision.run else ""
        return DigestSnapshot(
            "idle", done, total, None, reason, horizon=horizon, horizon_brief=brief
        )

    # -- the person's buttons ---------------------------------------------------------------

    def digest_now(self) -> None:
        if self.another_scheduler_in_charge():
            self.resume()
            raise KnownError(
                "another Nocturne (the background service) digests this library and decides "
                "when; it was asked to resume"
            )
        from nocturne.schedule.digest_process import digest_process_controller
        from nocturne.schedule.state import ScheduleState

        with self._lock:
            self._outcome = None
            ScheduleState(self._store()).pause_until(None)
            controller = self._controller()
            if controller is not None and controller.is_running:
                if controller is self._manual:  # the person's own run already
                    if controller.is_paused:
                        controller.resume()
                    return
                # A scheduled run goes at the lowest priority (which a process cannot raise
                # again), perhaps on the first digest's budget: it makes way for the person's
                # run of the whole library (finished steps are kept).
                if self.scheduler is not None:
                    self.scheduler.stop_digest()
            run = digest_process_controller(self.settings, asked=True)  # normal priority
            run.start()  # raises before anything runs if the process cannot be started
            self._manual = run

    def digest_document_now(self, document_id: int) -> None:
        """The library's "Digest this document now": the document goes to the front of the queue
        (`library.digest_priorities`), and a run starts on it at once as "Digest now" starts
        one. A run going on stops after its current step (finished work is kept) and makes way:
        for a run of this document alone (`nocturne digest PATH`), or, when the person had
        pressed "Digest now", for a new whole digest that starts with it; a run of other
        documents asked for this way takes this one first and keeps them."""
        from nocturne.library.digest_priorities import request_documents

        request_documents(self._store(), [document_id])
        if self.another_scheduler_in_charge():
            self.resume()
            raise KnownError(
                "another Nocturne (the background service) digests this library and decides "
                "when; it will take this document first"
            )
        from nocturne.schedule.digest_process import digest_process_controller
        from nocturne.schedule.state import ScheduleState

        with self._lock:
            self._outcome = None
            ScheduleState(self._store()).pause_until(None)
            documents: tuple[int, ...] | None = (document_id,)
            manual = self._manual if self._manual_running() else None
            if manual is not None:
                earlier = getattr(manual, "documents", None)
                documents = None if earlier is None else (*earlier, document_id)
                manual.stop()
                self._manual = None
            elif self.scheduler is not None:
                self.scheduler.stop_digest()
            run = digest_process_controller(
                self.settings,
                asked=True,
                documents=None if documents is None else sorted(set(documents)),
            )
            run.start()
            self._manual = run

    def _pause_state(self) -> Any:
        from nocturne.schedule.state import ScheduleState

        return ScheduleState(self._store())

    def _pause(self, until: datetime) -> datetime:
        self._pause_state().pause_until(until)
        with self._lock:
            controller = self._controller()
            if controller is not None and controller.is_running and not controller.is_paused:
                controller.pause()
        return until

    def pause_for_an_hour(self) -> datetime:
        from nocturne.schedule.policy import pause_for

        return self._pause(pause_for(datetime.now().astimezone()))

    def pause_until_tomorrow(self) -> datetime:
        from nocturne.schedule.policy import pause_until_tomorrow

        return self._pause(pause_until_tomorrow(datetime.now().astimezone()))

    def resume(self) -> None:
        self._pause_state().pause_until(None)
        with self._lock:
            if self._manual is not None and self._manual.is_paused:
                self._manual.resume()
        self.tick()

    def question_started(self) -> None:
        with self._lock:
            if self.scheduler is not None:
                self.scheduler.question_started()
            if self._manual_running() and not self._manual.is_paused:
                self._manual.pause()

    def question_finished(self) -> None:
        with self._lock:
            if self.scheduler is not None:
                self.scheduler.question_finished()
            if self._manual_running() and self._manual.is_paused and self._paused_until() is None:
                self._manual.resume()

    def shutdown(self) -> None:
        with self._lock:
            if self._service is not None:
                self._service.stop(stop_digest=True)
            elif self.scheduler is not None:  # a scheduler given from outside (tests)
                self.scheduler.shutdown(stop_digest=True)
            if self._manual_running():
                self._manual.stop()


def pause_label(until: datetime | None, now: datetime | None = None) -> str:
    if until is None:
        return ""
    now = now or datetime.now().astimezone()
    if until.date() == now.date():
        return f"paused until {until:%H:%M}"
    if until.date() == (now + timedelta(days=1)).date():
        return (
            f"paused until tomorrow {until:%H:%M}"
            if until.time() != datetime.min.time()
            else "paused until tomorrow"
        )
    return f"paused until {until:%a %H:%M}"


def digest_plan(settings: Any) -> str:
    """What will happen to documents the person adds, and when, in the settings' terms."""
    idle = f"{float(settings.idle_minutes):.0f} min"
    night = (
        f"tonight from {settings.night_start}"
        if settings.night_start != settings.night_end
        else "when the computer is idle"
    )
    if str(getattr(settings, "new_documents", "background")) == "background":
        return (
            "New documents get a first, quick read right away, in the background while your "
            "computer is otherwise quiet (at the lowest priority, pausing whenever you ask "
            f"something). Summaries follow when you are away for {idle} or {night}. "
            "“Digest now” in the status bar does it all at once."
        )
    return (
        f"Nocturne reads new documents when you are away for {idle} or {night}, as you chose "
        "in Settings. “Digest now” in the status bar starts at once."
    )
