"""Flag files named after their process: live ones are counted, dead ones cleaned away."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nocturne.run_flags import flag_pid, live_flag_pids

DEAD = 999_999_999  # above any pid_max: no such process


@pytest.mark.parametrize(
    ("name", "pid"),
    [
        ("4242.question", 4242),
        ("4242-3.question", 4242),
        ("4242-digest-7.terminal", 4242),
        ("notes.question", None),
        ("-1.question", None),
        ("x42.question", None),
    ],
)
def test_flag_pid_is_the_number_the_name_starts_with(name: str, pid: int | None) -> None:
    assert flag_pid(Path("/run") / name) == pid


def test_live_flags_are_counted_and_dead_or_unnamed_ones_removed(tmp_path: Path) -> None:
    me = os.getpid()
    for name in (f"{me}.question", f"{me}-2.question", f"{DEAD}.question", "junk.question"):
        (tmp_path / name).touch()
    (tmp_path / f"{DEAD}.terminal").touch()  # another kind of flag: not looked at
    assert live_flag_pids(tmp_path, ".question") == [me, me]  # one per flag
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [f"{me}.question", f"{me}-2.question", f"{DEAD}.terminal"]
    )


def test_a_missing_folder_has_no_flags(tmp_path: Path) -> None:
    assert live_flag_pids(tmp_path / "run", ".question") == []
