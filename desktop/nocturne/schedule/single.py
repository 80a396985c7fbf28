"""One scheduler per library: the daemon and the window must not both start a digest.

An OS lock on `<data dir>/run/scheduler.lock` (flock on POSIX, msvcrt on Windows) is held for
as long as a scheduler runs. The OS releases it when the process dies, even with `kill -9`, so a
stale lock can never block the next start. The file holds the owner's pid for messages.
A library folder where the lock cannot be created (read-only) raises the store's `StoreError`
sentence for it, never a bare `OSError`.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import IO

from nocturne import paths
from nocturne.errors import writing_library_file


def lock_path() -> Path:
    folder = paths.data_dir() / "run"
    with writing_library_file(folder):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder / "scheduler.lock"


class SchedulerLock:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or lock_path()
        self._handle: IO[str] | None = None

    def acquire(self) -> bool:
        """True if this process now runs the scheduler; False if another one does."""
        with writing_library_file(self.path):
            handle = open(self.path, "a+", encoding="ascii")  # noqa: SIM115 - held while running
        try:
            _lock(handle)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle
        return True

    @property
    def held(self) -> bool:
        return self._handle is not None

    def owner(self) -> int | None:
        """The pid written by the holder (may be stale if nobody holds the lock)."""
        with contextlib.suppress(OSError, ValueError):
            return int(self.path.read_text(encoding="ascii").strip() or "x")
        return None

    def release(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(OSError):
                _unlock(self._handle)
            self._handle.close()
            self._handle = None

    def __enter__(self) -> SchedulerLock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
