"""`WorkLeft`: cheap per tick, exact (the digest's own step count) when the library changed."""

from __future__ import annotations

from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.schedule.work import WorkLeft
from nocturne.settings import Settings
from nocturne.sleeptime.runner import DigestRunner

from fakes.engine import FakeEngine, fake_engine
from support import SAMPLES


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _library(store: Store) -> None:
    assert all(not r.failed for r in add_paths(store, [SAMPLES], Settings(), FakeEngine()))


def test_work_left_follows_the_real_digest(store: Store) -> None:
    _library(store)
    budget = ["low"]
    work_left = WorkLeft(store, lambda: budget[0])
    assert work_left()  # new documents: cheap path
    DigestRunner(store, fake_engine("digest"), "low").run()
    assert not work_left()  # everything of the low budget is done
    budget[0] = "high"
    assert work_left()  # library-wide steps wait, though no document is stale


def test_exact_count_only_when_the_library_changed_or_now_and_then(store: Store) -> None:
    _library(store)
    store.conn.execute("UPDATE documents SET learned_stale = 0")
    calls: list[str] = []

    def pending(_: Store, budget: str) -> bool:
        calls.append(budget)
        return False

    clock = Clock()
    work_left = WorkLeft(
        store, lambda: "medium", steps_pending=pending, clock=clock, exact_every_s=600
    )
    for _ in range(5):
        assert not work_left()
    assert calls == ["medium"]
    store.remove_document(int(store.documents()[0].id))
    assert not work_left()
    assert len(calls) == 2  # the library changed: counted again
    clock.now = 601
    work_left()
    assert len(calls) == 3


def test_a_different_digest_model_is_work_left(store: Store) -> None:
    _library(store)
    engine = fake_engine("digest")
    DigestRunner(store, engine, "low").run()
    model = [engine.model_id]
    work_left = WorkLeft(store, lambda: "low", model_id=lambda: model[0])
    assert not work_left()
    model[0] = "a-bigger-model.gguf"  # the person chose another model in settings
    work_left = WorkLeft(store, lambda: "low", model_id=lambda: model[0])
    assert work_left()


def test_a_waiting_document_answers_without_counting_steps(store: Store) -> None:
    _library(store)
    calls: list[str] = []

    def pending(_: Store, budget: str) -> bool:
        calls.append(budget)
        return False

    work_left = WorkLeft(store, lambda: "low", steps_pending=pending, clock=Clock())
    assert work_left()
    assert calls == []


def test_a_new_budget_is_counted_at_once_and_the_answer_is_kept(store: Store) -> None:
    _library(store)
    store.conn.execute("UPDATE documents SET learned_stale = 0")
    calls: list[str] = []

    def pending(_: Store, budget: str) -> bool:
        calls.append(budget)
        return budget == "high"

    budget = ["low"]
    work_left = WorkLeft(store, lambda: budget[0], steps_pending=pending, clock=Clock())
    assert not work_left()
    budget[0] = "high"  # the person raised the budget in settings
    assert work_left()
    assert work_left()  # the kept answer, not a third count
    assert calls == ["low", "high"]


def test_the_exact_count_is_redone_exactly_when_the_interval_is_over(store: Store) -> None:
    _library(store)
    store.conn.execute("UPDATE documents SET learned_stale = 0")
    calls: list[float] = []
    clock = Clock()

    def pending(_: Store, budget: str) -> bool:
        calls.append(clock.now)
        return False

    work_left = WorkLeft(store, lambda: "low", steps_pending=pending, clock=clock, exact_every_s=60)
    work_left()
    clock.now = 59.9
    work_left()
    clock.now = 60.0
    work_left()
    assert calls == [0.0, 60.0]
