"""How long the rest of the library's digest will take, in hours and in nights at the schedule.

The steps left come from the progress (`sleeptime.progress`), the pace from the steps already
done: each kind's mean duration as recorded with the model that will do them
(`library.step_timings`, which keeps the pace after the steps' documents are removed; pages read
by OCR have their own). A kind never
timed with that model is counted at the mean of all its timed steps (over a whole library the
steps left are mostly the many short per-passage ones; pricing them at the slowest kind's pace,
often a once-per-document step, promised days for hours of work). A run's own ETA
(`events.EtaEstimator`) stays on the long side for its few steps. No measurement at all, no
number: "no estimate yet" is better than a wrong one.

Nights are the configured nightly window (what is left of it tonight when it is on now, then
whole windows); the idle trigger may digest sooner, so "about 6 nights" is the schedule's
promise, not a lower bound. When the digest runs locally and a remote server is configured whose
model has done steps before, the estimate at its measured pace is given beside it, for the steps
that model would have to do (all not done by it: notes remember the model that wrote them).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from nocturne.library.step_timings import has_timings, step_means, typical_step_seconds
from nocturne.library.store import Store
from nocturne.schedule.policy import NightWindow
from nocturne.settings import Settings
from nocturne.sleeptime.progress import DigestProgress, planned_counts


def seconds_left(
    pending_by_kind: Mapping[str, int],
    means: Mapping[str, float],
    typical: float | None = None,
) -> float | None:
    """The steps left at these means; an unmeasured kind at `typical` (the mean of every timed
    step), else at the slowest kind's mean. None when no kind at all has been measured."""
    if not pending_by_kind:
        return 0.0
    if not means:
        return None
    unmeasured = typical if typical is not None else max(means.values())
    return sum(means.get(kind, unmeasured) * count for kind, count in pending_by_kind.items())


def nights_needed(seconds: float, window: NightWindow, now: datetime) -> tuple[int, datetime]:
    """How many nightly windows `seconds` of digest fill, counting what is left of the window on
    now, and when the work would be done (in the last of them)."""
    length = window.length.total_seconds()
    current = window.containing(now)
    if current is not None:
        tonight = (current.end - now).total_seconds()
        if seconds <= tonight:
            return 1, now + timedelta(seconds=seconds)
        seconds -= tonight
        nights, first = 1, window.next_start(now)
    else:
        nights, first = 0, window.next_start(now)
    assert first is not None  # an enabled window always has a next one
    more = math.ceil(seconds / length) if length else 0
    if more == 0:
        return nights, first.start
    # The work ends in the last of those windows, after what is left for it there.
    last_start = first.start + timedelta(days=more - 1)
    return nights + more, last_start + timedelta(seconds=seconds - (more - 1) * length)


def duration_words(seconds: float) -> str:
    """ "about 40 minutes", "about 6 hours" (rounded; under a minute said as such)."""
    if seconds < 60:
        return "under a minute"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"about {minutes} minute{'s' if minutes != 1 else ''}"
    hours = round(seconds / 3600)
    if hours < 2:
        return f"about {round(seconds / 3600, 1):g} hours" if minutes >= 75 else "about 1 hour"
    return f"about {hours:,} hours"


@dataclass(frozen=True)
class Horizon:
    steps_left: int
    seconds: float | None  # the digest engine at its measured pace; None: not measured yet
    nights: int | None  # nightly windows needed (None: no window, or no estimate)
    done_by: datetime | None  # when the work would be done, in the last of those windows
    window: str | None  # "01:00–06:00"
    remote_seconds: float | None = None  # a configured remote server at its measured pace
    remote_model: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The `horizon` of `nocturne status --json`."""
        return {
            "steps_left": self.steps_left,
            "seconds": None if self.seconds is None else round(self.seconds, 1),
            "hours": None if self.seconds is None else round(self.seconds / 3600, 2),
            "nights": self.nights,
            "done_by": self.done_by.isoformat() if self.done_by else None,
            "nightly_window": self.window,
            "remote_seconds": (
                None if self.remote_seconds is None else round(self.remote_seconds, 1)
            ),
            "remote_model": self.remote_model,
            "text": self.sentence(),
        }

    def sentence(self) -> str:
        """In plain words: "about 31 hours of digest left: about 7 nights at this pace
        (01:00–06:00); the remote server would take about 2 hours"."""
        if self.steps_left == 0:
            return "nothing left to digest"
        if self.seconds is None:
            text = "no estimate yet (no step has been timed with this model)"
        else:
            text = f"{duration_words(self.seconds)} of digest left"
            if self.nights is not None and self.window is not None:
                if self.nights <= 1 and self.done_by is not None:
                    by = f"{self.done_by:%H:%M}"  # in the zone of the `now` it was seen from
                    text += f": one nightly window ({self.window}), done by about {by}"
                else:
                    text += f": about {self.nights} nights at this pace ({self.window})"
        if self.remote_seconds is not None:
            text += f"; the remote server would take {duration_words(self.remote_seconds)}"
        return text


def estimate(
    store: Store,
    pending_by_kind: Mapping[str, int],
    model_id: str | None,
    window: NightWindow,
    now: datetime,
    remote_model: str | None = None,
    remote_pending: Mapping[str, int] | None = None,
) -> Horizon:
    """The horizon of `pending_by_kind` steps for the digest's model `model_id` (None: not known
    without asking, so not measured), at the nightly `window`, seen from `now`. `remote_model`:
    a remote server's model, when one is configured but is not the digest's engine, with the
    steps it would have to do (`remote_pending`, default `pending_by_kind`): notes remember the
    model that wrote them, so a switch to the server redoes the local model's too."""
    steps_left = sum(pending_by_kind.values())
    seconds = (
        seconds_left(
            pending_by_kind, step_means(store, model_id), typical_step_seconds(store, model_id)
        )
        if model_id
        else None
    )
    nights: int | None = None
    done_by: datetime | None = None
    if seconds is not None and steps_left and window.enabled:
        nights, done_by = nights_needed(seconds, window, now)
    remote_seconds = None
    if (
        remote_model
        and remote_model != model_id
        and steps_left
        and has_timings(store, remote_model)  # it has done steps here
    ):
        remote_seconds = seconds_left(
            pending_by_kind if remote_pending is None else remote_pending,
            step_means(store, remote_model),
            typical_step_seconds(store, remote_model),
        )
    label = f"{window.start:%H:%M}–{window.end:%H:%M}" if window.enabled else None
    return Horizon(
        steps_left,
        seconds,
        nights,
        done_by,
        label,
        remote_seconds,
        remote_model if remote_seconds is not None else None,
    )


def library_horizon(
    store: Store, settings: Settings, progress: DigestProgress, now: datetime | None = None
) -> Horizon:
    """The horizon of the whole library's digest (`progress`) at the settings' schedule, with
    the digest engine `engine_choice` names, and a configured remote server beside a local one."""
    from nocturne.engine.factory import engine_choice

    digest = engine_choice(settings, "digest")
    remote = str(settings.remote_model) if settings.remote_url else ""
    beside = remote if digest.kind != "remote" and remote else None
    remote_pending = None
    if beside and progress.steps_left and has_timings(store, beside):
        remote_pending = planned_counts(store, progress.budget, beside).pending_by_kind
    return estimate(
        store,
        progress.pending_by_kind,
        progress.model_id,
        NightWindow.parse(settings.night_start, settings.night_end),
        now or datetime.now().astimezone(),
        beside,
        remote_pending,
    )
