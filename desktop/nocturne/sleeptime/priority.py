"""The digest process runs at the lowest OS priority, so anything the person does comes first.

POSIX: nice 19 (and on Linux the lowest best-effort I/O level); Windows: IDLE_PRIORITY_CLASS.
Not SCHED_IDLE or the idle I/O class: those can starve the process for as long as the machine is
busy, and the digest briefly holds the library's write lock, which a question must not wait on.
Returns what it did, for the log and tests.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys

log = logging.getLogger(__name__)


def lowest_priority() -> list[str]:
    import psutil

    done: list[str] = []
    if sys.platform == "win32":
        with contextlib.suppress(Exception):
            psutil.Process().nice(psutil.IDLE_PRIORITY_CLASS)
            done.append("idle-priority-class")
        return done
    with contextlib.suppress(OSError):
        os.nice(19 - os.nice(0))
        done.append("nice 19")
    if hasattr(psutil, "IOPRIO_CLASS_BE"):
        with contextlib.suppress(Exception):
            psutil.Process().ionice(psutil.IOPRIO_CLASS_BE, 7)
            done.append("lowest I/O")
    log.debug("digest priority: %s", ", ".join(done) or "unchanged")
    return done
