"""`nocturne daemon`: background digestion without a window, e.g. as a systemd user service.

It ticks the scheduler every second, watches the library's folders, watches the question flags
(so `nocturne ask` in another terminal pauses the digest at once), and logs to
`<data dir>/logs/daemon.log` and stderr. SIGTERM or SIGINT stops it cleanly: the digest is asked
to stop after its current step, whose results, like all finished steps, are in the database.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from nocturne import paths
from nocturne.errors import KnownError
from nocturne.library.store import Store
from nocturne.schedule.cpu import CpuMonitor
from nocturne.schedule.idle import AssumedIdleProbe, IdleMonitor, IdleProbe, choose_idle_source
from nocturne.schedule.policy import FIRST_DIGEST_BUDGET, Rules
from nocturne.schedule.power import PowerReading, read_power
from nocturne.schedule.questions_in_flight import live_questions, questions_dir
from nocturne.schedule.scheduler import TICK_SECONDS, DigestController, DigestScheduler, Probes
from nocturne.schedule.service import BackgroundService
from nocturne.schedule.single import SchedulerLock
from nocturne.schedule.state import ScheduleState
from nocturne.schedule.work import WorkLeft
from nocturne.settings import Settings
from nocturne.sleeptime.digest_report import expected_model_id

log = logging.getLogger("nocturne.daemon")

HOUSEKEEPING_SECONDS = 30.0
# The main thread waits in slices this long: the kernel may deliver SIGTERM/SIGINT to any
# thread, and Python runs its handler only once the main thread wakes up by itself.
SIGNAL_CHECK_SECONDS = 0.25
DAEMON_HANDLER = "nocturne-daemon"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(verbose: bool) -> Path:
    """Log to the data dir (rotated) and stderr; returns the log file. Undo with
    `remove_logging()`."""
    log_file = paths.log_dir() / "daemon.log"
    root = logging.getLogger("nocturne")
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    formatter = logging.Formatter(LOG_FORMAT)
    remove_logging()
    handlers: list[logging.Handler] = [
        logging.handlers.RotatingFileHandler(
            log_file,
            maxBytes=2_000_000,
            backupCount=3,
            encoding="utf-8",
            errors="backslashreplace",  # a file name that is not UTF-8 still logs
        ),
        logging.StreamHandler(sys.stderr),
    ]
    # APScheduler's own warnings (a tick that could not run) belong in the same log.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.set_name(DAEMON_HANDLER)
        for logger in (root, logging.getLogger("apscheduler")):
            logger.addHandler(handler)
    return log_file


class SettingsFollower:
    """The rules from the settings file, reloaded when the file changes (checked per tick)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._path = settings.path or paths.settings_path()
        self._stamp = self._mtime()
        self._rules = Rules.from_settings(settings)

    def _mtime(self) -> float | None:
        try:
            return self._path.stat().st_mtime
        except OSError:
            return None

    def rules(self) -> Rules:
        stamp = self._mtime()
        if stamp != self._stamp:
            self._stamp = stamp
            try:
                self.settings = Settings.load(self._path)
                self._rules = Rules.from_settings(self.settings)
                log.info(
                    "settings changed: nightly window %s–%s, idle %s min, battery %s, "
                    "new documents %s",
                    self.settings.night_start,
                    self.settings.night_end,
                    self.settings.idle_minutes,
                    "allowed" if self.settings.allow_on_battery else "not allowed",
                    self.settings.new_documents,
                )
            except KnownError as exc:
                log.warning("keeping the previous settings: %s", exc)
        return self._rules


def remove_logging() -> None:
    for logger in (logging.getLogger("nocturne"), logging.getLogger("apscheduler")):
        for handler in list(logger.handlers):
            if handler.get_name() == DAEMON_HANDLER:
                logger.removeHandler(handler)
                handler.close()


def default_controller_factory(
    settings: Callable[[], Settings],
) -> Callable[..., DigestController]:
    """The real digest, a separate process (`nocturne.sleeptime.process`) at the lowest OS
    priority, with the settings current when each run starts; `budget` limits a run (a new
    document's first digest) below the settings' budget."""

    def make(budget: str | None = None) -> DigestController:
        from nocturne.schedule.digest_process import digest_process_controller

        return digest_process_controller(settings(), budget=budget)

    return make


@dataclass
class DaemonParts:
    """What `run_daemon` is made of; tests replace any of it."""

    idle_probe: IdleProbe | None = None
    power_probe: Callable[[], PowerReading] = read_power
    controller_factory: Callable[..., DigestController] | None = None
    cpu: CpuMonitor | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    tick_seconds: float = TICK_SECONDS
    watch_folders: bool = True
    on_ready: Callable[[DigestScheduler], None] | None = None


class QuestionFlagWatch:
    """Preempt the moment a question flag appears; tick when one disappears (resume sooner).

    Whoever runs the scheduler (the daemon, or the window) starts one of these, so that
    `nocturne ask` in any terminal pauses the digest at once."""

    def __init__(self, scheduler: DigestScheduler) -> None:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        outer = scheduler

        class Handler(FileSystemEventHandler):
            def on_created(self, event: FileSystemEvent) -> None:
                outer.preempt()

            def on_deleted(self, event: FileSystemEvent) -> None:
                threading.Thread(target=outer.safe_tick, daemon=True).start()

        self._observer: Any = Observer()
        self._observer.daemon = True
        self._observer.schedule(Handler(), str(questions_dir()), recursive=False)

    def start(self) -> None:
        self._observer.start()

    def stop(self) -> None:
        self._observer.stop()
        if self._observer.is_alive():  # a service whose start failed is stopped all the same
            self._observer.join(timeout=10)


def build_scheduler(
    settings: Settings,
    store: Store,
    *,
    idle: IdleMonitor | None = None,
    power_probe: Callable[[], PowerReading] = read_power,
    controller_factory: Callable[..., DigestController] | None = None,
    lock: SchedulerLock | None = None,
    cpu: CpuMonitor | None = None,
) -> DigestScheduler:
    """The scheduler with the real probes and digest process; the window uses this too.

    It holds the library's scheduler lock (`lock`, or its own taken on the first tick): while
    another process schedules this library, its ticks only answer "other-scheduler".

    `store` must be used by the scheduler's ticks only (a SQLite connection per thread of
    writers); settings are re-read when their file changes.

    New documents get their first (low-budget) digest as soon as the machine is quiet (`cpu`,
    the digest's own CPU time left out) unless the settings say to wait for the person to be
    away; the deeper budgets always wait for that or for the night.
    """
    follower = SettingsFollower(settings)
    idle = idle or IdleMonitor(chooser=choose_idle_source)
    cpu = cpu or CpuMonitor()
    scheduler = DigestScheduler(
        rules=follower.rules,
        state=ScheduleState(store),
        probes=Probes(
            idle=idle.read,
            power=power_probe,
            work_left=WorkLeft(
                store,
                lambda: str(follower.settings.digest_budget),
                model_id=lambda: expected_model_id(follower.settings),
            ),
            questions=live_questions,
            first_digest_left=WorkLeft(
                store,
                lambda: FIRST_DIGEST_BUDGET,
                model_id=lambda: expected_model_id(follower.settings),
            ),
            cpu=cpu.read,
        ),
        controller_factory=controller_factory
        or default_controller_factory(lambda: follower.settings),
        single=lock if lock is not None else True,
    )

    def digest_pids() -> list[int]:
        pid = getattr(scheduler.controller, "pid", None)
        return [int(pid)] if pid else []

    cpu.exclude = digest_pids
    return scheduler


def run_daemon(
    verbose: bool = False, *, assume_idle: bool = False, parts: DaemonParts | None = None
) -> int:
    """Run until SIGTERM/SIGINT (or `parts.stop` is set). Returns the exit status."""
    parts = parts or DaemonParts()
    log_file = configure_logging(verbose)
    try:
        settings = Settings.load()
        store = Store.open()
    except KnownError as exc:
        log.error("cannot start: %s", exc)
        remove_logging()
        return 2
    lock = SchedulerLock()
    if not lock.acquire():
        log.error(
            "another Nocturne scheduler already runs for this library (pid %s: the window or "
            "another daemon); not starting a second one",
            lock.owner(),
        )
        store.close()
        remove_logging()
        return 1
    if parts.idle_probe is not None:
        probe = parts.idle_probe
        idle = IdleMonitor(chooser=lambda: probe)
    elif assume_idle:
        log.warning(
            "--assume-idle: not measuring idle time; digesting whenever the other rules allow"
        )
        idle = IdleMonitor(chooser=AssumedIdleProbe)
    else:
        idle = IdleMonitor(chooser=choose_idle_source)
    idle.read()  # choose the source now, so the log says which one early
    database = store.path
    store.close()  # the service opens its own connections
    service = BackgroundService(
        settings,
        database,
        idle=idle,
        power_probe=parts.power_probe,
        controller_factory=parts.controller_factory,
        lock=lock,
        cpu=parts.cpu,
        watch_folders=parts.watch_folders,
    )
    previous = _install_signal_handlers(parts.stop)
    try:
        service.start(tick_interval_s=parts.tick_seconds)
        log.info(
            "nocturne daemon running (pid %s); idle source %s; log %s",
            os.getpid(),
            idle.source,
            log_file,
        )
        if parts.on_ready is not None:
            parts.on_ready(service.scheduler)
        _wait_for_stop(parts.stop, service.housekeeping)
    finally:
        log.info("stopping: a running digest finishes its current step first")
        service.stop(stop_digest=True)
        idle.close()
        _restore_signal_handlers(previous)
        lock.release()
        log.info("nocturne daemon stopped")
        remove_logging()
    return 0


def _wait_for_stop(stop: threading.Event, housekeeping: Callable[[], None]) -> None:
    """Block until `stop` is set, running `housekeeping` every HOUSEKEEPING_SECONDS."""
    import time

    next_housekeeping = time.monotonic() + HOUSEKEEPING_SECONDS
    while not stop.wait(SIGNAL_CHECK_SECONDS):
        if time.monotonic() >= next_housekeeping:
            housekeeping()
            next_housekeeping = time.monotonic() + HOUSEKEEPING_SECONDS


def _install_signal_handlers(stop: threading.Event) -> dict[int, Any]:
    """SIGTERM and SIGINT set `stop`; the handler does nothing else (no logging, no locks)."""
    if threading.current_thread() is not threading.main_thread():
        return {}  # only the main thread may set handlers (tests run the daemon in a thread)

    def handle(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous: dict[int, Any] = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous[signum] = signal.signal(signum, handle)
    return previous


def _restore_signal_handlers(previous: dict[int, Any]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)


def main(argv: list[str] | None = None) -> int:
    """`python -m nocturne.schedule.daemon [--verbose] [--assume-idle]`."""
    parser = argparse.ArgumentParser(prog="nocturne daemon")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument(
        "--assume-idle", action="store_true", help="for headless servers: do not measure idle time"
    )
    args = parser.parse_args(argv)
    return run_daemon(verbose=args.verbose, assume_idle=args.assume_idle)


if __name__ == "__main__":
    sys.exit(main())
