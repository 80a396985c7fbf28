"""What the window asks of the core, run as plain functions (no Qt): one library connection
per thread, the rows the list shows, adding, asking and the conversations."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from nocturne.schedule.folders import watched_folders
from nocturne.settings import Settings
from nocturne.ui.core_calls import Backend, DocumentRow, display_state

from fakes.engine import FakeEngine

LEASE = "The lease runs for twelve months from 1 March 2025. The monthly rent is 1,450 euros."


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "lease.txt").write_text(LEASE, encoding="utf-8")
    return folder


def test_each_thread_has_its_own_connection_and_close_closes_them_all(
    backend: Backend,
) -> None:
    mine = backend.store()
    assert backend.store() is mine
    theirs: list[Any] = []
    thread = threading.Thread(target=lambda: theirs.append(backend.store()))
    thread.start()
    thread.join()
    assert theirs and theirs[0] is not mine
    backend.close()
    for store in (mine, theirs[0]):
        with pytest.raises(Exception, match="closed"):
            store.documents()


def test_a_ready_document_whose_text_changed_is_shown_stale() -> None:
    assert display_state("ready", 2) == "stale"
    assert display_state("ready", 0) == "ready"
    assert display_state("queued", 2) == "queued"  # not digested yet: nothing to go stale


def test_adding_a_folder_reports_each_file_lists_it_and_watches_the_folder(
    backend: Backend, docs: Path
) -> None:
    reported: list[str] = []
    results = backend.add([docs], lambda result: reported.append(Path(result.path).name))
    assert [r.status for r in results] == ["added"] and reported == ["lease.txt"]
    (row,) = backend.documents()
    assert isinstance(row, DocumentRow)
    assert (row.name, row.kind, row.state, row.error) == ("lease.txt", "text", "queued", None)
    assert row.chunk_count >= 1 and row.token_count > 0
    assert row.progress is None and row.page_problems == ()  # no digest running
    assert watched_folders(backend.store()) == [docs]
    backend.remove(row.id)
    assert backend.documents() == []


def test_only_failures_without_a_row_are_listed_apart(backend: Backend, tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not really a PDF")
    missing = tmp_path / "gone.txt"
    results = backend.add([broken, missing])
    assert [r.status for r in results] == ["error", "error"]
    unlisted = backend.errors_without_rows(results)
    assert [Path(r.path).name for r in unlisted] == ["gone.txt"]  # the PDF has an error row
    assert [r.state for r in backend.documents()] == ["error"]


def test_the_engine_is_loaded_once_and_again_after_the_settings_change(
    settings: Settings,
) -> None:
    made: list[FakeEngine] = []

    def factory(_settings: Settings) -> FakeEngine:
        made.append(FakeEngine())
        return made[-1]

    backend = Backend(settings, engine_factory=factory)
    assert made == []  # nothing loaded before the first question
    first = backend.engine()
    assert backend.engine() is first and len(made) == 1
    backend.reset_engine()
    assert backend.engine() is not first and len(made) == 2


def test_think_harder_asks_in_auto_mode_thinking_harder(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, str, bool]] = []

    def fake_ask(_store: Any, _engine: Any, question: str, _s: Any, mode: str, **kw: Any) -> str:
        asked.append((question, mode, kw["harder"]))
        return "answer"

    monkeypatch.setattr("nocturne.ui.core_calls.ask", fake_ask)
    backend.ask("What is the rent?", "harder", None)
    backend.ask("What is the rent?", "raw", None)
    assert asked == [("What is the rent?", "auto", True), ("What is the rent?", "raw", False)]


def test_an_answer_streams_is_recorded_and_counted_in_the_savings(
    backend: Backend, docs: Path, engine: FakeEngine
) -> None:
    engine.default_reply = "Twelve months."
    backend.add([docs])
    streamed: list[str] = []
    answer = backend.ask("How long does the lease run?", "raw", streamed.append)
    assert "".join(streamed) == "Twelve months." == answer.answer
    conversation = backend.new_conversation()
    backend.record(conversation, "user", "How long does the lease run?")
    line = backend.savings_line(answer)
    assert line.startswith("Read the documents themselves:")
    backend.record(conversation, "assistant", answer.answer, answer, line)
    (listed,) = backend.conversations()
    assert (listed.id, listed.message_count) == (conversation, 2)
    user, assistant = backend.messages(conversation)
    assert (user.role, assistant.role) == ("user", "assistant")
    assert assistant.answer is not None and assistant.answer["savings_line"] == line
    assert backend.savings().answers == 1
    backend.delete_conversation(conversation)
    assert backend.conversations() == []


def test_a_question_in_a_conversation_is_asked_with_the_questions_before_it(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier: list[list[str]] = []

    def fake_ask(*_args: Any, **kw: Any) -> str:
        earlier.append(list(kw["earlier"]))
        return "answer"

    monkeypatch.setattr("nocturne.ui.core_calls.ask", fake_ask)
    chat = backend.new_conversation()
    backend.record(chat, "user", "How much is the rent?")
    backend.record(chat, "assistant", "1,450 euros.")
    backend.record(chat, "user", "And when is it due?")  # recorded before it is asked
    backend.ask("And when is it due?", "auto", None, chat)
    backend.ask("How much is the rent?", "auto", None)  # no conversation: nothing before
    assert earlier == [["How much is the rent?"], []]
    assert backend.earlier_questions(chat, "Is it late on the fifth?") == [
        "How much is the rent?",
        "And when is it due?",
    ]


def test_a_read_only_library_answers_and_keeps_nothing(
    backend: Backend, docs: Path, engine: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nocturne.answer.plain import READ_ONLY_NOTE
    from nocturne.library.store import Store

    engine.default_reply = "Twelve months."
    backend.add([docs])
    monkeypatch.setattr(Store, "can_write", lambda _self: False)
    answer = backend.ask("How long does the lease run?", "raw", None)
    assert answer.answer == "Twelve months."
    assert answer.extra["note"] == READ_ONLY_NOTE
    chat = backend.new_conversation()
    assert chat == 0 and backend.record(chat, "user", "How long does the lease run?") == 0
    assert backend.conversations() == []
    assert backend.savings().answers == 0  # nothing logged
