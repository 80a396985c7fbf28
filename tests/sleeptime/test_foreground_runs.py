"""A digest run in a terminal is seen by `nocturne status` and by the schedulers, which do not
start a second digest beside it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from nocturne.library.store import Store
from nocturne.schedule.schedule_report import schedule_status
from nocturne.settings import Settings
from nocturne.sleeptime.foreground_runs import (
    foreground_run,
    running_foreground_digests,
    runs_dir,
)


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
