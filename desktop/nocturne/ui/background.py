"""The window's view of background digestion: one small adapter over the digest and scheduler.

The window only needs a snapshot (phase, progress, ETA, why it is paused), "Digest now", the two
pause buttons and resume, and to tell the scheduler when a question is being answered so the
digest gives up the CPU. `CoreBackground` connects these to `nocturne.sleeptime` (the digest
process and its status) and `nocturne.schedule` (pause state and the scheduler), importing them
lazily so the window still opens, saying what is missing, where a part is not installed. Tests
use a fake with the same methods. No Qt here: calls run in worker threads.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from nocturne.errors import KnownError
from nocturne.library.store import Store
from nocturne.settings import Settings


@dataclass(frozen=True)
class DigestSnapshot:
    phase: str  # idle, digesting, paused, done, error, unavailable
    done_steps: int = 0
    total_steps: int = 0
    eta_s: float | None = None
    detail: str = ""  # the current document, why it waits, or the error
    paused_until: datetime | None = None

    @property
    def fraction(self) -> float | None:
        return self.done_steps / self.total_steps if self.total_steps else None

    def tray_state(self) -> str:
        if self.phase in ("digesting", "paused", "error"):
            return self.phase
        return "idle"


class Background(Protocol):
    def snapshot(self) -> DigestSnapshot: ...

    def digest_now(self) -> None: ...

    def pause_for_an_hour(self) -> datetime: ...

    def pause_until_tomorrow(self) -> datetime: ...

    def resume(self) -> None: ...

    def question_started(self) -> None: ...

    def question_finished(self) -> None: ...

    def shutdown(self) -> None: ...


def format_eta(seconds: float | None) -> str:
    if seconds is None or seconds < 0:
        return ""
    if seconds < 60:
        return "less than a minute left"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"about {minutes} min left"
    return f"about {minutes // 60} h {minutes % 60:02d} min left"


def _field(source: Any, *names: str, default: Any = None) -> Any:
    """Read the first of `names` from a dict or an object (the digest's status shape)."""
    for name in names:
        if isinstance(source, dict) and name in source:
            return source[name]
        if hasattr(source, name):
            return getattr(source, name)
    return default


class CoreBackground:
    """The real thing: digest status from the library, pause state and scheduler from schedule/."""

    def __init__(self, settings: Settings, store_for_thread: Callable[[], Store],
                 start_scheduler: bool = True) -> None:
        self.settings = settings
        self._store = store_for_thread
        self.scheduler: Any = None
        self._manual: Any = None  # a digest run started with "Digest now"
        self._last_error = ""
        if start_scheduler:
            self._start_scheduler()

    def _start_scheduler(self) -> None:
        try:
            from nocturne.schedule.app import (  # type: ignore[import-not-found,unused-ignore]
                build_scheduler,
            )
        except ImportError:
            return
        self.scheduler = build_scheduler(self.settings)
        self.scheduler.start()

    # -- reading -----------------------------------------------------------------------------

    def _paused_until(self) -> datetime | None:
        try:
            from nocturne.schedule.state import ScheduleState
        except ImportError:
            return None
        until: datetime | None = ScheduleState(self._store()).paused_until
        if until is not None and until <= datetime.now().astimezone():
            return None
        return until

    def snapshot(self) -> DigestSnapshot:
        paused_until = self._paused_until()
        try:
            from nocturne.sleeptime.status import (  # type: ignore[import-not-found,unused-ignore]
                digest_status,
            )
        except ImportError:
            return DigestSnapshot("unavailable", detail="the digest is not installed",
                                  paused_until=paused_until)
        status = digest_status(self._store())
        done = int(_field(status, "done_steps", "done", default=0) or 0)
        total = int(_field(status, "total_steps", "total", default=0) or 0)
        eta = _field(status, "eta_s", "eta_seconds", default=None)
        running = self._is_running()
        if self._last_error:
            phase = "error"
        elif paused_until is not None or self._is_paused():
            phase = "paused"
        elif running:
            phase = "digesting"
        elif total and done >= total:
            phase = "done"
        else:
            phase = "idle"
        detail = self._last_error or str(_field(status, "current", "document", default="") or "")
        return DigestSnapshot(phase, done, total, eta, detail, paused_until)

    def _controller(self) -> Any:
        if self._manual is not None:
            return self._manual
        return getattr(self.scheduler, "controller", None)

    def _is_running(self) -> bool:
        controller = self._controller()
        if controller is None:
            return False
        running = bool(controller.is_running)
        if not running and controller is self._manual:
            if not controller.is_done:
                error = getattr(controller, "error", None)
                self._last_error = str(error or "the digest stopped before finishing")
            self._manual = None
        return running

    def _is_paused(self) -> bool:
        controller = self._controller()
        return bool(controller is not None and controller.is_paused)

    # -- the person's buttons ---------------------------------------------------------------

    def digest_now(self) -> None:
        self._last_error = ""
        self.resume()
        if self.scheduler is not None and hasattr(self.scheduler, "digest_now"):
            self.scheduler.digest_now()
            return
        try:
            from nocturne.sleeptime.process import (  # type: ignore[import-not-found,unused-ignore]
                DigestProcess,
            )
        except ImportError as exc:
            raise KnownError("the digest is not installed in this build of Nocturne") from exc
        if self._manual is None or not self._manual.is_running:
            self._manual = DigestProcess()
            self._manual.start()

    def _pause_state(self) -> Any:
        from nocturne.schedule.state import ScheduleState

        return ScheduleState(self._store())

    def pause_for_an_hour(self) -> datetime:
        if self.scheduler is not None:
            until: datetime = self.scheduler.pause_for_an_hour()
            return until
        from nocturne.schedule.policy import pause_for

        until = pause_for(datetime.now().astimezone())
        self._pause_state().pause_until(until)
        self._pause_manual()
        return until

    def pause_until_tomorrow(self) -> datetime:
        if self.scheduler is not None:
            until: datetime = self.scheduler.pause_until_tomorrow()
            return until
        from nocturne.schedule.policy import pause_until_tomorrow

        until = pause_until_tomorrow(datetime.now().astimezone())
        self._pause_state().pause_until(until)
        self._pause_manual()
        return until

    def _pause_manual(self) -> None:
        if self._manual is not None and self._manual.is_running:
            self._manual.pause()

    def resume(self) -> None:
        if self.scheduler is not None:
            self.scheduler.resume_now()
        else:
            with contextlib.suppress(ImportError):
                self._pause_state().pause_until(None)
        if self._manual is not None and self._manual.is_paused:
            self._manual.resume()

    def question_started(self) -> None:
        if self.scheduler is not None:
            self.scheduler.question_started()
        elif self._manual is not None and self._manual.is_running:
            self._manual.pause()

    def question_finished(self) -> None:
        if self.scheduler is not None:
            self.scheduler.question_finished()
        elif self._manual is not None and self._manual.is_paused and self._paused_until() is None:
            self._manual.resume()

    def shutdown(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown()
        if self._manual is not None and self._manual.is_running:
            self._manual.stop()


def pause_label(until: datetime | None, now: datetime | None = None) -> str:
    if until is None:
        return ""
    now = now or datetime.now().astimezone()
    if until.date() == now.date():
        return f"paused until {until:%H:%M}"
    if until.date() == (now + timedelta(days=1)).date():
        return f"paused until tomorrow {until:%H:%M}" if until.time() != datetime.min.time() \
            else "paused until tomorrow"
    return f"paused until {until:%a %H:%M}"
