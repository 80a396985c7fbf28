"""The status bar and the welcome say in plain words what the digest did and will do.

Issue 12: an empty library said "Digest idle: everything is digested"; two documents in error
and the status bar said "Everything is digested"; the ETA promised "less than a minute left" for
a 155 s digest and then sat still; the run's "18/18 steps" disagreed with `nocturne status`;
the tiles stayed at 0 during a digest; the welcome did not say when anything would happen.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime.events import DigestEvent, EtaEstimator
from nocturne.ui.background_digest import CoreBackground, DigestSnapshot, digest_plan
from nocturne.ui.digest_status_bar import describe

from fakes.digest_run import FakeRun


def test_welcome_says_what_happens_and_when(window: Any) -> None:
    assert window.library.is_welcome
    plan = window.library.welcome.plan.text()
    assert "right away, in the background" in plan
    assert "away for 10 min" in plan and "01:00" in plan and "Digest now" in plan
    away = digest_plan(Settings({"new_documents": "away"}))
    assert "when you are away for 10 min or tonight from 01:00" in away


def test_status_bar_counts_follow_the_library(window: Any, qtbot: Any, lease_file: Path) -> None:
    window.show_snapshot(DigestSnapshot("done"))
    assert window.digest_status.label.full_text().startswith("No documents yet")
    window.add_paths([str(lease_file)])
    qtbot.waitUntil(lambda: len(window.library.model.rows) == 1, timeout=10000)
    # Not yet digested: the count is of the documents shown ready, as `nocturne status` has it
    # (it once said "The document is digested" of a queued one).
    qtbot.waitUntil(
        lambda: window.digest_status.label.full_text() == "0 of 1 document digested",
        timeout=5000,
    )
    assert describe(DigestSnapshot("done"), 1, 0, ready=1) == "The document is digested"
    assert describe(DigestSnapshot("done"), 3, 1, ready=2) == (
        "2 documents digested · 1 could not be read (see the library)"
    )


# -- the ETA and the step count of a run -------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def core(settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch) -> Any:
    made = CoreBackground(settings, lambda: store, start_scheduler=False)
    clock = Clock()
    monkeypatch.setattr("nocturne.ui.background_digest.time.monotonic", clock)
    return made, clock


def test_eta_counts_down_between_steps_and_admits_when_it_is_overdue(core: Any) -> None:
    background, clock = core
    run = FakeRun(DigestEvent("step", 17, 18, label="lease.pdf", eta_s=20.0), running=True)
    background._manual = run
    assert background.snapshot().eta_s == pytest.approx(20.0)
    clock.now += 12
    assert background.snapshot().eta_s == pytest.approx(8.0)
    run.is_paused = True
    clock.now += 30  # paused: the estimate does not run out meanwhile
    assert background.snapshot().eta_s == pytest.approx(8.0)
    run.is_paused = False
    clock.now += 9
    snap = background.snapshot()
    assert snap.eta_s is None and snap.overdue
    run.progress = DigestEvent("step", 18, 19, label="lease.pdf", eta_s=6.0)
    snap = background.snapshot()
    assert snap.eta_s == pytest.approx(6.0) and not snap.overdue


def test_a_runs_steps_are_counted_as_the_librarys(
    core: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    background, _clock = core
    monkeypatch.setattr(
        "nocturne.sleeptime.progress.digest_progress",
        lambda *_a, **_k: SimpleNamespace(
            steps_done=0, steps_total=41, pending_by_kind={}, model_id=None
        ),
    )
    background._manual = FakeRun(
        DigestEvent("step", 0, 18, eta_s=None), running=True
    )  # a first, low digest
    assert (background.snapshot().done_steps, background.snapshot().total_steps) == (0, 41)
    background._manual.progress = DigestEvent("step", 18, 18, eta_s=0.0)
    snap = background.snapshot()
    assert (snap.done_steps, snap.total_steps) == (18, 41)  # as `nocturne status` says


def test_an_unseen_step_kind_is_not_promised_to_be_as_quick_as_the_first_ones() -> None:
    eta = EtaEstimator()
    eta.record("structure", 0.2)
    eta.record("chunk_notes", 8.0)
    # A summary step not seen yet: the slowest kind's mean, not the mean over quick steps.
    assert eta.remaining(["document_summary"]) == pytest.approx(8.0)
    assert EtaEstimator({"document_summary": 3.0}).remaining(["document_summary"]) == 3.0
