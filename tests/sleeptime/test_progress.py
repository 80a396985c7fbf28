"""How far the digest has come (`sleeptime/progress.py`): the steps of a budget done against its
plan, per document and in all, planned once per change of the library."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from digest_samples import FOREST, add_document

from nocturne import paths
from nocturne.library.digest_steps import KindTotals, NoteCounts
from nocturne.library.store import Store
from nocturne.sleeptime import progress
from nocturne.sleeptime.plan import plan_digest
from nocturne.sleeptime.progress import (
    DigestProgress,
    DocumentProgress,
    digest_progress,
    ocr_enabled,
    planned_counts,
    shown_state,
    steps_pending,
)
from nocturne.sleeptime.runner import DigestRunner

from fakes.engine import FakeEngine

Library = Callable[[], dict[str, int]]


@pytest.mark.parametrize(
    ("state", "learned_stale", "shown"),
    [
        ("ready", 1, "stale"),
        ("ready", 0, "ready"),
        ("ready", None, "ready"),
        ("queued", 1, "queued"),  # not digested yet: its digest is to come, not stale
        ("error", 1, "error"),
    ],
)
def test_a_ready_document_whose_text_changed_is_shown_stale(
    state: str, learned_stale: object, shown: str
) -> None:
    assert shown_state(state, learned_stale) == shown


def test_a_documents_fraction_and_its_json() -> None:
    assert DocumentProgress("digesting", 3, 4, 2).fraction == 0.75
    assert DocumentProgress("error", 0, 0, 0).fraction == 0.0  # nothing to do: not divided
    assert DocumentProgress("ready", 2, 2, 5).as_dict() == {
        "state": "ready",
        "steps_done": 2,
        "steps_total": 2,
        "fraction": 1.0,
        "notes": 5,
    }


def test_the_digests_totals_and_its_json_names() -> None:
    report = DigestProgress(
        budget="medium",
        model_id="m",
        steps_done=3,
        steps_total=5,
        pending_by_kind={"document_summary": 2},
        notes={"fact": NoteCounts(4, 1), "question": NoteCounts(2, 0)},
        by_step_kind={
            "chunk_notes": KindTotals(2, 6, 1, 300, 4.04),
            "structure": KindTotals(1, 0, 2, 0, 0.0),
        },
        sleep_tokens=300,
        sleep_tokens_logged=340,
        documents={7: DocumentProgress("digesting", 3, 5, 6)},
    )
    assert (report.steps_left, report.kept, report.stale, report.dropped) == (2, 6, 1, 3)
    assert report.as_dict() == {
        "budget": "medium",
        "steps_done": 3,
        "steps_total": 5,
        "notes": {"fact": {"kept": 4, "stale": 1}, "question": {"kept": 2, "stale": 0}},
        "kept": 6,
        "dropped": 3,
        "by_step_kind": {
            "chunk_notes": {"steps": 2, "kept": 6, "dropped": 1, "tokens": 300, "seconds": 4.0},
            "structure": {"steps": 1, "kept": 0, "dropped": 2, "tokens": 0, "seconds": 0.0},
        },
        "sleep_tokens": 300,
        "sleep_tokens_logged": 340,
        "documents": {"7": DocumentProgress("digesting", 3, 5, 6).as_dict()},
    }


def test_progress_before_and_after_a_digest(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    docs = library()
    planned = plan_digest(store, "medium", "fake-model").pending
    before = digest_progress(store, "medium", "fake-model", ocr=True)
    assert (before.steps_done, before.steps_total) == (0, len(planned))
    assert before.pending_by_kind["chunk_notes"] == sum(s.kind == "chunk_notes" for s in planned)
    assert before.documents[docs["oil"]].steps_total == sum(
        s.document_id == docs["oil"] for s in planned
    )
    assert before.documents[docs["oil"]].state == "queued"
    assert (before.sleep_tokens, before.kept) == (0, 0)
    assert steps_pending(store, "medium", "fake-model")

    result = DigestRunner(store, digest_engine, "medium").run()
    after = digest_progress(store, "medium", "fake-model", ocr=True)
    assert after.steps_done == after.steps_total == len(planned)
    assert after.pending_by_kind == {}
    assert after.sleep_tokens == result.tokens > 0
    assert after.sleep_tokens_logged >= after.sleep_tokens
    assert after.kept == result.kept
    oil = after.documents[docs["oil"]]
    assert (oil.state, oil.fraction) == ("ready", 1.0)
    assert oil.notes == store.scalar(
        "SELECT COUNT(*) FROM notes WHERE document_id = ? AND stale = 0", (docs["oil"],)
    )
    assert not steps_pending(store, "medium", "fake-model")
    # Another model's steps do not count as done; any model's do.
    assert digest_progress(store, "medium", "other-model", ocr=True).steps_done == 0
    assert digest_progress(store, "medium", None, ocr=True).steps_done == len(planned)


def test_only_budget_high_plans_the_library_wide_steps(store: Store, library: Library) -> None:
    library()
    low = planned_counts(store, "low", ocr=True).pending_by_kind
    high = planned_counts(store, "high", ocr=True).pending_by_kind
    assert set(low) == {"structure", "chunk_notes"}
    assert {"cross_document", "library_brief"} <= set(high)


def test_the_plan_is_made_once_per_change_of_the_library(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    library()
    start = progress.plannings
    first = planned_counts(store, "low", "fake-model", ocr=True)
    assert planned_counts(store, "low", "fake-model", ocr=True) is first
    digest_progress(store, "low", "fake-model", ocr=True)
    assert progress.plannings == start + 1
    planned_counts(store, "medium", "fake-model", ocr=True)  # another budget: its own plan
    planned_counts(store, "low", "other-model", ocr=True)  # another model too
    assert progress.plannings == start + 3
    add_document(store, "Forest_2.pdf", FOREST[:1])  # the library changed
    grown = planned_counts(store, "low", "fake-model", ocr=True)
    assert grown.steps_total > first.steps_total and progress.plannings == start + 4
    DigestRunner(store, digest_engine, "low").run()  # finished steps change it too
    assert planned_counts(store, "low", "fake-model", ocr=True).steps_done == grown.steps_total


def test_the_cache_keeps_the_latest_plans_only(store: Store, library: Library) -> None:
    library()
    start = progress.plannings
    models = [f"model-{n}" for n in range(progress.CACHED_PLANS + 1)]
    for model in models:
        planned_counts(store, "low", model, ocr=True)
    planned_counts(store, "low", models[-1], ocr=True)  # still cached
    assert progress.plannings == start + len(models)
    planned_counts(store, "low", models[0], ocr=True)  # the oldest was dropped
    assert progress.plannings == start + len(models) + 1


def test_an_unknown_budget_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown digest budget 'huge'"):
        planned_counts(store, "huge", ocr=True)


def test_ocr_is_on_by_setting_and_when_the_settings_cannot_be_read() -> None:
    settings = paths.settings_path()
    assert ocr_enabled() is True  # the default
    settings.write_text('{"ocr": false}')
    assert ocr_enabled() is False
    settings.write_text("{not json")
    assert ocr_enabled() is True
