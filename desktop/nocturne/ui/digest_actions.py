"""The digest half of the main window: polling the background digest, its buttons, the tray.

A mixin of `MainWindow`. Every second a worker ticks the scheduler and reads a snapshot; the
status bar and the tray show it, and a run that ends (done or failed) becomes a notification.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QStatusBar

from nocturne.ui.background_digest import Background, DigestSnapshot
from nocturne.ui.digest_status_bar import DigestStatus
from nocturne.ui.library_view import LibraryPane
from nocturne.ui.tray import Tray
from nocturne.ui.workers import TaskRunner

SAVINGS_DURING_DIGEST_S = 3.0
"""While a digest runs, the savings tiles (sleep-time tokens) follow it at most this often."""


class DigestActions:
    background: Background
    library: LibraryPane
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

    def document_counts(self) -> tuple[int, int, int]:
        """Documents in the library, how many are ready and how many in error, counted from the
        states the list shows (`nocturne status` counts the same states)."""
        rows = self.library.model.rows
        return (
            len(rows),
            sum(1 for r in rows if r.state == "ready"),
            sum(1 for r in rows if r.state == "error"),
        )

    def show_snapshot(self, snapshot: DigestSnapshot) -> None:
        previous = self.snapshot
        self.snapshot = snapshot
        documents, ready, errors = self.document_counts()
        self.digest_status.show_snapshot(snapshot, documents, errors, ready)
        # Each document's time left, while the run is going (a paused run's would not count).
        self.library.model.set_etas(
            snapshot.document_eta_s if snapshot.phase == "digesting" else {}
        )
        if self.tray is not None:
            self.tray.show_snapshot(snapshot)
            if previous.phase == "digesting" and snapshot.phase == "done":
                self.tray.notify(
                    "Digest finished", "Your documents are digested: answers will be instant."
                )
            elif previous.phase == "digesting" and snapshot.phase == "idle":
                # A run that ended with work left (the first, quick digest; one document).
                self.tray.notify(
                    "Digest run finished",
                    f"{snapshot.done_steps} of {snapshot.total_steps} steps done; the rest "
                    "follows when the computer is idle or at night.",
                )
            elif previous.phase != "error" and snapshot.phase == "error":
                self.tray.notify("Digest failed", snapshot.detail, error=True)
        if previous.phase != snapshot.phase:
            self.snapshot_changed.emit(snapshot)
            self.refresh_savings()
            self._savings_at = time.monotonic()
        elif snapshot.phase == "digesting" and (
            snapshot.done_steps != previous.done_steps
            or snapshot.sleep_tokens != previous.sleep_tokens
        ):
            # The tiles follow a running digest (its tokens are logged step by step), not
            # only its end.
            now = time.monotonic()
            if now - getattr(self, "_savings_at", 0.0) >= SAVINGS_DURING_DIGEST_S:
                self._savings_at = now
                self.refresh_savings()

    def documents_shown(self) -> None:
        """The library changed: the status bar's counts ("3 documents digested") follow."""
        documents, ready, errors = self.document_counts()
        self.digest_status.show_snapshot(self.snapshot, documents, errors, ready)

    def _background_call(self, call: Callable[[], Any], message: str) -> None:
        def done(_result: Any) -> None:
            self.statusBar().showMessage(message, 6000)
            self._polling = False
            self.poll_digest()

        self.disk.submit(lambda _r: call(), done, self.show_error)

    def digest_now(self) -> None:
        self._background_call(self.background.digest_now, "Digesting now")

    def digest_document_now(self, document_id: int) -> None:
        """The library's "Digest this document now": that document first, at once."""
        name = next((r.name for r in self.library.model.rows if r.id == document_id), "")
        self._background_call(
            lambda: self.background.digest_document_now(document_id),
            f"Digesting {name} now" if name else "Digesting now",
        )

    def pause_hour(self) -> None:
        self._background_call(self.background.pause_for_an_hour, "Digest paused for an hour")

    def pause_tomorrow(self) -> None:
        self._background_call(self.background.pause_until_tomorrow, "Digest paused until tomorrow")

    def resume_digest(self) -> None:
        self._background_call(self.background.resume, "Digest resumed")
