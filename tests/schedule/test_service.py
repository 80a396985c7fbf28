"""The background service of one library, assembled from its parts: its own connections, the
watchers started and stopped with it, and the housekeeping between ticks (folders, backup).

The digest is a `FakeDigest`, the idle source and power are fixed, and the scheduler ticks only
when the test calls `tick()`: nothing here waits for time to pass.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from schedule_fakes import FakeDigest, add_documents

from nocturne.errors import KnownError
from nocturne.library.backups import list_backups
from nocturne.library.store import Store
from nocturne.schedule.cpu import CpuMonitor
from nocturne.schedule.folders import add_watched_folder
from nocturne.schedule.idle import IdleMonitor
from nocturne.schedule.power import PowerReading
from nocturne.schedule.service import BackgroundService, daily_backup
from nocturne.schedule.single import SchedulerLock
from nocturne.schedule.state import ScheduleState
from nocturne.settings import Settings

from support import FAKE_ENGINE


class Away:
    name = "test-away"

    def idle_seconds(self) -> float:
        return 3600.0

    def close(self) -> None:
        pass


class Folders:
    """Stands in for the folder watcher: records what it is told to watch."""

    def __init__(self) -> None:
        self.told: list[list[Path]] = []
        self.stopped = False

    def set_folders(self, folders: list[Path]) -> None:
        self.told.append(list(folders))

    def stop(self) -> None:
        self.stopped = True


@pytest.fixture
def database(store: Store) -> Path:
    """The library of the `store` fixture (with NOCTURNE_HOME set), with two new documents."""
    add_documents(store, 2)
    return Path(str(store.path))


@pytest.fixture
def digests(store: Store) -> list[FakeDigest]:
    return []


@pytest.fixture
def service(
    database: Path, store: Store, digests: list[FakeDigest], tmp_path: Path
) -> Iterator[BackgroundService]:
    log: list[str] = []

    def factory(budget: str | None = None) -> FakeDigest:
        digest = FakeDigest(store, log)
        digests.append(digest)
        return digest

    made = BackgroundService(
        Settings(),
        database,
        idle=IdleMonitor(chooser=Away),
        power_probe=lambda: PowerReading(on_ac=True, has_battery=False),
        controller_factory=factory,
        lock=SchedulerLock(tmp_path / "scheduler.lock"),
        cpu=CpuMonitor(lambda: None),
        watch_folders=False,
    )
    yield made
    if not _closed(made.housekeeping_store):
        made.stop()


def _closed(store: Store) -> bool:
    try:
        store.conn.execute("SELECT 1")
    except sqlite3.ProgrammingError:
        return True
    return False


def test_the_service_uses_connections_of_its_own(service: BackgroundService, store: Store) -> None:
    service.start(backup_now=False)
    assert service.housekeeping_store is not store
    assert service.scheduler.state.store is not service.housekeeping_store
    assert service.housekeeping_store.path == store.path


def test_stopping_ends_the_digest_clears_the_heartbeat_and_closes(
    service: BackgroundService, store: Store, digests: list[FakeDigest], tmp_path: Path
) -> None:
    service.start(backup_now=False)
    assert service.scheduler.tick().run
    assert digests[0].is_running
    assert ScheduleState(store).last_heartbeat is not None
    service.stop()
    assert digests[0].stopped
    assert ScheduleState(store).last_heartbeat is None  # status no longer says "running"
    assert _closed(service.housekeeping_store)
    assert _closed(service.scheduler.state.store)
    assert SchedulerLock(tmp_path / "scheduler.lock").acquire()  # released for the next one


def test_stopping_without_stop_digest_leaves_the_run_alone(
    service: BackgroundService, digests: list[FakeDigest]
) -> None:
    service.start(backup_now=False)
    service.scheduler.tick()
    service.stop(stop_digest=False)
    assert digests[0].log == ["start"]


def test_housekeeping_follows_added_folders_and_takes_the_daily_backup(
    service: BackgroundService, tmp_path: Path
) -> None:
    service.start(backup_now=False)
    assert list_backups() == []
    folders = Folders()
    service.watcher = folders
    add_watched_folder(service.housekeeping_store, tmp_path / "notes")
    service.housekeeping()
    assert folders.told == [[tmp_path / "notes"]]
    assert [backup.reason for backup in list_backups()] == ["daily"]
    service.housekeeping()
    assert len(list_backups()) == 1  # one a day
    service.stop()
    assert folders.stopped


def test_starting_takes_the_backup_when_due(service: BackgroundService) -> None:
    service.start()
    assert len(list_backups()) == 1


def test_following_folders_without_a_watcher_does_nothing(service: BackgroundService) -> None:
    service.start(backup_now=False)
    assert service.watcher is None
    service.follow_folders()
    assert service.watcher is None


def test_the_folders_are_watched_from_the_start(
    store: Store, database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    folder = tmp_path / "notes"
    folder.mkdir()
    add_watched_folder(store, folder)
    made = BackgroundService(
        Settings(), database, idle=IdleMonitor(chooser=Away), lock=SchedulerLock(tmp_path / "l")
    )
    made.start(backup_now=False)
    try:
        assert made.watcher is not None
        assert made.watcher.folders == [folder]
    finally:
        made.stop(stop_digest=False)


def test_without_a_tokenizer_the_folders_are_not_watched_and_it_says_why(
    database: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def no_model(settings: Settings) -> object:
        raise KnownError("the model file is missing")

    monkeypatch.setattr("nocturne.engine.factory.make_tokenizer", no_model)
    made = BackgroundService(
        Settings(), database, idle=IdleMonitor(chooser=Away), lock=SchedulerLock(tmp_path / "l")
    )
    made.start(backup_now=False)
    try:
        assert made.watcher is None
        assert "not watching folders: the model file is missing" in caplog.text
    finally:
        made.stop(stop_digest=False)


def test_the_daily_backup_is_logged_and_never_fatal(
    database: Path, store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="nocturne.daemon")
    daily_backup(store)
    (taken,) = list_backups()
    assert f"backed up the library to {taken.path}" in caplog.messages
    caplog.clear()
    daily_backup(store)  # not due again today: nothing to say
    assert caplog.messages == []

    def disk_full(store: Store) -> None:
        raise KnownError("the disk is full")

    monkeypatch.setattr("nocturne.library.backups.backup_if_due", disk_full)
    daily_backup(store)
    assert caplog.messages == ["no daily backup: the disk is full"]
