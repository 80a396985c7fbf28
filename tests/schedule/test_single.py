"""One scheduler per library: an OS lock that dies with its process, and the holder's pid."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from nocturne.schedule.single import SchedulerLock, lock_path

TIMEOUT_S = 15
DESKTOP = str(Path(__file__).resolve().parents[2] / "desktop")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("NOCTURNE_HOME", str(tmp_path / "home"))
    yield tmp_path / "home"


def _holder() -> subprocess.Popen[str]:
    """Another process that takes the lock and holds it until its stdin closes."""
    code = (
        "import sys; from nocturne.schedule.single import SchedulerLock; "
        "held = SchedulerLock(); assert held.acquire(); print('locked', flush=True); "
        "sys.stdin.read()"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        env=dict(os.environ, PYTHONPATH=DESKTOP),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "locked"
    return child


def _end(child: subprocess.Popen[str]) -> None:
    if child.poll() is None:
        child.kill()
        child.wait(TIMEOUT_S)


def test_the_lock_dies_with_its_process_even_on_kill_9(home: Path) -> None:
    child = _holder()
    try:
        assert not SchedulerLock().acquire()
        child.kill()
        child.wait(TIMEOUT_S)
    finally:
        _end(child)
    lock = SchedulerLock()
    assert lock.acquire()
    lock.release()


def test_a_refused_lock_leaves_the_holders_pid_in_place(home: Path) -> None:
    child = _holder()
    try:
        refused = SchedulerLock()
        assert not refused.acquire()
        assert not refused.held
        assert refused.owner() == child.pid  # for "another scheduler (pid N) runs"
    finally:
        _end(child)


def test_the_holder_writes_its_pid_and_release_lets_the_next_one_in(home: Path) -> None:
    lock = SchedulerLock()
    assert not lock.held
    assert lock.acquire()
    assert lock.held
    assert lock.path.read_text(encoding="ascii") == str(os.getpid())
    assert not SchedulerLock().acquire()  # a second scheduler, even in this process
    lock.release()
    assert not lock.held
    assert lock.owner() == os.getpid()  # stale now: nobody holds the lock
    again = SchedulerLock()
    assert again.acquire()
    again.release()


def test_a_longer_stale_pid_is_overwritten_whole(tmp_path: Path) -> None:
    path = tmp_path / "scheduler.lock"
    path.write_text("9999999999", encoding="ascii")
    lock = SchedulerLock(path)
    assert lock.acquire()
    try:
        assert path.read_text(encoding="ascii") == str(os.getpid())
    finally:
        lock.release()


def test_the_lock_is_released_when_the_with_block_ends(tmp_path: Path) -> None:
    path = tmp_path / "scheduler.lock"
    with SchedulerLock(path) as lock:
        assert lock.acquire()
        assert not SchedulerLock(path).acquire()
    assert not lock.held
    follower = SchedulerLock(path)
    assert follower.acquire()
    follower.release()


def test_releasing_a_lock_not_held_does_nothing(tmp_path: Path) -> None:
    lock = SchedulerLock(tmp_path / "scheduler.lock")
    lock.release()
    assert lock.acquire()
    lock.release()
    lock.release()
    assert not lock.held


@pytest.mark.parametrize("content", [None, "", "  \n", "pid 12"])
def test_no_readable_owner_is_none(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "scheduler.lock"
    if content is not None:
        path.write_text(content, encoding="ascii")
    assert SchedulerLock(path).owner() is None


def test_the_lock_file_lives_in_a_private_run_folder_of_the_data_dir(home: Path) -> None:
    assert lock_path() == home / "run" / "scheduler.lock"
    assert stat.S_IMODE((home / "run").stat().st_mode) == 0o700
    assert SchedulerLock().path == home / "run" / "scheduler.lock"


def test_a_lock_that_cannot_be_created_is_the_plain_read_only_sentence(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests may run as root, for whom a read-only folder is writable: the refusal a person
    meets (EACCES) comes from a patched `open`."""
    from nocturne.errors import StoreError

    path = lock_path()

    def refuse(file: object, *_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(file))

    monkeypatch.setattr("builtins.open", refuse)
    with pytest.raises(StoreError) as raised:
        SchedulerLock(path).acquire()
    assert raised.value.condition == "read-only"
    assert str(raised.value) == (
        f"the library is read-only: {path} cannot be written (Permission denied); make the "
        "file and its folder writable"
    )


def test_a_file_where_the_run_folder_should_be_is_the_plain_sentence(home: Path) -> None:
    from nocturne.errors import StoreError

    home.mkdir(parents=True)
    (home / "run").write_text("not a folder")
    with pytest.raises(StoreError, match=r"run cannot be written \(File exists\)"):
        lock_path()
