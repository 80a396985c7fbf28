"""Each document's time left in a digest, from measured step durations (issue 12, "honest
progress ... per document"): of this run, and of earlier runs with the same model before this
run has timed a step. A fake clock advances only when the model is called, so nothing sleeps."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from nocturne.engine.base import GenerationOptions, Message
from nocturne.library.digest_priorities import request_documents
from nocturne.library.store import Store
from nocturne.sleeptime.events import FINISH, START, STEP, DigestEvent, EtaEstimator
from nocturne.sleeptime.runner import DigestRunner

from fakes.digest_replies import digest_reply
from fakes.engine import FakeEngine

MODEL_CALL_S = 2.0


class ModelClock:
    """The time: it moves by MODEL_CALL_S with every model call, and never otherwise."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def reply(self, messages: list[Message], options: GenerationOptions) -> str:
        self.now += MODEL_CALL_S
        return digest_reply(messages, options)


def digest(
    store: Store, clock: ModelClock, stop_after: int | None = None
) -> tuple[DigestRunner, list[DigestEvent]]:
    events: list[DigestEvent] = []
    runner = DigestRunner(
        store, FakeEngine(responder=clock.reply), "low", clock=clock, on_event=events.append
    )

    def on_event(event: DigestEvent) -> None:
        events.append(event)
        if stop_after is not None and event.kind == STEP and event.done == stop_after:
            runner.stop()

    runner.on_event = on_event
    runner.run()
    return runner, events


def test_each_document_gets_its_time_left_in_the_order_the_run_reads_them(
    store: Store, library: Callable[[], dict[str, int]]
) -> None:
    docs = library()
    request_documents(store, [docs["oil"]])  # read first: its passages each take one call
    clock = ModelClock()
    _runner, events = digest(store, clock)
    steps = [e for e in events if e.kind == STEP]
    assert events[-1].kind == FINISH and events[-1].documents_eta_s == {}
    # The first step (the extractive structure step) takes no measurable time; from the first
    # model step on, every document still to do has an estimate.
    timed = [e for e in steps if e.documents_eta_s and min(e.documents_eta_s.values()) > 0]
    assert timed, "no step event carried per-document estimates"
    first = timed[0]
    assert set(first.documents_eta_s) == set(docs.values())
    # Only model steps took time here (MODEL_CALL_S each, so far): a document's time left is
    # its own model steps still to do, plus those of the documents read before it.
    later = steps[steps.index(first) + 1 :]
    names = {"oil": "Oil_crisis.pdf", "forest": "Amazon_rainforest.pdf"}
    own = {
        docs[key]: sum(1 for e in later if e.label == name and e.step_kind == "chunk_notes")
        for key, name in names.items()
    }
    oil, forest = docs["oil"], docs["forest"]
    assert first.documents_eta_s[oil] == pytest.approx(MODEL_CALL_S * own[oil])
    assert first.documents_eta_s[forest] == pytest.approx(MODEL_CALL_S * (own[oil] + own[forest]))
    # The last document's estimate is the run's; a document has none after its last step.
    for event in timed:
        assert max(event.documents_eta_s.values()) == pytest.approx(event.eta_s)
    after_oil = [e for e in steps if e.label == names["forest"]]
    assert after_oil and all(oil not in e.documents_eta_s for e in after_oil)
    assert any(forest in e.documents_eta_s for e in after_oil)


def test_before_this_run_has_timed_a_step_the_past_runs_of_this_model_give_the_estimate(
    store: Store, library: Callable[[], dict[str, int]]
) -> None:
    library()
    clock = ModelClock()
    digest(store, clock, stop_after=3)  # an earlier run, stopped: its steps' durations are kept
    _runner, events = digest(store, clock)
    start = events[0]
    assert start.kind == START
    assert start.documents_eta_s, "the past run's durations give an estimate from the start"
    assert max(start.documents_eta_s.values()) == pytest.approx(start.eta_s)


def test_no_estimate_is_better_than_a_guess() -> None:
    eta = EtaEstimator()
    assert eta.by_document([("chunk_questions", 1)]) == {}
    eta.record("chunk_questions", 4.0)
    assert eta.by_document(
        [("chunk_questions", 1), ("chunk_questions", 2), ("library_brief", None)]
    ) == {1: 4.0, 2: 8.0}


def test_events_keep_their_estimates_across_a_process_boundary() -> None:
    import json

    event = DigestEvent(STEP, 1, 3, eta_s=9.0, documents_eta_s={4: 3.0, 7: 9.0})
    assert DigestEvent.from_dict(json.loads(json.dumps(event.to_dict()))) == event
    assert DigestEvent.from_dict(event.to_dict()) == event
