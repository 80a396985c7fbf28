"""A digest run in a terminal (`nocturne digest`) says so, for `nocturne status` and the window;
and one digest of a library runs at a time.

The daemon and the window record the digest process they start in the library database; a
digest typed in a terminal has no scheduler, so it drops a small file in
`<data dir>/run/digests/` named after its pid while it runs, removed when it ends. A file whose
process has died (a killed digest) is ignored and cleaned up (`run_flags.py`).

Every digest — in a terminal or the window's and the daemon's digest process — holds an OS lock
on `<data dir>/run/digests/digest.lock` while it runs (`one_digest_at_a_time`): a second one
would redo the same steps beside the first (the notes are not doubled, but the work is), so it
says which one is running instead. The OS frees the lock when its process dies, even `kill -9`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from nocturne import paths
from nocturne.errors import KnownError
from nocturne.run_flags import flag_folder, live_flag_pids, write_flag
from nocturne.schedule.single import SchedulerLock


def runs_dir() -> Path:
    return flag_folder(paths.data_dir() / "run" / "digests")


@contextlib.contextmanager
def foreground_run(folder: Path | None = None) -> Iterator[Path]:
    """Mark this process as digesting the library while the body runs."""
    flag = (folder or runs_dir()) / f"{os.getpid()}.digest"
    write_flag(flag)  # a read-only library says so in plain words
    try:
        yield flag
    finally:
        with contextlib.suppress(FileNotFoundError):
            flag.unlink()


def running_foreground_digests(folder: Path | None = None) -> list[int]:
    """The pids of `nocturne digest` runs going on now; flags of dead processes are removed."""
    return live_flag_pids(folder or runs_dir(), ".digest")


@contextlib.contextmanager
def one_digest_at_a_time(folder: Path | None = None) -> Iterator[None]:
    """Hold the library's digest lock while the body runs; a `KnownError` naming the digest
    that holds it when another one runs."""
    where = folder or runs_dir()
    lock = SchedulerLock(where / "digest.lock")
    if not lock.acquire():
        owner = lock.owner()
        by = (
            "in a terminal"
            if owner is not None and owner in running_foreground_digests(where)
            else "by the window or the background service"
        )
        raise KnownError(
            f"a digest of this library is already running {by}"
            + (f" (pid {owner})" if owner else "")
            + "; `nocturne status` shows its progress"
        )
    try:
        yield
    finally:
        lock.release()
