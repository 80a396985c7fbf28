"""One answer to "is this step done": the digest's plan and every status agree.

`plan.done_keys` decides for `plan_digest` and for `sleeptime/digest_report.py` alike; these
tests build libraries in the states that matter (nothing done, half done, done by another model,
a prompt changed since, stale notes) and check that the plan and the status count the same steps.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from nocturne.library import digest_steps
from nocturne.library.digest_steps import StepRecord
from nocturne.library.store import Store
from nocturne.schedule.work import WorkLeft
from nocturne.sleeptime.digest_report import digest_status, document_progress, ocr_enabled
from nocturne.sleeptime.events import STEP, DigestEvent
from nocturne.sleeptime.plan import (
    plan_digest,
    step_is_current,
    steps_per_document,
)
from nocturne.sleeptime.prompts import STEP_VERSIONS
from nocturne.sleeptime.runner import DigestRunner

from fakes.engine import FakeEngine

Library = Callable[[], dict[str, int]]


def _record(
    kind: str = "chunk_notes", model_id: str = "m", version: str | None = None
) -> StepRecord:
    version = STEP_VERSIONS[kind] if version is None else version
    return StepRecord(1, "chunk:1", kind, model_id, version, False)


def test_a_step_is_current_with_its_prompt_version_and_model() -> None:
    assert step_is_current(_record(), "m")
    assert step_is_current(_record(), None)  # any model
    assert not step_is_current(_record(model_id="other"), "m")
    assert step_is_current(_record(model_id="other"), None)
    assert not step_is_current(_record(version="fact:old"), "m")
    assert not step_is_current(_record(version="fact:old"), None)
    assert not step_is_current(_record(kind="retired_kind", version="x"), None)


def _half_digest(store: Store, engine: FakeEngine, steps: int = 4) -> None:
    runner = DigestRunner(store, engine, "medium")

    def stop(event: DigestEvent) -> None:
        if event.kind == STEP and event.done == steps:
            runner.stop()

    runner.on_event = stop
    runner.run()


def _assert_agree(store: Store, budget: str, model_id: str) -> None:
    """The status (read first: the plan marks outdated notes stale) counts what the plan has."""
    status = digest_status(store, budget, model_id)
    progress = document_progress(store, budget, model_id)
    plan = plan_digest(store, budget, model_id, ocr_enabled())
    assert status["steps_total"] == len(plan.steps)
    assert status["steps_done"] == sum(1 for s in plan.steps if s.key in plan.done)
    total, finished = steps_per_document(plan.steps, plan.done)
    for doc_id, values in progress.items():
        assert (values["steps_done"], values["steps_total"]) == (finished[doc_id], total[doc_id])
    again = digest_status(store, budget, model_id)  # and after the plan's side effects
    assert again["steps_done"] == status["steps_done"]


@pytest.mark.parametrize("budget", ["low", "medium", "high"])
def test_plan_and_status_agree_before_and_during_a_digest(
    store: Store, library: Library, budget: str
) -> None:
    library()
    engine = FakeEngine()
    _assert_agree(store, budget, engine.model_id)
    _half_digest(store, engine)
    _assert_agree(store, budget, engine.model_id)
    assert digest_status(store, budget, engine.model_id)["steps_done"] > 0


def test_plan_and_status_agree_for_another_model(store: Store, library: Library) -> None:
    library()
    engine = FakeEngine()
    _half_digest(store, engine)
    assert digest_status(store, "medium", "another-model")["steps_done"] == 0
    _assert_agree(store, "medium", "another-model")


def test_plan_and_status_agree_after_a_prompt_changed(
    store: Store, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    library()
    engine = FakeEngine()
    DigestRunner(store, engine, "medium").run()
    before = digest_status(store, "medium", engine.model_id)
    assert before["steps_done"] == before["steps_total"]
    monkeypatch.setitem(STEP_VERSIONS, "chunk_notes", "fact:changed")
    after = digest_status(store, "medium", engine.model_id)
    assert after["steps_done"] < before["steps_done"]
    _assert_agree(store, "medium", engine.model_id)


def test_plan_and_status_agree_when_notes_went_stale(store: Store, library: Library) -> None:
    library()
    engine = FakeEngine()
    DigestRunner(store, engine, "medium").run()
    with_notes = int(store.scalar("SELECT step_id FROM notes WHERE stale = 0 LIMIT 1"))
    digest_steps.mark_notes_stale(store, with_notes)
    status = digest_status(store, "medium", engine.model_id)
    assert status["steps_done"] == status["steps_total"] - 1
    _assert_agree(store, "medium", engine.model_id)


def test_an_unknown_budget_is_the_same_error_for_the_digest_and_every_status(
    store: Store, library: Library
) -> None:
    """Settings refuse an unknown budget when read, so one reaching here is a bug: the digest
    and the progress say so alike (a status once showed medium instead)."""
    library()
    with pytest.raises(ValueError, match="unknown digest budget 'huge'"):
        plan_digest(store, "huge", "m")
    with pytest.raises(ValueError, match="unknown digest budget 'huge'"):
        digest_status(store, "huge")
    DigestRunner(store, FakeEngine(), "medium").run()  # nothing waits: the exact count is asked
    with pytest.raises(ValueError, match="unknown digest budget 'huge'"):
        WorkLeft(store, lambda: "huge")()


def test_status_sleep_tokens_are_the_committed_steps_and_the_call_log(
    store: Store, library: Library
) -> None:
    library()
    DigestRunner(store, FakeEngine(default_reply="What is it?"), "medium").run()
    report = digest_status(store, "medium")
    by_kind = sum(v["tokens"] for v in report["by_step_kind"].values())
    assert report["sleep_tokens"] == by_kind > 0
    assert report["sleep_tokens_logged"] == report["sleep_tokens"]  # nothing was interrupted
