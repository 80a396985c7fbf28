"""Notes go stale when their document, the model or the prompt version changes, and are redone."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from digest_samples import OIL, add_document

from nocturne.library.store import Store
from nocturne.sleeptime import plan as plan_module
from nocturne.sleeptime.plan import plan_digest
from nocturne.sleeptime.runner import DigestRunner

from fakes.digest_replies import digest_reply
from fakes.engine import FakeEngine

Library = Callable[[], dict[str, int]]


def note_models(store: Store) -> set[str]:
    return {
        r["model_id"]
        for r in store.query(
            "SELECT DISTINCT s.model_id FROM notes n JOIN digest_steps s ON s.id = n.step_id"
        )
    }


def test_a_different_model_marks_notes_stale_and_redoes_them(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    library()
    DigestRunner(store, digest_engine, "medium").run()
    before = store.scalar("SELECT COUNT(*) FROM notes")
    bigger = FakeEngine(responder=digest_reply, model_id="bigger-model")
    plan = plan_digest(store, "medium", "bigger-model")
    assert plan.done == set() and plan.pending
    assert store.scalar("SELECT COUNT(*) FROM notes WHERE stale = 0") == 0
    assert {r.state for r in store.documents()} == {"stale"}
    result = DigestRunner(store, bigger, "medium").run()
    assert result.done == len(plan.steps)
    assert store.scalar("SELECT COUNT(*) FROM notes WHERE stale = 1") == 0
    assert store.scalar("SELECT COUNT(*) FROM notes") == before  # replaced, not duplicated
    assert note_models(store) == {"bigger-model"}
    assert store.scalar("SELECT COUNT(*) FROM notes_fts") == before
    assert {r.state for r in store.documents()} == {"ready"}


def test_a_new_prompt_version_redoes_only_that_kind(
    store: Store, library: Library, digest_engine: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    library()
    DigestRunner(store, digest_engine, "medium").run()
    versions = dict(plan_module.STEP_VERSIONS)
    versions["document_summary"] = "summary:extract-v2"
    monkeypatch.setattr(plan_module, "STEP_VERSIONS", versions)
    monkeypatch.setattr("nocturne.sleeptime.step_work.STEP_VERSIONS", versions)
    plan = plan_digest(store, "medium", "fake-model")
    assert {s.kind for s in plan.pending} == {"document_summary"}
    DigestRunner(store, digest_engine, "medium").run()
    assert plan_digest(store, "medium", "fake-model").pending == []


def test_a_changed_document_loses_its_notes_and_is_digested_again(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    docs = library()
    DigestRunner(store, digest_engine, "high").run()
    brief_before = store.scalar("SELECT text FROM notes WHERE kind = 'library_brief'")
    changed = [
        *OIL[:2],
        "The crisis ended in 1974. A new page 3 about strategic oil reserves "
        "says the reserve holds 700 million barrels.",
    ]
    assert add_document(store, "Oil_crisis.pdf", changed) == docs["oil"]
    assert store.scalar("SELECT COUNT(*) FROM notes WHERE document_id = ?", (docs["oil"],)) == 0
    assert store.scalar("SELECT stale FROM notes WHERE kind = 'library_brief'") == 1
    plan = plan_digest(store, "high", "fake-model")
    pending_docs = {s.document_id for s in plan.pending}
    assert pending_docs == {docs["oil"], None}  # the oil document and the library notes
    DigestRunner(store, digest_engine, "high").run()
    facts = [
        r["text"]
        for r in store.query(
            "SELECT text FROM notes WHERE document_id = ? AND kind = 'fact'", (docs["oil"],)
        )
    ]
    assert any("700 million barrels" in f for f in facts)
    assert store.scalar("SELECT COUNT(*) FROM notes WHERE stale = 1") == 0
    assert store.scalar("SELECT COUNT(*) FROM notes WHERE kind = 'library_brief'") == 1
    assert store.scalar("SELECT text FROM notes WHERE kind = 'library_brief'") is not None
    assert brief_before is not None


def test_a_removed_document_supersedes_library_notes(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    docs = library()
    DigestRunner(store, digest_engine, "high").run()
    store.remove_document(docs["forest"])
    DigestRunner(store, digest_engine, "high").run()
    assert store.scalar("SELECT COUNT(*) FROM notes WHERE kind = 'cross_document'") == 0
    brief = store.query("SELECT * FROM notes WHERE kind = 'library_brief'")
    assert len(brief) == 1 and brief[0]["stale"] == 0
    assert "1 document." in brief[0]["text"]
