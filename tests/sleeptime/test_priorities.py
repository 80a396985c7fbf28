"""The digest's priorities in its plan: documents asked about or asked for first, then those
added recently (small before huge), then the rest; and a digest of some documents only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from digest_samples import FOREST, OIL, add_document

from nocturne.engine.base import Engine
from nocturne.library import digest_steps
from nocturne.library.answer_log import AnswerRecord, insert_answer
from nocturne.library.digest_priorities import priorities, request_documents
from nocturne.library.store import Store
from nocturne.sleeptime.plan import plan_digest
from nocturne.sleeptime.runner import DigestRunner

NOW = datetime.now(UTC)
HUGE = [" ".join([page] * 6) for page in OIL * 4]  # many more passages than the others


def _added(store: Store, name: str, pages: list[str], days_ago: float = 0.0) -> int:
    doc = add_document(store, name, pages)
    stamp = (NOW - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    with store.transaction() as conn:
        conn.execute("UPDATE documents SET updated_at = ? WHERE id = ?", (stamp, doc))
    return doc


def _document_order(store: Store, model_id: str, **kw: object) -> list[int]:
    order: list[int] = []
    for step in plan_digest(store, "medium", model_id, now=NOW, **kw).pending:  # type: ignore[arg-type]
        if step.document_id is not None and step.document_id not in order:
            order.append(step.document_id)
    return order


def _answer() -> AnswerRecord:
    return AnswerRecord(
        "When did the embargo end?", "March 1974.", "auto", "learned", "m", 1, 1, 9, 1, 8,
        0.0, 0.0, 0, 0.0, 0.1, 0.1, False,
    )  # fmt: skip


def test_recent_documents_first_small_before_huge_then_the_rest(
    store: Store, digest_engine: Engine
) -> None:
    old = _added(store, "old.pdf", OIL, days_ago=30)
    huge = _added(store, "huge.pdf", HUGE, days_ago=0.01)  # the newest, but huge
    small = _added(store, "small.pdf", FOREST, days_ago=0.02)
    assert store.document(huge).chunk_count > 16 >= store.document(small).chunk_count
    assert _document_order(store, digest_engine.model_id) == [small, huge, old]


def test_a_question_about_a_document_not_digested_moves_it_to_the_front(
    store: Store, digest_engine: Engine
) -> None:
    old = _added(store, "old.pdf", OIL, days_ago=30)
    new = _added(store, "new.pdf", FOREST)
    assert _document_order(store, digest_engine.model_id) == [new, old]
    insert_answer(store, _answer(), [old])  # the answer used the old, undigested document
    assert _document_order(store, digest_engine.model_id) == [old, new]
    runner = DigestRunner(store, digest_engine, "medium")
    started: list[int] = []
    runner.on_event = lambda e: started.append(e.step_key) if e.step_key else None
    runner.run()
    assert started[0].startswith(f"structure:{old}:")  # the digest started with it
    assert priorities(store) == {}  # ready: nothing waits at the front any more


def test_a_digest_of_one_document_does_only_its_steps(store: Store, digest_engine: Engine) -> None:
    oil = _added(store, "oil.pdf", OIL)
    forest = _added(store, "forest.pdf", FOREST)
    DigestRunner(store, digest_engine, "high").run()  # everything, the library brief too
    brief = [r for r in digest_steps.step_records(store) if r.kind == "library_brief"]
    assert brief
    add_document(store, "oil.pdf", [*OIL, "A new page about the 1979 oil crisis."])  # changed
    request_documents(store, [oil])
    result = DigestRunner(store, digest_engine, "high", documents={oil}).run()
    assert result.reason == "done" and result.done > 0
    kept = [r for r in digest_steps.step_records(store) if r.kind == "library_brief"]
    assert [r.key for r in kept] == [r.key for r in brief]  # not forgotten by the partial plan
    plan = plan_digest(store, "high", digest_engine.model_id)
    left = {s.kind for s in plan.pending}
    assert left <= {"cross_document", "library_brief"}  # they wait for a whole digest
    assert {s.document_id for s in plan.pending} == {None}
    assert forest not in priorities(store) and oil not in priorities(store)


def test_a_plan_of_some_documents_has_no_other_steps(store: Store, digest_engine: Engine) -> None:
    oil = _added(store, "oil.pdf", OIL)
    _added(store, "forest.pdf", FOREST)
    plan = plan_digest(store, "high", digest_engine.model_id, only={oil})
    assert plan.steps and {s.document_id for s in plan.steps} == {oil}
