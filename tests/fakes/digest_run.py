"""A digest run as the scheduler and the window's background see it (`DigestController`):
its state, its latest progress event, the documents it is limited to, and the calls it got."""

from __future__ import annotations

from collections.abc import Iterable

from nocturne.sleeptime.events import DigestEvent


class FakeRun:
    def __init__(
        self,
        progress: DigestEvent | None = None,
        *,
        running: bool = False,
        documents: Iterable[int] | None = None,
    ) -> None:
        self.progress = progress
        self.documents = None if documents is None else tuple(documents)
        self.is_running = running
        self.is_paused = False
        self.completed = False
        self.error: str | None = None
        self.calls: list[str] = []

    def start(self) -> None:
        self.calls.append("start")
        self.is_running = True

    def pause(self) -> None:
        self.calls.append("pause")
        self.is_paused = True

    def resume(self) -> None:
        self.calls.append("resume")
        self.is_paused = False

    def stop(self) -> None:
        self.calls.append("stop")
        self.is_running = False
