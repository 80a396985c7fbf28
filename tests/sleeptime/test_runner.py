"""The digest loop (`sleeptime/runner.py`): steps done one at a time, events, stopping between
steps, the time limit, documents' states, and the one-line summary of a run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from nocturne.engine.logged import LoggedEngine
from nocturne.library.digest_priorities import request_documents
from nocturne.library.store import Store
from nocturne.sleeptime.events import FINISH, START, STEP, DigestEvent
from nocturne.sleeptime.plan import plan_digest
from nocturne.sleeptime.runner import DigestResult, DigestRunner

from fakes.digest_replies import digest_reply
from fakes.engine import FakeEngine

Library = Callable[[], dict[str, int]]


def states(store: Store) -> dict[int, str]:
    return {int(row.id): str(row.state) for row in store.documents()}


def test_events_count_every_step_from_start_to_finish(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    library()
    pending = len(plan_digest(store, "low", "fake-model").pending)
    events: list[DigestEvent] = []
    result = DigestRunner(store, digest_engine, "low", on_event=events.append).run()
    assert result.reason == "done" and result.done == result.total == pending
    assert [(e.kind, e.done, e.total) for e in events] == [
        (START, 0, pending),
        *((STEP, n, pending) for n in range(1, pending + 1)),
        (FINISH, pending, pending),
    ]
    steps = [e for e in events if e.kind == STEP]
    assert sum(e.step_tokens for e in steps) == result.tokens == events[-1].tokens
    assert events[-1].kept == result.kept and events[-1].reason == "done"
    assert {e.step_kind for e in steps} == {"structure", "chunk_notes"}
    assert set(states(store).values()) == {"ready"}


def test_stop_request_ends_after_the_current_step(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    docs = library()
    request_documents(store, [docs["oil"]])  # read first: its passages take model calls
    events: list[DigestEvent] = []
    runner = DigestRunner(store, digest_engine, "low", on_event=events.append)

    def on_event(event: DigestEvent) -> None:
        events.append(event)
        if event.kind == STEP and event.done == 2:
            runner.stop()

    runner.on_event = on_event
    result = runner.run()
    assert result.reason == "stopped" and result.done == 2
    assert store.scalar("SELECT COUNT(*) FROM digest_steps") == 2
    assert events[0].kind == START and events[-1].kind == FINISH
    assert events[-1].reason == "stopped"
    step_events = [e for e in events if e.kind == STEP]
    assert step_events[-1].eta_s is not None and step_events[-1].tokens > 0
    assert {r.state for r in store.documents()} <= {"queued", "ready"}
    rest = DigestRunner(store, digest_engine, "low").run()
    assert rest.already_done == 2 and rest.reason == "done"


def test_should_stop_before_the_first_step_does_nothing_and_leaves_no_document_digesting(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    library()
    result = DigestRunner(store, digest_engine, "low", should_stop=lambda: True).run()
    assert result.reason == "stopped"
    assert (result.done, result.tokens, result.kept) == (0, 0, 0)
    assert result.total == len(plan_digest(store, "low", "fake-model").pending) > 0
    assert digest_engine.calls == []
    assert store.scalar("SELECT COUNT(*) FROM digest_steps") == 0
    assert set(states(store).values()) == {"queued"}


def test_max_seconds_stops_before_a_step_that_would_not_fit(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    library()
    now = [0.0]

    def clock() -> float:
        now[0] += 1.0  # every look at the clock costs a second
        return now[0]

    result = DigestRunner(store, digest_engine, "low", max_seconds=6, clock=clock).run()
    assert result.reason == "time"
    assert 0 < result.done < len(plan_digest(store, "low", "fake-model").steps)


def test_no_time_at_all_does_no_step(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    library()
    result = DigestRunner(store, digest_engine, "low", max_seconds=0, clock=lambda: 5.0).run()
    assert result.reason == "time" and result.done == 0 and result.seconds == 0.0
    assert result.summary_line().startswith(f"Digest stopped at the time limit: 0/{result.total}")


def test_a_half_done_document_with_old_notes_goes_back_to_stale(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    docs = library()
    request_documents(store, [docs["oil"]])
    DigestRunner(store, digest_engine, "low").run()
    # Another model: every note is stale; the run stops inside the first document.
    bigger = FakeEngine(responder=digest_reply, model_id="bigger-model")
    runner = DigestRunner(store, bigger, "low")

    def stop_after_one(event: DigestEvent) -> None:
        if event.kind == STEP and event.done == 1:
            runner.stop()

    runner.on_event = stop_after_one
    assert runner.run().reason == "stopped"
    assert states(store) == {docs["oil"]: "stale", docs["forest"]: "stale"}


def test_a_document_removed_during_the_run_has_its_steps_skipped_as_superseded(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    docs = library()
    request_documents(store, [docs["oil"]])  # the forest comes second
    pending = plan_digest(store, "low", "fake-model").pending
    forest_steps = sum(1 for step in pending if step.document_id == docs["forest"])
    runner = DigestRunner(store, digest_engine, "low")

    def remove_forest(event: DigestEvent) -> None:
        if event.kind == STEP and event.done == 1:
            store.remove_document(docs["forest"])

    runner.on_event = remove_forest
    result = runner.run()
    assert result.reason == "done"
    assert result.superseded == forest_steps > 0
    assert result.done == result.total - forest_steps
    assert states(store) == {docs["oil"]: "ready"}
    assert (
        store.scalar("SELECT COUNT(*) FROM digest_steps WHERE document_id = ?", (docs["forest"],))
        == 0
    )


def test_model_calls_are_logged_once_whether_or_not_the_engine_came_logged(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    library()
    logged = LoggedEngine(digest_engine, store)
    runner = DigestRunner(store, logged, "low")
    assert runner.engine is logged  # not wrapped twice
    runner.run()
    assert digest_engine.calls
    assert store.scalar("SELECT COUNT(*) FROM model_calls") == len(digest_engine.calls)
    plain = DigestRunner(store, FakeEngine(), "low")
    assert isinstance(plain.engine, LoggedEngine)


BASE = DigestResult(
    reason="done",
    done=3,
    total=4,
    already_done=2,
    tokens=120,
    kept=5,
    dropped=1,
    seconds=12.34,
)


def result(**changes: Any) -> DigestResult:
    return replace(BASE, **changes)


DONE = "3/4 steps in 12.3 s (2 done earlier), 5 notes kept, 1 dropped, 120 model tokens"


@pytest.mark.parametrize(
    ("changes", "line"),
    [
        ({}, f"Digest finished: {DONE}"),
        ({"reason": "stopped"}, f"Digest stopped: {DONE}"),
        ({"reason": "time"}, f"Digest stopped at the time limit: {DONE}"),
        ({"reason": "odd"}, f"Digest odd: {DONE}"),
        ({"total": 0, "done": 0}, "Digest: nothing to do (2 steps done earlier)"),
        (
            {"concurrency": 4, "in_flight": 3.84},
            f"Digest finished: {DONE}, 3.8 of 4 requests in flight on average",
        ),
        (
            {"concurrency": 4, "in_flight": 2.0, "wasted": 3},
            f"Digest finished: {DONE}, 2.0 of 4 requests in flight on average, 3 sent ahead unused",
        ),
    ],
)
def test_the_summary_line(changes: dict[str, Any], line: str) -> None:
    assert result(**changes).summary_line() == line


def test_one_request_at_a_time_says_nothing_of_parallelism() -> None:
    assert result(concurrency=1, in_flight=1.0, wasted=2).parallelism_line() == ""
    assert result(concurrency=0).parallelism_line() == ""
