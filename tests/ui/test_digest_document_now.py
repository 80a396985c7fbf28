"""CoreBackground's "Digest this document now": the document first, at once, through the same
digest process "Digest now" starts; whatever was running makes way (no Qt)."""

from __future__ import annotations

from typing import Any

import pytest

from nocturne.errors import KnownError
from nocturne.library.digest_priorities import REQUESTED, priorities
from nocturne.library.store import ChunkDraft, Store
from nocturne.schedule.policy import Decision
from nocturne.settings import Settings
from nocturne.ui.background_digest import OTHER_SCHEDULER, CoreBackground

from fakes.digest_run import FakeRun


class Scheduler:
    def __init__(self) -> None:
        self.controller: Any = None
        self.last_decision: Any = None
        self.calls: list[str] = []

    def stop_digest(self) -> None:
        self.calls.append("stop_digest")
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def tick(self) -> None:
        self.calls.append("tick")


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[FakeRun]:
    made: list[FakeRun] = []

    def factory(_settings: Any, budget: Any = None, **kw: Any) -> FakeRun:
        assert kw.get("asked") is True  # a run the person asked for: normal priority
        made.append(FakeRun(documents=kw.get("documents")))
        return made[-1]

    monkeypatch.setattr("nocturne.schedule.digest_process.digest_process_controller", factory)
    return made


@pytest.fixture
def background(settings: Settings, store: Store) -> CoreBackground:
    made = CoreBackground(settings, lambda: store, start_scheduler=False)
    made.scheduler = Scheduler()
    return made


def _document(store: Store, name: str) -> int:
    return store.save_document(
        path=f"/docs/{name}",
        name=name,
        kind="text",
        content_hash=f"hash-{name}",
        size=10,
        mtime=0.0,
        pages=None,
        chunks=[ChunkDraft(0, None, f"The text of {name}.", 5)],
    )


def test_with_nothing_running_a_run_of_that_document_alone_starts(
    background: CoreBackground, runs: list[FakeRun], store: Store
) -> None:
    doc = _document(store, "lease.txt")
    background.digest_document_now(doc)
    assert [(r.documents, r.calls) for r in runs] == [((doc,), ["start"])]
    assert priorities(store)[doc].reason == REQUESTED  # first in line until it is done
    assert background.scheduler.calls == ["stop_digest"]
    background.tick()
    assert "tick" not in background.scheduler.calls  # held off while the person's run goes


def test_the_schedules_run_makes_way(
    background: CoreBackground, runs: list[FakeRun], store: Store
) -> None:
    doc = _document(store, "lease.txt")
    scheduled = FakeRun()
    scheduled.start()
    background.scheduler.controller = scheduled
    background.digest_document_now(doc)
    assert scheduled.calls == ["start", "stop"]
    assert runs[-1].documents == (doc,) and runs[-1].is_running


def test_a_run_of_other_documents_keeps_them_and_takes_this_one_too(
    background: CoreBackground, runs: list[FakeRun], store: Store
) -> None:
    first, second = _document(store, "a.txt"), _document(store, "b.txt")
    background.digest_document_now(first)
    background.digest_document_now(second)
    assert runs[0].calls == ["start", "stop"]
    assert runs[1].documents == (first, second) and runs[1].is_running


def test_after_digest_now_a_whole_digest_starts_again_with_this_document_first(
    background: CoreBackground, runs: list[FakeRun], store: Store
) -> None:
    doc = _document(store, "lease.txt")
    background.digest_now()
    background.digest_document_now(doc)
    assert runs[0].documents is None and runs[0].calls == ["start", "stop"]
    assert runs[1].documents is None and runs[1].is_running  # its plan starts with `doc`
    assert doc in priorities(store)


def test_beside_a_daemon_the_document_is_queued_first_and_the_person_told(
    background: CoreBackground, runs: list[FakeRun], store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = _document(store, "lease.txt")
    background.scheduler.last_decision = Decision(False, OTHER_SCHEDULER, "the daemon digests")
    monkeypatch.setattr(background, "resume", lambda: None)
    with pytest.raises(KnownError, match="take this document first"):
        background.digest_document_now(doc)
    assert runs == [] and doc in priorities(store)
