"""A question in flight pauses the digest, across processes, within a fraction of a second.

`nocturne ask` (or the window) wraps its answering in `question_in_flight()`, which drops a
small file in `<data dir>/run/questions/` and removes it afterwards. The daemon watches that
folder (inotify and friends through watchdog, so it reacts at once) and also checks it on every
tick. A file costs no database lock, so a question never waits behind a digest transaction. A
file whose process has died (a killed `ask`) is ignored and cleaned up, so the digest can never
be stuck behind a question that no longer exists.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from nocturne import paths
from nocturne.run_flags import live_flag_pids

_counter = itertools.count()
_lock = threading.Lock()


def questions_dir() -> Path:
    folder = paths.data_dir() / "run" / "questions"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


@contextlib.contextmanager
def question_in_flight(folder: Path | None = None) -> Iterator[Path]:
    """Hold the digest off while the body runs; safe to nest and to use from threads."""
    folder = folder or questions_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _lock:
        flag = folder / f"{os.getpid()}-{threading.get_ident()}-{next(_counter)}.question"
    flag.write_text(str(os.getpid()), encoding="ascii")
    try:
        yield flag
    finally:
        with contextlib.suppress(FileNotFoundError):
            flag.unlink()


def live_questions(folder: Path | None = None) -> int:
    """How many questions are being answered now; flags of dead processes are removed."""
    return len(live_flag_pids(folder or questions_dir(), ".question"))
