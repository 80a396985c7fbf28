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
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from nocturne import paths
from nocturne.errors import StoreError
from nocturne.run_flags import flag_folder, live_flag_pids, write_flag

log = logging.getLogger(__name__)
_counter = itertools.count()
_lock = threading.Lock()


def questions_dir() -> Path:
    return flag_folder(paths.data_dir() / "run" / "questions")


@contextlib.contextmanager
def question_in_flight(folder: Path | None = None) -> Iterator[Path | None]:
    """Hold the digest off while the body runs; safe to nest and to use from threads. Yields
    the flag (None in a read-only library, which no digest can be writing to)."""
    flag: Path | None = None
    try:
        folder = flag_folder(folder or questions_dir())
        with _lock:
            flag = folder / f"{os.getpid()}-{threading.get_ident()}-{next(_counter)}.question"
        write_flag(flag)
    except StoreError as exc:
        if exc.condition != "read-only":
            raise
        # A library that cannot be written has no digest running to pause (it could not keep
        # a note): the question is answered all the same, without its flag.
        log.info("a question without its flag: %s", exc)
        flag = None
    try:
        yield flag
    finally:
        if flag is not None:
            with contextlib.suppress(FileNotFoundError):
                flag.unlink()


def live_questions(folder: Path | None = None) -> int:
    """How many questions are being answered now; flags of dead processes are removed. Reads
    the folder without making it (a read-only library has none: no question is in flight)."""
    return len(live_flag_pids(folder or paths.data_dir() / "run" / "questions", ".question"))
