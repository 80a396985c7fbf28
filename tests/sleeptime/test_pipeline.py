"""The digest pipeline end to end with the FakeEngine: notes, provenance, budgets, stopping."""

from __future__ import annotations

from collections.abc import Callable

from nocturne.engine.base import GenerationOptions, Message
from nocturne.library.store import Store
from nocturne.sleeptime.runner import DigestResult, DigestRunner
from nocturne.sleeptime.support import is_supported

from fakes.engine import FakeEngine

Library = Callable[[], dict[str, int]]


def run(store: Store, engine: FakeEngine, budget: str = "low") -> DigestResult:
    return DigestRunner(store, engine, budget).run()


def test_low_budget_makes_supported_facts_and_questions_with_pages(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    docs = library()
    result = run(store, digest_engine)
    assert result.reason == "done"
    rows = store.query(
        "SELECT n.*, c.page AS chunk_page, c.text AS chunk_text, c.document_id AS chunk_doc "
        "FROM notes n JOIN note_sources s ON s.note_id = n.id JOIN chunks c ON c.id = s.chunk_id"
    )
    kinds = {row["kind"] for row in rows}
    structure = {"definition", "reference", "outline"}  # the extractive structure step's
    assert {"fact", "question"} <= kinds <= {"fact", "question"} | structure
    for row in rows:
        assert row["page"] == row["chunk_page"] and row["page"] is not None
        assert row["document_id"] == row["chunk_doc"]
        checked = row["answer"] if row["kind"] == "question" else row["text"]
        assert checked in row["chunk_text"]  # extracted, never generated
        assert is_supported(checked, [row["chunk_text"]])
    facts = [r["text"] for r in rows if r["kind"] == "fact"]
    assert any("20% of American gasoline stations" in f for f in facts)
    page_of = {r["text"]: r["page"] for r in rows if r["kind"] == "fact"}
    assert (
        page_of[
            "Fuel economy standards were introduced in 1975 and cars must reach 27.5 "
            "miles per gallon by 1985."
        ]
        == 3
    )
    questions = [r for r in rows if r["kind"] == "question"]
    assert questions and all(q["text"].endswith("?") for q in questions)
    assert {r["document_id"] for r in rows} == set(docs.values())
    # every model call is logged under a digest purpose
    purposes = {c.purpose for c in digest_engine.calls}
    assert purposes == {"digest:questions"}
    assert store.scalar("SELECT COUNT(*) FROM model_calls WHERE purpose = 'digest:questions'") == (
        len(digest_engine.calls)
    )
    states = {row.state for row in store.documents()}
    assert states == {"ready"}


def test_invented_questions_are_dropped_and_counted(store: Store, library: Library) -> None:
    library()
    engine = FakeEngine(default_reply="What is the answer to this question?")
    run(store, engine)
    assert (
        store.scalar(
            "SELECT COUNT(*) FROM notes WHERE kind = 'question' "
            "AND prompt_version LIKE 'question:model%'"
        )
        == 0
    )
    assert store.scalar("SELECT SUM(dropped) FROM digest_steps") > 0
    assert store.scalar("SELECT COUNT(*) FROM notes WHERE kind = 'fact'") > 0


def test_overlapping_chunks_do_not_repeat_facts(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    library()
    run(store, digest_engine)
    texts = [r["text"] for r in store.query("SELECT text FROM notes WHERE kind = 'fact'")]
    assert len(texts) == len(set(texts))
    questions = [r["text"] for r in store.query("SELECT text FROM notes WHERE kind='question'")]
    assert len(questions) == len(set(questions))


def test_rerun_does_nothing_and_each_step_is_one_row(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    library()
    first = run(store, digest_engine, "high")
    notes = store.scalar("SELECT COUNT(*) FROM notes")
    calls = len(digest_engine.calls)
    second = run(store, digest_engine, "high")
    assert second.total == 0 and second.already_done == first.done
    assert store.scalar("SELECT COUNT(*) FROM notes") == notes
    assert len(digest_engine.calls) == calls
    assert store.scalar("SELECT COUNT(*) FROM notes WHERE step_id IS NULL") == 0


def test_budgets_add_summaries_then_library_notes(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    docs = library()

    def kinds() -> set[str]:
        return {r["kind"] for r in store.query("SELECT DISTINCT kind FROM notes")}

    run(store, digest_engine, "low")
    assert kinds() == {"fact", "question"}
    run(store, digest_engine, "medium")
    assert {"section_summary", "document_summary"} <= kinds()
    assert "library_brief" not in kinds()
    run(store, digest_engine, "high")
    assert {"cross_document", "library_brief"} <= kinds()
    summary = store.query(
        "SELECT * FROM notes WHERE kind = 'document_summary' AND document_id = ?", (docs["oil"],)
    )
    assert len(summary) == 1
    assert summary[0]["text"].startswith("The 1973 oil crisis began in October 1973")
    assert summary[0]["prompt_version"] == "summary:extract-v1"  # the fake only echoes
    brief = store.query("SELECT * FROM notes WHERE kind = 'library_brief'")
    assert len(brief) == 1 and brief[0]["document_id"] is None
    assert "2 documents" in brief[0]["text"]
    cross = store.query("SELECT * FROM notes WHERE kind = 'cross_document'")
    assert len(cross) == 1 and "oil" in cross[0]["text"]
    sourced_docs = {
        r["document_id"]
        for r in store.query(
            "SELECT c.document_id FROM note_sources s JOIN chunks c ON c.id = s.chunk_id "
            "WHERE s.note_id = ?",
            (cross[0]["id"],),
        )
    }
    assert sourced_docs == set(docs.values())


def test_supported_model_summary_is_kept_and_labelled(store: Store, library: Library) -> None:
    docs = library()

    def responder(messages: list[Message], options: GenerationOptions) -> str:
        if "Summarize this text about Oil crisis" in messages[-1]["content"]:
            return (
                "The oil embargo ended in March 1974 and fuel economy standards were "
                "introduced in 1975."
            )
        return "What?"

    run(store, FakeEngine(responder=responder), "medium")
    row = store.query(
        "SELECT * FROM notes WHERE kind = 'document_summary' AND document_id = ?", (docs["oil"],)
    )[0]
    assert row["text"].startswith("The oil embargo ended in March 1974")
    assert row["prompt_version"] == "summary:model-v1+summary:extract-v1"
    assert row["model_id"] == "fake-model"
