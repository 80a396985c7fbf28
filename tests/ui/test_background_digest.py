"""CoreBackground: the window's adapter over the scheduler and the digest process (no Qt)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from nocturne.errors import KnownError
from nocturne.library.store import Store
from nocturne.schedule.state import ScheduleState
from nocturne.settings import Settings
from nocturne.sleeptime.events import DigestEvent
from nocturne.sleeptime.horizon import Horizon
from nocturne.ui.background_digest import CoreBackground, brief_horizon, pause_label

from fakes.digest_run import FakeRun
from support import FAKE_ENGINE


class FakeScheduler:
    def __init__(self) -> None:
        self.controller: Any = None
        self.last_decision: Any = None
        self.ticks = 0
        self.calls: list[str] = []

    def tick(self) -> None:
        self.ticks += 1

    def question_started(self) -> None:
        self.calls.append("question_started")

    def question_finished(self) -> None:
        self.calls.append("question_finished")

    def shutdown(self, stop_digest: bool = True) -> None:
        self.calls.append("shutdown")

    def stop_digest(self) -> None:
        self.calls.append("stop_digest")
        if self.controller is not None:
            self.controller.stop()
        self.controller = None


asked: list[bool] = []


@pytest.fixture
def controllers(monkeypatch: pytest.MonkeyPatch) -> list[FakeRun]:
    made: list[FakeRun] = []
    asked.clear()

    def factory(_settings: Any, budget: Any = None, **kw: Any) -> FakeRun:
        made.append(FakeRun())
        asked.append(bool(kw.get("asked")))
        return made[-1]

    monkeypatch.setattr("nocturne.schedule.digest_process.digest_process_controller", factory)
    return made


@pytest.fixture
def background(settings: Settings, store: Store) -> CoreBackground:
    made = CoreBackground(settings, lambda: store, start_scheduler=False)
    made.scheduler = FakeScheduler()
    return made


def test_digest_now_runs_shows_progress_and_reports_the_end(
    background: CoreBackground, controllers: list[FakeRun]
) -> None:
    assert background.snapshot().phase == "idle"  # an empty library has nothing to digest
    background.digest_now()
    run = controllers[0]
    assert run.calls == ["start"]
    assert asked == [True]  # the person asked: normal priority, not the scheduled runs' lowest
    run.progress = DigestEvent("step", 3, 12, label="lease.pdf", eta_s=90.0)
    snap = background.snapshot()
    assert (snap.phase, snap.done_steps, snap.total_steps, snap.detail) == (
        "digesting",
        3,
        12,
        "lease.pdf",
    )
    assert snap.eta_s == pytest.approx(90.0, abs=5.0)  # counted down since the event came
    background.tick()
    assert background.scheduler.ticks == 0  # the scheduler is held off during "Digest now"
    background.digest_now()
    assert len(controllers) == 1  # never two runs
    run.is_running = False
    run.error = "the model file is missing"
    snap = background.snapshot()
    assert snap.phase == "error" and snap.detail == "the model file is missing"
    background.tick()
    assert background.scheduler.ticks == 1


def test_pause_and_resume_write_the_shared_state(
    background: CoreBackground, controllers: list[FakeRun], store: Store
) -> None:
    background.digest_now()
    until = background.pause_for_an_hour()
    assert ScheduleState(store).paused_until == until
    assert controllers[0].is_paused
    assert background.snapshot().phase == "paused"
    background.question_finished()  # a question ending must not undo the person's pause
    assert controllers[0].is_paused
    background.resume()
    assert ScheduleState(store).paused_until is None and not controllers[0].is_paused
    tomorrow = background.pause_until_tomorrow()
    assert tomorrow.date() > datetime.now().astimezone().date()


def test_questions_pause_a_manual_run_and_tell_the_scheduler(
    background: CoreBackground, controllers: list[FakeRun]
) -> None:
    background.digest_now()
    background.question_started()
    assert controllers[0].is_paused
    background.question_finished()
    assert not controllers[0].is_paused
    assert background.scheduler.calls == ["question_started", "question_finished"]
    background.shutdown()
    assert "stop" in controllers[0].calls and "shutdown" in background.scheduler.calls


def test_digest_now_leaves_another_scheduler_in_charge(background: CoreBackground) -> None:
    from nocturne.schedule.policy import Decision

    background.scheduler.last_decision = Decision(
        False, "other-scheduler", "another Nocturne scheduler (pid 7) digests this library"
    )
    with pytest.raises(KnownError, match="another Nocturne"):
        background.digest_now()
    assert background.snapshot().detail.startswith("another Nocturne scheduler")


def test_pause_labels() -> None:
    now = datetime(2026, 5, 1, 14, 0).astimezone()
    assert pause_label(now.replace(hour=15), now) == "paused until 15:00"
    assert pause_label(datetime(2026, 5, 2, 0, 0).astimezone(), now) == "paused until tomorrow"


def test_a_run_that_cannot_start_leaves_nothing_behind(
    background: CoreBackground, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Broken(FakeRun):
        def start(self) -> None:
            raise RuntimeError("cannot spawn")

    monkeypatch.setattr(
        "nocturne.schedule.digest_process.digest_process_controller", lambda _s, **_kw: Broken()
    )
    with pytest.raises(RuntimeError):
        background.digest_now()
    assert background.snapshot().phase == "idle"


def test_added_folders_are_watched_by_the_window(
    settings: Settings, store: Store, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nocturne.ui.core_calls import Backend

    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text("Tomatoes need six hours of sun.", encoding="utf-8")
    from nocturne.schedule.service import BackgroundService

    backend = Backend(settings)
    background = CoreBackground(settings, backend.store, start_scheduler=False)
    service = BackgroundService(settings, backend.store().path)  # what the window starts
    service.start(backup_now=False)
    background._service = service
    try:
        assert service.watcher.folders == []
        backend.add([folder])
        background.tick()
        assert service.watcher.folders == [folder]
    finally:
        background.shutdown()
        backend.close()


def test_the_window_takes_the_daily_backup_when_it_runs_the_schedule(
    background: CoreBackground, store: Store
) -> None:
    from datetime import UTC, timedelta

    from nocturne.library.backups import list_backups, make_backup

    store.record_error(path="/docs/a.txt", name="a.txt", kind="text", error="the file is empty")
    background.tick()  # the first tick asks whether a backup is due: there is none yet
    (taken,) = list_backups()
    assert taken.reason == "daily"
    background.daily_backup()  # the same day: nothing more
    assert list_backups() == [taken]
    taken.path.unlink()
    old = make_backup(store, "daily", datetime.now(UTC) - timedelta(days=2))
    background.daily_backup()  # the newest is two days old
    assert [b.reason for b in list_backups()] == ["daily", "daily"]
    assert list_backups()[1].path == old.path


def test_beside_a_daemon_or_without_a_schedule_the_window_takes_no_backup(
    background: CoreBackground, settings: Settings, store: Store
) -> None:
    from nocturne.library.backups import list_backups

    background.scheduler.last_decision = type("Decision", (), {"code": "other-scheduler"})()
    background.tick()
    idle = CoreBackground(settings, lambda: store, start_scheduler=False)
    idle.tick()
    assert list_backups() == []


def test_the_horizon_in_a_few_words_for_a_narrow_status_bar() -> None:
    tonight = datetime(2026, 3, 2, 2, 10)
    assert brief_horizon(Horizon(0, 0.0, None, None, None)) == "nothing left to digest"
    assert brief_horizon(Horizon(5, None, None, None, "01:00–06:00")) == "no estimate yet"
    assert brief_horizon(Horizon(5, 9 * 3600, 2, tonight, "01:00–06:00", 7200, "big")) == (
        "about 9 hours left, 2 nights"
    )
    assert brief_horizon(Horizon(5, 2400, 1, tonight, "01:00–06:00")) == (
        "about 40 minutes left, done by about 02:10"
    )
    assert brief_horizon(Horizon(5, 2400, None, None, None)) == "about 40 minutes left"


def test_a_waiting_snapshot_carries_the_horizon_whole_and_brief(
    background: CoreBackground, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    horizon = Horizon(30, 9 * 3600, 2, None, "01:00–06:00")
    monkeypatch.setattr("nocturne.sleeptime.horizon.library_horizon", lambda *_a, **_k: horizon)
    monkeypatch.setattr(
        "nocturne.sleeptime.progress.digest_progress",
        lambda *_a, **_k: type("Progress", (), {"steps_done": 11, "steps_total": 41})(),
    )
    snapshot = background.snapshot()
    assert (snapshot.phase, snapshot.done_steps, snapshot.total_steps) == ("idle", 11, 41)
    assert snapshot.horizon == horizon.sentence()
    assert snapshot.horizon_brief == "about 9 hours left, 2 nights"


def test_a_damaged_library_met_by_the_daily_backup_is_said_not_only_logged(
    background: CoreBackground, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from nocturne.errors import StoreError

    said: list[str] = []
    background.on_damage = said.append
    failures = iter(
        [
            StoreError("the library database is damaged (malformed)", condition="damaged"),
            StoreError("the library database is busy", condition="locked"),
            KnownError("the backup could not be written"),
        ]
    )

    def backup_if_due(_store: Any) -> None:
        raise next(failures)

    monkeypatch.setattr("nocturne.library.backups.backup_if_due", backup_if_due)
    for _ in range(3):
        background.daily_backup()  # never raises
    assert said == ["the library database is damaged (malformed)"]
    assert caplog.text.count("no daily backup") == 3


def test_digest_now_replaces_a_scheduled_run_with_one_at_normal_priority(
    background: CoreBackground, controllers: list[FakeRun]
) -> None:
    """A scheduled run (lowest priority, perhaps the first digest's low budget) was resumed
    and left as it was: Digest now stops it (finished steps kept) and runs the library asked."""
    scheduled = FakeRun()
    scheduled.start()
    scheduled.pause()
    background.scheduler.controller = scheduled  # type: ignore[union-attr]
    background.digest_now()
    assert background.scheduler.calls == ["stop_digest"]  # type: ignore[union-attr]
    assert not scheduled.is_running
    assert len(controllers) == 1 and asked == [True] and controllers[0].is_running
    background.digest_now()  # pressed again: the person's run goes on, nothing restarts
    assert len(controllers) == 1 and controllers[0].is_running
