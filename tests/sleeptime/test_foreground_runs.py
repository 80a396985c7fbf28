"""A digest run in a terminal is seen by `nocturne status` and by the schedulers, which do not
start a second digest beside it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nocturne.errors import KnownError
from nocturne.library.store import Store
from nocturne.schedule.schedule_report import schedule_status
from nocturne.settings import Settings
from nocturne.sleeptime.foreground_runs import (
    foreground_run,
    one_digest_at_a_time,
    running_foreground_digests,
    runs_dir,
)

from support import FAKE_ENGINE, cli_env


def test_the_marker_lives_as_long_as_the_run(home: Path) -> None:
    import os

    assert running_foreground_digests() == []
    with foreground_run() as flag:
        assert flag.parent == runs_dir()
        assert running_foreground_digests() == [os.getpid()]
    assert running_foreground_digests() == []
    assert not flag.exists()


def test_a_killed_runs_marker_is_ignored_and_removed(home: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    pid = int(dead.stdout)
    flag = runs_dir() / f"{pid}.digest"
    flag.write_text(str(pid))
    assert running_foreground_digests() == []
    assert not flag.exists()


def test_status_says_a_terminal_digest_runs(store: Store, settings: Settings) -> None:
    with foreground_run():
        digest = schedule_status(store, settings)["digest"]
    assert digest["state"] == "running"
    assert "`nocturne digest` in a terminal (pid" in str(digest["reason"])


def test_one_digest_at_a_time_names_the_one_that_runs(home: Path) -> None:
    with one_digest_at_a_time():
        # a second digest, as the window's would be
        with pytest.raises(KnownError) as beside, one_digest_at_a_time():
            pass
        assert str(beside.value) == (
            f"a digest of this library is already running by the window or the background "
            f"service (pid {os.getpid()}); `nocturne status` shows its progress"
        )
        with foreground_run(), pytest.raises(KnownError) as terminal, one_digest_at_a_time():
            pass
        assert "already running in a terminal" in str(terminal.value)
    with one_digest_at_a_time():  # released when the first one ends
        pass


def test_a_second_nocturne_digest_says_one_is_running_and_does_nothing(
    home: Path, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("The deposit is 2,500 euros. " * 20, encoding="utf-8")
    env = cli_env(home, NOCTURNE_ENGINE=FAKE_ENGINE)
    run = [sys.executable, "-m", "nocturne"]
    assert (
        subprocess.run([*run, "add", str(tmp_path)], env=env, capture_output=True).returncode == 0
    )
    with foreground_run(), one_digest_at_a_time():  # as a digest started in another terminal
        second = subprocess.run(
            [*run, "digest", "--budget", "low"], env=env, capture_output=True, text=True
        )
    assert second.returncode == 1
    assert "already running in a terminal" in second.stderr and "Traceback" not in second.stderr
    with Store.open() as store:
        assert store.scalar("SELECT COUNT(*) FROM digest_steps") == 0  # it did nothing


def test_a_terminal_digest_in_a_read_only_library_says_so_plainly(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nocturne.errors import StoreError

    runs_dir()

    def refuse(self: Path, *_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "write_text", refuse)  # tests may run as root
    with pytest.raises(StoreError) as raised, foreground_run():
        pass
    assert raised.value.condition == "read-only"
    assert str(raised.value).startswith("the library is read-only: ")
