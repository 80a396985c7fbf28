"""Running model, disk and network work off the GUI thread, with results coming back as signals.

A task is a plain function `fn(report)`; `report(value)` sends progress (streamed text, one ingest
result) to the GUI thread. Two pools keep the resources apart, as in vorta: the model pool has one
thread (llama.cpp contexts are not shared between threads, and answers queue rather than compete
for the CPU), the disk pool a few for library reads and ingest.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from nocturne.errors import KnownError, StoreError

log = logging.getLogger(__name__)

Report = Callable[[Any], None]
Task = Callable[[Report], Any]


class TaskSignals(QObject):
    progress = Signal(object)
    done = Signal(object)
    failed = Signal(str)  # a sentence for a person
    damaged = Signal(str)  # the library database is damaged (also sent as `failed`)
    finished = Signal()


class _Runnable(QRunnable):
    def __init__(self, task: Task, signals: TaskSignals) -> None:
        super().__init__()
        self.task = task
        self.signals = signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.task(self.signals.progress.emit)
        except KnownError as exc:
            if isinstance(exc, StoreError) and exc.condition == "damaged":
                self.signals.damaged.emit(str(exc))
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # a bug of ours: shown, logged with its traceback, never hidden
            log.error("task failed\n%s", traceback.format_exc())
            self.signals.failed.emit(f"internal error: {type(exc).__name__}: {exc}")
        else:
            self.signals.done.emit(result)
        self.signals.finished.emit()


class TaskRunner(QObject):
    """Submits tasks to a pool and keeps their signal objects alive until they finish.

    `library_damaged` is sent whenever a task meets a damaged library database, whoever
    submitted it, so the window can offer the repair once instead of each caller."""

    library_damaged = Signal(str)

    def __init__(self, max_threads: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        # Threads live as long as the window: each holds its own library connection.
        self.pool.setExpiryTimeout(-1)
        self._live: set[TaskSignals] = set()
        self.closed = False

    def submit(
        self,
        task: Task,
        on_done: Callable[[Any], None] | None = None,
        on_failed: Callable[[str], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
    ) -> TaskSignals:
        signals = TaskSignals()  # lives in the GUI thread: its slots run there
        for signal, slot in (
            (signals.done, on_done),
            (signals.failed, on_failed),
            (signals.progress, on_progress),
        ):
            if slot is not None:
                signal.connect(self._unless_closed(slot))
        signals.damaged.connect(self._unless_closed(self.library_damaged.emit))
        self._live.add(signals)
        signals.finished.connect(lambda: self._live.discard(signals))
        self.pool.start(_Runnable(task, signals))
        return signals

    def _unless_closed(self, slot: Callable[[Any], None]) -> Callable[[Any], None]:
        """Results that arrive after the window closed are dropped, not sent to dead widgets."""

        def deliver(value: Any) -> None:
            if not self.closed:
                slot(value)

        return deliver

    def close(self) -> None:
        """Let running tasks finish, then drop whatever they still report."""
        self.closed = True
        self.pool.waitForDone()

    @property
    def busy(self) -> bool:
        return bool(self._live)

    def wait(self, msecs: int = -1) -> bool:
        return self.pool.waitForDone(msecs)
