"""The real digest behind the scheduler's `DigestController`: `sleeptime.process.DigestProcess`.

The adapter adds two things the scheduler needs. "Done" means the run ended because everything
was digested (DigestProcess says done when the process has ended for any reason; an error or a
kill is not done, and the scheduler backs off before trying again). And stopping from the
scheduler waits for the current step to finish, up to a grace period, instead of killing it.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any

from nocturne.sleeptime.events import FINISH, STEP, DigestEvent
from nocturne.sleeptime.process import DigestProcess

log = logging.getLogger(__name__)

STOP_GRACE_S = 30.0
"""How long a stop waits for the step in progress (the daemon's SIGTERM; systemd waits 90 s)."""
PAUSED_STOP_GRACE_S = 0.5


def _log_event(event: DigestEvent) -> None:
    if event.kind == STEP:
        eta = f", about {event.eta_s / 60:.0f} min left" if event.eta_s else ""
        log.debug(
            "digest step %d/%d: %s %s%s", event.done, event.total, event.step_kind, event.label, eta
        )
    elif event.kind == FINISH:
        detail = f": {event.message}" if event.message else ""
        parallel = (
            f", {event.in_flight:.1f} requests in flight on average" if event.in_flight else ""
        )
        log.info(
            "digest run ended (%s) after %d/%d steps, %d tokens%s%s",
            event.reason,
            event.done,
            event.total,
            event.tokens,
            parallel,
            detail,
        )


class DigestProcessController:
    def __init__(self, process: DigestProcess, stop_grace_s: float = STOP_GRACE_S) -> None:
        self.process = process
        self.stop_grace_s = stop_grace_s

    @property
    def budget(self) -> str | None:
        return self.process.budget

    @property
    def documents(self) -> tuple[int, ...] | None:
        """The documents this run is limited to; None: the whole library."""
        return self.process.documents

    def start(self) -> None:
        self.process.start()

    def pause(self) -> None:
        self.process.pause()

    def resume(self) -> None:
        self.process.resume()

    def stop(self) -> None:
        """A running digest finishes its step first (up to the grace period); a paused one is
        ended at once, since resuming it would take the CPU back from the person (its step in
        progress is redone next time)."""
        grace = PAUSED_STOP_GRACE_S if self.process.is_paused else self.stop_grace_s
        self.process.stop(grace_s=grace)

    @property
    def is_running(self) -> bool:
        return self.process.is_running

    @property
    def is_paused(self) -> bool:
        return self.process.is_paused

    def _result(self) -> DigestEvent | None:
        """The finish event; once the process has ended, wait briefly for its last events."""
        if self.process.has_ended and self.process.result is None:
            self.process.wait(timeout=2.0)
        return self.process.result

    @property
    def completed(self) -> bool:
        """The run ended because everything of its budget was digested."""
        if not self.process.has_ended:
            return False
        result = self._result()
        return result is not None and result.reason == "done"

    @property
    def error(self) -> str | None:
        """Why a run that ended was not done (for the log), or None."""
        if not self.process.has_ended or self.completed:
            return None
        result = self._result()
        if result is not None:
            return result.message or result.reason
        return f"the digest process exited with code {self.process.exitcode}"

    @property
    def pid(self) -> int | None:
        return self.process.pid

    @property
    def progress(self) -> DigestEvent | None:
        return self.process.last_event


def digest_process_controller(
    settings: Any,
    budget: str | None = None,
    *,
    asked: bool = False,
    documents: Collection[int] | None = None,
) -> DigestProcessController:
    """A digest process at `budget` (default: the settings'); of `documents` alone when given
    ("Digest this document now"). Its OS priority is decided here (`runs_at_lowest_priority`)."""
    return DigestProcessController(
        DigestProcess(
            budget=budget or settings.digest_budget,
            on_event=_log_event,
            low_priority=runs_at_lowest_priority(asked=asked, documents=documents),
            documents=documents,
        )
    )


def runs_at_lowest_priority(*, asked: bool, documents: Collection[int] | None) -> bool:
    """A run the scheduler starts (the computer idle, the nightly window) takes the lowest OS
    priority, so that anything the person does comes first. A run the person asked for does
    not: they pressed "Digest now" (`asked`) or chose documents to digest now (only a person
    does), and are waiting for it; at nice 19 it would crawl beside any busy program."""
    return not asked and documents is None
