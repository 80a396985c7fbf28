"""Small flag files in `<data dir>/run/` that say "this process is doing X" across processes.

A flag is named after its process id (`<pid>.<kind>` or `<pid>-<more>.<kind>`) and removed when
the work ends; a flag whose process has died (killed, crashed) is ignored and cleaned up, so
nothing ever waits on work that no longer exists. Questions in flight and digests run in a
terminal use them (`schedule/questions_in_flight.py`, `sleeptime/foreground_runs.py`).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import psutil


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
