"""Digest progress events (plain data across processes) and the ETA they carry, per step kind.

`test_document_eta.py` follows the estimates through a whole run; these test the estimator."""

from __future__ import annotations

import json

import pytest

from nocturne.sleeptime.events import FINISH, START, STEP, DigestEvent, EtaEstimator


def test_a_kind_seen_in_this_run_takes_its_own_mean_over_the_prior() -> None:
    eta = EtaEstimator({"chunk_notes": 10.0})
    assert eta.mean("chunk_notes") == 10.0  # earlier runs' mean until this run has one
    eta.record("chunk_notes", 2.0)
    eta.record("chunk_notes", 4.0)
    assert eta.mean("chunk_notes") == 3.0


def test_a_kind_not_seen_takes_its_prior_else_the_slowest_kind_seen() -> None:
    eta = EtaEstimator({"document_summary": 1.5})
    assert eta.mean("structure") is None  # nothing seen yet, no prior
    eta.record("structure", 0.5)
    eta.record("chunk_notes", 6.0)
    eta.record("chunk_notes", 8.0)
    assert eta.mean("document_summary") == 1.5
    assert eta.mean("section_summary") == 7.0  # chunk_notes' mean, the slowest


def test_the_prior_is_copied() -> None:
    prior = {"chunk_notes": 3.0}
    eta = EtaEstimator(prior)
    prior["chunk_notes"] = 100.0
    assert eta.mean("chunk_notes") == 3.0


def test_remaining_is_the_sum_of_the_means_or_none_while_one_is_unknown() -> None:
    eta = EtaEstimator()
    assert eta.remaining([]) == 0.0
    assert eta.remaining(["chunk_notes"]) is None
    eta.record("chunk_notes", 2.0)
    eta.record("structure", 0.5)
    assert eta.remaining(["chunk_notes", "chunk_notes", "structure"]) == pytest.approx(4.5)


def test_by_document_counts_library_steps_before_a_document_and_keeps_its_last_step() -> None:
    eta = EtaEstimator({"chunk_notes": 2.0, "cross_document": 5.0})
    steps = [("chunk_notes", 1), ("cross_document", None), ("chunk_notes", 2), ("chunk_notes", 1)]
    assert eta.by_document(steps) == {1: 11.0, 2: 9.0}
    assert eta.by_document([]) == {}


def test_an_event_survives_json_with_its_document_estimates() -> None:
    event = DigestEvent(
        STEP,
        2,
        5,
        step_key="chunk_notes:3:7",
        step_kind="chunk_notes",
        label="Oil_crisis.pdf",
        tokens=120,
        kept=4,
        dropped=1,
        eta_s=12.5,
        documents_eta_s={3: 4.0, 11: 12.5},
        in_flight=1.5,
    )
    data = json.loads(json.dumps(event.to_dict()))
    assert data["documents_eta_s"] == {"3": 4.0, "11": 12.5}  # JSON keys are strings
    assert DigestEvent.from_dict(data) == event


def test_an_event_without_document_estimates_reads_as_none() -> None:
    assert DigestEvent.from_dict({"kind": START, "done": 0, "total": 3}).documents_eta_s == {}
    event = DigestEvent.from_dict(
        {"kind": FINISH, "done": 3, "total": 3, "reason": "done", "documents_eta_s": None}
    )
    assert event == DigestEvent(FINISH, 3, 3, reason="done")
