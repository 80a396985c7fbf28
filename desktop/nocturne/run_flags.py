"""Small flag files in `<data dir>/run/` that say "this process is doing X" across processes.

A flag is named after its process id (`<pid>.<kind>` or `<pid>-<more>.<kind>`) and removed when
the work ends; a flag whose process has died (killed, crashed) is ignored and cleaned up, so
nothing ever waits on work that no longer exists. Questions in flight and digests run in a
terminal use them (`schedule/questions_in_flight.py`, `sleeptime/foreground_runs.py`).

A library folder that cannot be written (read-only, full) makes `flag_folder` and `write_flag`
raise the store's `StoreError` sentence for it, never a bare `OSError`.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import psutil

from nocturne.errors import writing_library_file


def flag_folder(folder: Path) -> Path:
    """`folder`, created private to its owner if it is not there yet."""
    with writing_library_file(folder):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def write_flag(flag: Path) -> None:
    """Drop the flag `flag`, holding this process's id."""
    with writing_library_file(flag):
        flag.write_text(str(os.getpid()), encoding="ascii")


def flag_pid(flag: Path) -> int | None:
    try:
        return int(flag.name.split("-", 1)[0].split(".", 1)[0])
    except ValueError:
        return None


def live_flag_pids(folder: Path, suffix: str) -> list[int]:
    """The processes behind the live `*suffix` flags in `folder`, one per flag; dead ones'
    flags are removed."""
    try:
        flags = sorted(folder.glob(f"*{suffix}"))
    except OSError:
        return []
    pids: list[int] = []
    for flag in flags:
        pid = flag_pid(flag)
        if pid is not None and psutil.pid_exists(pid):
            pids.append(pid)
        else:
            with contextlib.suppress(OSError):
                flag.unlink()
    return pids
