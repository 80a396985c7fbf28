"""The honest horizon (issue 15): the whole library's digest time left, in hours and in nights at
the configured schedule, from the step durations the store recorded, seen from a given clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from digest_samples import OIL, add_document

from nocturne.library import digest_steps
from nocturne.library.digest_steps import FinishedStep
from nocturne.library.store import Store
from nocturne.schedule.policy import NightWindow
from nocturne.settings import Settings
from nocturne.sleeptime.horizon import (
    Horizon,
    duration_words,
    estimate,
    library_horizon,
    nights_needed,
    seconds_left,
    step_means,
    typical_step_seconds,
)
from nocturne.sleeptime.progress import digest_progress, planned_counts
from nocturne.sleeptime.prompts import STEP_VERSIONS
from nocturne.sleeptime.runner import DigestRunner

from fakes.digest_replies import digest_reply
from fakes.engine import FakeEngine

TZ = timezone(timedelta(hours=1))
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=TZ)
NIGHT = NightWindow.parse("01:00", "06:00")  # five hours a night


def _timed(store: Store, key: str, kind: str, seconds: float, model_id: str = "local.gguf") -> None:
    step = FinishedStep(key, kind, None, model_id, STEP_VERSIONS[kind], 10, 5, seconds, 1, 0)
    assert digest_steps.record_step(store, step, []) is not None


def test_the_pace_is_each_kinds_measured_mean(store: Store) -> None:
    _timed(store, "a", "chunk_notes", 2.0)
    _timed(store, "b", "chunk_notes", 4.0)
    _timed(store, "c", "document_summary", 30.0)
    _timed(store, "d", "chunk_notes", 100.0, model_id="other-model")  # not this model's pace
    left = {"chunk_notes": 600, "document_summary": 100}
    horizon = estimate(store, left, "local.gguf", NIGHT, NOON)
    assert horizon.seconds == pytest.approx(600 * 3.0 + 100 * 30.0)  # 4,800 s
    assert horizon.sentence() == (
        "about 1.3 hours of digest left: one nightly window (01:00–06:00), done by about 02:20"
    )


def test_an_unmeasured_kind_counts_at_the_typical_step_else_the_slowest_pace() -> None:
    assert seconds_left({"chunk_notes": 10, "section_summary": 2}, {"chunk_notes": 1.0}) == 12.0
    means = {"chunk_notes": 1.0, "structure": 12.0}
    assert seconds_left({"section_summary": 100}, means) == 1200.0
    assert seconds_left({"section_summary": 100}, means, typical=2.0) == 200.0
    assert seconds_left({"chunk_notes": 10}, {}) is None
    assert seconds_left({}, {}) == 0.0


def test_no_measurement_gives_no_number(store: Store) -> None:
    horizon = estimate(store, {"chunk_notes": 5}, "local.gguf", NIGHT, NOON)
    assert horizon.seconds is None and horizon.nights is None
    assert horizon.sentence() == "no estimate yet (no step has been timed with this model)"
    assert estimate(store, {}, "local.gguf", NIGHT, NOON).sentence() == "nothing left to digest"


def test_nights_at_the_schedule_count_what_is_left_of_tonight() -> None:
    hours = 3600.0
    # At noon: 26 hours of digest fill six five-hour windows, done an hour into the sixth.
    nights, done_by = nights_needed(26 * hours, NIGHT, NOON)
    assert nights == 6 and done_by == datetime(2026, 3, 8, 2, 0, tzinfo=TZ)
    # At 05:00, inside tonight's window: one hour is left of it, then whole windows.
    five = datetime(2026, 3, 2, 5, 0, tzinfo=TZ)
    assert nights_needed(0.5 * hours, NIGHT, five) == (1, five + timedelta(minutes=30))
    nights, done_by = nights_needed(6 * hours, NIGHT, five)
    assert nights == 2 and done_by == datetime(2026, 3, 3, 6, 0, tzinfo=TZ)
    # A window across midnight (22:30–06:30, eight hours).
    late = NightWindow.parse("22:30", "06:30")
    assert nights_needed(17 * hours, late, NOON)[0] == 3


def test_the_sentence_in_plain_words(store: Store) -> None:
    _timed(store, "a", "chunk_notes", 9.0)
    horizon = estimate(store, {"chunk_notes": 10_000}, "local.gguf", NIGHT, NOON)
    assert horizon.sentence() == (
        "about 25 hours of digest left: about 5 nights at this pace (01:00–06:00)"
    )
    no_window = estimate(
        store, {"chunk_notes": 10_000}, "local.gguf", NightWindow.parse("01:00", "01:00"), NOON
    )
    assert no_window.nights is None and no_window.sentence() == "about 25 hours of digest left"
    assert duration_words(20) == "under a minute"
    assert duration_words(60) == "about 1 minute"
    assert duration_words(40 * 60) == "about 40 minutes"
    assert duration_words(65 * 60) == "about 1 hour"
    assert duration_words(6 * 3600) == "about 6 hours"


def test_a_measured_remote_server_is_said_beside_the_local_pace(store: Store) -> None:
    _timed(store, "a", "chunk_notes", 9.0)
    left = {"chunk_notes": 10_000}
    assert estimate(store, left, "local.gguf", NIGHT, NOON, "qwen-7b").remote_seconds is None
    _timed(store, "b", "chunk_notes", 0.72, model_id="qwen-7b")  # the server did steps before
    horizon = estimate(store, left, "local.gguf", NIGHT, NOON, "qwen-7b")
    assert horizon.remote_seconds == pytest.approx(7200.0)
    assert horizon.sentence().endswith(
        "about 5 nights at this pace (01:00–06:00); the remote server would take about 2 hours"
    )
    assert horizon.as_dict()["remote_model"] == "qwen-7b"


def test_the_json_has_hours_nights_and_the_sentence() -> None:
    horizon = Horizon(12, 7200.0, 1, datetime(2026, 3, 3, 3, 0, tzinfo=TZ), "01:00–06:00")
    report = horizon.as_dict()
    assert report["hours"] == 2.0 and report["nights"] == 1 and report["steps_left"] == 12
    assert report["done_by"] == "2026-03-03T03:00:00+01:00"
    assert report["text"] == horizon.sentence()


def test_the_remote_servers_time_is_for_the_steps_it_would_do(store: Store) -> None:
    """The digest runs locally; the server's model digested this library's low budget once:
    switched to it, it would do the summaries alone, while the local model has everything left
    (notes remember the model that wrote them)."""
    add_document(store, "Oil_crisis.pdf", OIL)
    settings = Settings({"remote_url": "http://gpu-box:8080/v1", "remote_model": "qwen-7b"})
    DigestRunner(store, FakeEngine(responder=digest_reply, model_id="qwen-7b"), "low").run()
    _timed(store, "q", "document_summary", 60.0, model_id="qwen-7b")  # the server's pace
    _timed(store, "l", "chunk_notes", 9.0, model_id="local.gguf")  # the local model's
    progress = digest_progress(store, "medium", "local.gguf")
    assert progress.steps_done == 0
    horizon = library_horizon(store, settings, progress, NOON)
    assert horizon.seconds == pytest.approx(progress.steps_left * 9.0)
    remote_left = planned_counts(store, "medium", "qwen-7b").pending_by_kind
    assert 0 < sum(remote_left.values()) < progress.steps_left
    assert set(remote_left) <= {"section_summary", "document_summary"}
    assert horizon.remote_seconds == pytest.approx(
        seconds_left(
            remote_left, step_means(store, "qwen-7b"), typical_step_seconds(store, "qwen-7b")
        )
    )
    assert horizon.remote_model == "qwen-7b"
    assert "; the remote server would take " in horizon.sentence()
    # With the digest on the server itself, there is nothing to put beside it.
    on_server = Settings({**settings.as_dict(), "digest_engine": "remote"})
    assert library_horizon(store, on_server, progress, NOON).remote_seconds is None


def test_a_kind_never_timed_counts_at_the_mean_of_every_timed_step(store: Store) -> None:
    """A once-per-document step (12 s) must not price thousands of short steps of a kind not
    yet timed: they count at the mean of the steps this model did."""
    for name in "abc":
        _timed(store, name, "chunk_notes", 1.0)
    _timed(store, "s", "structure", 13.0)
    assert typical_step_seconds(store, "local.gguf") == pytest.approx(4.0)
    horizon = estimate(store, {"section_summary": 100}, "local.gguf", NIGHT, NOON)
    assert horizon.seconds == pytest.approx(400.0)  # not 100 x 13 s
