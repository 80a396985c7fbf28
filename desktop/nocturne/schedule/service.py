"""What runs a library's schedule in the background, assembled once: the scheduler with its
probes and digest process, the question-flag watch (a question anywhere pauses the digest), the
folder watcher, and the housekeeping between ticks (follow added folders, the daily backup).

`nocturne daemon` runs one with APScheduler's own ticking; the window runs one and ticks it
itself, so that "Digest now" can hold the scheduler off. Either way the parts are the same.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nocturne.errors import KnownError
from nocturne.library.store import Store
from nocturne.schedule.cpu import CpuMonitor
from nocturne.schedule.folders import watched_folders
from nocturne.schedule.idle import IdleMonitor
from nocturne.schedule.power import PowerReading, read_power
from nocturne.schedule.scheduler import DigestController, DigestScheduler
from nocturne.schedule.single import SchedulerLock
from nocturne.settings import Settings

log = logging.getLogger("nocturne.daemon")


class BackgroundService:
    """The scheduler, the question-flag watch and the folder watcher of one library.

    It opens its own connections (the scheduler's ticks, and the housekeeping's), so it may run
    beside whatever else uses the library.
    """

    def __init__(
        self,
        settings: Settings,
        database: Path | str,
        *,
        idle: IdleMonitor | None = None,
        power_probe: Callable[[], PowerReading] = read_power,
        controller_factory: Callable[..., DigestController] | None = None,
        lock: SchedulerLock | None = None,
        cpu: CpuMonitor | None = None,
        watch_folders: bool = True,
    ) -> None:
        from nocturne.schedule.daemon import QuestionFlagWatch, build_scheduler

        self.settings = settings
        self._scheduler_store = Store.open(database)
        self.housekeeping_store = Store.open(database)
        self.scheduler: DigestScheduler = build_scheduler(
            settings,
            self._scheduler_store,
            idle=idle,
            power_probe=power_probe,
            controller_factory=controller_factory,
            lock=lock,
            cpu=cpu,
        )
        self._flags = QuestionFlagWatch(self.scheduler)
        self._watch_folders = watch_folders
        self.watcher: Any = None

    def start(self, tick_interval_s: float | None = None, *, backup_now: bool = True) -> None:
        """Start watching (question flags, folders) and, with `backup_now`, take the daily
        backup if it is due; with `tick_interval_s` the scheduler ticks by itself (the daemon),
        else the owner calls `scheduler.tick()` and `housekeeping()` (the window, from a worker:
        a backup never runs on its event loop)."""
        self._flags.start()
        if self._watch_folders:
            self.watcher = _start_watcher(self.settings, self.housekeeping_store)
        if backup_now:
            self.daily_backup()
        if tick_interval_s is not None:
            self.scheduler.start(interval_s=tick_interval_s)

    def follow_folders(self) -> None:
        """Watch the folders added to the library since the last look."""
        if self.watcher is not None:
            self.watcher.set_folders(watched_folders(self.housekeeping_store))

    def daily_backup(self) -> None:
        daily_backup(self.housekeeping_store)

    def housekeeping(self) -> None:
        """What runs between ticks: follow the folders, take the daily backup when due."""
        self.follow_folders()
        self.daily_backup()

    def stop(self, *, stop_digest: bool = True) -> None:
        """Stop watching and scheduling; a running digest finishes its current step first."""
        self._flags.stop()
        self.scheduler.shutdown(stop_digest=stop_digest)
        if self.watcher is not None:
            self.watcher.stop()
        self.scheduler.state.clear_heartbeat()
        self.housekeeping_store.close()
        self._scheduler_store.close()


def daily_backup(store: Store) -> None:
    """The library's daily backup (SQLite's online backup API), logged; never fatal."""
    from nocturne.library.backups import backup_if_due

    try:
        taken = backup_if_due(store)
    except KnownError as exc:
        log.warning("no daily backup: %s", exc)
        return
    if taken is not None:
        log.info("backed up the library to %s", taken.path)


def _start_watcher(settings: Settings, store: Store) -> Any:
    from nocturne.engine.factory import make_tokenizer
    from nocturne.schedule.watcher import FolderWatcher

    try:
        counter = make_tokenizer(settings)
    except KnownError as exc:
        log.warning("not watching folders: %s", exc)
        return None
    watcher = FolderWatcher(
        lambda: Store.open(store.path), settings, counter, watched_folders(store)
    )
    watcher.start()
    return watcher
