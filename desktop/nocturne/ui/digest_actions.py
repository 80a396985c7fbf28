"""The digest half of the main window: polling the background digest, its buttons, the tray.

A mixin of `MainWindow`. Every second a worker ticks the scheduler and reads a snapshot; the
status bar and the tray show it, and a run that ends (done or failed) becomes a notification.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QStatusBar

from nocturne.ui.background import Background, DigestSnapshot
from nocturne.ui.digest_status import DigestStatus
from nocturne.ui.tray import Tray
from nocturne.ui.workers import TaskRunner


class DigestActions:
    background: Background
    digest_status: DigestStatus
    tray: Tray | None
    disk: TaskRunner
    snapshot: DigestSnapshot
    _polling: bool
    show_error: Callable[[str], None]
    refresh_savings: Callable[[], None]
    snapshot_changed: Any  # the window's Signal(object)
    statusBar: Callable[[], QStatusBar]

    # -- digest ------------------------------------------------------------------------------

    def poll_digest(self) -> None:
        if self._polling:
            return
        self._polling = True

        def done(snapshot: DigestSnapshot) -> None:
            self._polling = False
            self.show_snapshot(snapshot)

        def failed(message: str) -> None:
            self._polling = False
            self.show_snapshot(DigestSnapshot("error", detail=message))

        def tick_and_read(_report: Any) -> DigestSnapshot:
            self.background.tick()
            return self.background.snapshot()

        self.disk.submit(tick_and_read, done, failed)

    def show_snapshot(self, snapshot: DigestSnapshot) -> None:
        previous = self.snapshot
        self.snapshot = snapshot
        self.digest_status.show_snapshot(snapshot)
        if self.tray is not None:
            self.tray.show_snapshot(snapshot)
            if previous.phase == "digesting" and snapshot.phase in ("done", "idle"):
                self.tray.notify(
                    "Digest finished", "Your documents are digested: answers will be instant."
                )
            elif previous.phase != "error" and snapshot.phase == "error":
                self.tray.notify("Digest failed", snapshot.detail, error=True)
        if previous.phase != snapshot.phase:
            self.snapshot_changed.emit(snapshot)
            self.refresh_savings()

    def _background_call(self, call: Callable[[], Any], message: str) -> None:
        def done(_result: Any) -> None:
            self.statusBar().showMessage(message, 6000)
            self._polling = False
            self.poll_digest()

        self.disk.submit(lambda _r: call(), done, self.show_error)

    def digest_now(self) -> None:
        self._background_call(self.background.digest_now, "Digesting now")

    def pause_hour(self) -> None:
        self._background_call(self.background.pause_for_an_hour, "Digest paused for an hour")

    def pause_tomorrow(self) -> None:
        self._background_call(self.background.pause_until_tomorrow, "Digest paused until tomorrow")

    def resume_digest(self) -> None:
        self._background_call(self.background.resume, "Digest resumed")
