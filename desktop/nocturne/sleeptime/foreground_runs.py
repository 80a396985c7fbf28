"""A digest run in a terminal (`nocturne digest`) says so, for `nocturne status` and the window.

The daemon and the window record the digest process they start in the library database; a
digest typed in a terminal has no scheduler, so it drops a small file in
`<data dir>/run/digests/` named after its pid while it runs, removed when it ends. A file whose
process has died (a killed digest) is ignored and cleaned up (`run_flags.py`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from nocturne import paths
from nocturne.run_flags import live_flag_pids


def runs_dir() -> Path:
    folder = paths.data_dir() / "run" / "digests"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


@contextlib.contextmanager
def foreground_run(folder: Path | None = None) -> Iterator[Path]:
    """Mark this process as digesting the library while the body runs."""
    flag = (folder or runs_dir()) / f"{os.getpid()}.digest"
    flag.write_text(str(os.getpid()), encoding="ascii")
    try:
        yield flag
    finally:
        with contextlib.suppress(FileNotFoundError):
            flag.unlink()


def running_foreground_digests(folder: Path | None = None) -> list[int]:
    """The pids of `nocturne digest` runs going on now; flags of dead processes are removed."""
    return live_flag_pids(folder or runs_dir(), ".digest")
