"""Asking from the window: streaming, citations, savings line, persistence, think harder, stop,
and the conversations opened and deleted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication

from nocturne.errors import KnownError
from nocturne.schedule.questions_in_flight import live_questions
from nocturne.settings import Settings
from nocturne.ui.chat_actions import question_flag
from nocturne.ui.chat_view import AnswerCard
from nocturne.ui.core_calls import Backend
from nocturne.ui.main_window import MainWindow
from nocturne.ui.tray import Tray

from fakes.engine import FakeEngine

ANSWER = "The lease runs for twelve months from 1 March 2025."


def ask_and_wait(window: Any, qtbot: Any, question: str, mode: str = "auto") -> AnswerCard:
    card: AnswerCard = window.ask(question, mode)
    qtbot.waitUntil(lambda: card.record is not None or not window.chat.busy, timeout=10000)
    return card


def test_an_answer_streams_with_citations_and_savings(
    window: Any,
    qtbot: Any,
    backend: Backend,
    lease_file: Path,
    engine: FakeEngine,
    monkeypatch: Any,
) -> None:
    backend.add([lease_file])
    engine.delay_s = 0.002
    deltas: list[str] = []
    original = AnswerCard.append

    def spy(self: AnswerCard, delta: str) -> None:
        deltas.append(delta)
        original(self, delta)

    monkeypatch.setattr(AnswerCard, "append", spy)
    # Raw mode: the fake model writes (and streams) the answer; auto would answer extractively.
    card = ask_and_wait(window, qtbot, "How long does the lease run?", "raw")
    assert card.record is not None, card.body.text()
    assert len(deltas) > 3 and "".join(deltas) == ANSWER  # streamed word by word
    assert card.body.text() == ANSWER
    assert card.badge.text() == "RAW"
    assert "lease.txt" in card.sources.text()
    assert card.savings.text().startswith("Read the documents themselves:")
    assert card.record["savings_line"] == card.savings.text()
    assert window.background.calls[:2] == ["question_started", "question_finished"]
    card.copy()
    assert QGuiApplication.clipboard().text() == ANSWER
    card._open_citation("cite:0")
    assert window.opened == [QUrl.fromLocalFile(str(lease_file))]
    qtbot.waitUntil(lambda: window.savings.answers.value.text() == "1", timeout=5000)


def test_an_error_is_shown_in_the_card(window: Any, qtbot: Any, backend: Backend) -> None:
    card = ask_and_wait(window, qtbot, "   ")
    assert card.record is None
    assert "empty" in card.body.text()
    assert not window.chat.busy


def test_try_again_on_a_failed_answer_asks_again_in_the_same_mode(
    window: Any, qtbot: Any, backend: Backend, lease_file: Path, monkeypatch: Any
) -> None:
    backend.add([lease_file])
    modes: list[str] = []
    original = backend.ask

    def spy(question: str, mode: str, on_text: Any, conversation: int | None = None) -> Any:
        modes.append(mode)
        if len(modes) == 1:
            raise KnownError("The model stopped before it answered.")
        return original(question, mode, on_text, conversation)

    monkeypatch.setattr(backend, "ask", spy)
    failed = ask_and_wait(window, qtbot, "How long does the lease run?", "learned")
    assert failed.record is None and "stopped before" in failed.body.text()
    assert failed.retry_button.isVisibleTo(window) and not failed.harder_button.isVisibleTo(window)
    failed.retry_button.click()
    qtbot.waitUntil(
        lambda: len(window.chat.cards) == 2 and window.chat.cards[1].record is not None,
        timeout=10000,
    )
    assert modes == ["learned", "learned"]
    assert "twelve months" in window.chat.cards[1].body.text()


def test_think_harder_reads_more_passages_not_raw_with_the_bundled_model(
    window: Any,
    qtbot: Any,
    backend: Backend,
    lease_file: Path,
    engine: FakeEngine,
    monkeypatch: Any,
) -> None:
    engine._model_id = "SmolLM2-135M-Instruct.Q4_1.gguf"  # the bundled model's size
    engine._context_size = 2048
    engine.default_reply = "twelve months"
    backend.add([lease_file])
    modes: list[str] = []
    original = backend.ask

    def spy(question: str, mode: str, on_text: Any, conversation: int | None = None) -> Any:
        modes.append(mode)
        return original(question, mode, on_text, conversation)

    monkeypatch.setattr(backend, "ask", spy)
    card = ask_and_wait(window, qtbot, "How long does the lease run?")
    engine.calls.clear()
    card.think_harder.emit(card.question)
    qtbot.waitUntil(
        lambda: len(window.chat.cards) == 2 and window.chat.cards[1].record is not None,
        timeout=10000,
    )
    assert modes == ["auto", "harder"]
    purposes = {c.purpose for c in engine.calls}
    assert purposes == {"answer:harder"}  # the model read passages one by one, never raw pages
    harder = window.chat.cards[1]
    assert harder.record is not None and harder.record["mode"] in ("instant", "learned")
    assert harder.badge.text() != "RAW"
    assert not harder.thinking.isVisibleTo(harder)
    assert harder.note.isVisibleTo(harder) and harder.note.text().startswith("Thought harder:")
    assert harder.record["note"] == harder.note.text()
    assert "twelve months" in harder.body.text()
    # The note is stored with the answer: switching away and back draws it again.
    conversation, note = window.conversation_id, harder.note.text()
    window.new_conversation()
    window.open_conversation(conversation)
    qtbot.waitUntil(lambda: len(window.chat.cards) == 2, timeout=5000)
    reopened = window.chat.cards[1]
    assert reopened.note.isVisibleTo(reopened) and reopened.note.text() == note
    assert not window.chat.cards[0].note.isVisibleTo(window.chat.cards[0])  # asked plainly


def test_conversations_are_persisted_and_reopened(
    window: Any,
    qtbot: Any,
    backend: Backend,
    lease_file: Path,
    settings: Settings,
    engine: FakeEngine,
) -> None:
    backend.add([lease_file])
    ask_and_wait(window, qtbot, "How long does the lease run?", "raw")
    ask_and_wait(window, qtbot, "What is the rent?", "raw")
    conversation = window.conversation_id
    assert conversation is not None
    window.shutdown()

    again = MainWindow(
        Backend(settings, engine_factory=lambda _s: engine), window.background, settings, Tray()
    )
    again.quit_hook = lambda: None
    qtbot.addWidget(again)
    listing = again.conversations.list
    qtbot.waitUntil(lambda: listing.count() == 1, timeout=5000)
    assert listing.item(0).text() == "How long does the lease run?"
    again.open_conversation(conversation)
    qtbot.waitUntil(lambda: len(again.chat.cards) == 2, timeout=5000)
    assert again.chat.cards[0].text == ANSWER
    assert again.chat.cards[1].badge.text() == "RAW"
    qtbot.waitUntil(lambda: again.savings.answers.value.text() == "2", timeout=5000)
    again.new_conversation()
    assert not again.chat.cards and again.conversation_id is None
    again.shutdown()


def test_stop_ends_a_streaming_answer(
    window: Any, qtbot: Any, backend: Backend, lease_file: Path, engine: FakeEngine
) -> None:
    backend.add([lease_file])
    engine.default_reply = " ".join(["word"] * 60)
    engine.delay_s = 0.05
    card = window.ask("How long does the lease run?", "raw")
    assert window.chat.send.text() == "Stop"
    qtbot.waitUntil(lambda: card.text != "", timeout=10000)
    window.chat.send.click()
    qtbot.waitUntil(lambda: not window.chat.busy, timeout=10000)
    assert card.record is None and card.thinking.text() == "Stopped"
    assert 0 < len(card.text.split()) < 60
    assert window.chat.send.text() == "Ask"
    messages = backend.messages(window.conversation_id)
    assert [m.role for m in messages] == ["user", "error"]


GUIDE = """# Widget guide

## 1 Introduction

The widget is a small tool for sorting bolts.

## 2 Setup

Install the widget by running the setup script. The setup script needs about 40 megabytes of disk
space.
"""


def test_the_answer_card_shows_the_section_of_each_source(
    window: Any, qtbot: Any, backend: Backend, tmp_path: Path
) -> None:
    guide = tmp_path / "guide.md"
    guide.write_text(GUIDE, encoding="utf-8")
    backend.add([guide])
    card = ask_and_wait(window, qtbot, "How much disk space does the setup script need?")
    assert card.record is not None, card.body.text()
    assert card.record["citations"][0]["section"] == "2 Setup"
    assert "guide.md › 2 Setup" in card.sources.text()
    assert "guide.md › 2 Setup" in card.sources.toolTip()
    assert card.confidence.text() == f"{card.record['confidence']} confidence"


def test_a_streamed_learned_answer_ends_as_exactly_the_final_text(
    window: Any,
    qtbot: Any,
    backend: Backend,
    lease_file: Path,
    engine: FakeEngine,
    monkeypatch: Any,
) -> None:
    """Through the real pipeline with a fake model whose phrase the sources do not support."""
    backend.add([lease_file])
    engine.default_reply = "purple bananas on Tuesdays"
    engine.delay_s = 0.002
    shown: list[str] = []
    original = AnswerCard.append

    def spy(self: AnswerCard, delta: str) -> None:
        original(self, delta)
        shown.append(self.body.text())

    monkeypatch.setattr(AnswerCard, "append", spy)
    card = ask_and_wait(window, qtbot, "How long does the lease run?", "learned")
    assert card.record is not None, card.body.text()
    assert shown, "nothing streamed"
    assert all("not supported" not in text for text in shown), shown
    assert card.body.text() == card.record["answer"]
    assert "purple" not in card.body.text()


def test_copy_and_think_harder_wait_for_the_answer(
    window: Any, qtbot: Any, backend: Backend, lease_file: Path, engine: FakeEngine
) -> None:
    backend.add([lease_file])
    engine.delay_s = 0.05
    card = window.ask("How long does the lease run?", "raw")
    qtbot.waitUntil(lambda: card.text != "", timeout=10000)
    assert card.record is None
    assert not card.copy_button.isVisible() and not card.harder_button.isVisible()
    qtbot.waitUntil(lambda: card.record is not None, timeout=10000)
    assert card.copy_button.isVisible()
    assert not card.harder_button.isVisible()  # raw already: nothing harder to think


def test_an_abstention_is_badged_and_saves_nothing_in_plain_words(
    window: Any, qtbot: Any, backend: Backend, lease_file: Path
) -> None:
    backend.add([lease_file])
    card = ask_and_wait(window, qtbot, "What is the Wi-Fi password?")
    assert card.record is not None and card.record["abstained"], card.body.text()
    assert card.record["route"] == "abstain"
    assert card.badge.text() == "NOT IN YOUR DOCUMENTS"
    assert not card.confidence.isVisible()
    assert card.savings.text() == "No answer, so nothing saved."
    card.finish(card.record | {"mode": "instant"})  # forced instant mode found no match
    assert card.badge.text() == "NO ANSWER"


def test_a_summary_waiting_for_the_digest_offers_digest_now(
    window: Any, qtbot: Any, backend: Backend, lease_file: Path
) -> None:
    backend.add([lease_file])
    card = ask_and_wait(window, qtbot, "Summarize the lease")
    assert card.record is not None, card.body.text()
    assert card.record["route"] == "summary:pending"
    assert card.badge.text() == "NO SUMMARY YET" and not card.confidence.isVisible()
    assert card.digest_button.isVisible()
    window.background.calls.clear()
    card.digest_button.click()
    qtbot.waitUntil(lambda: "digest_now" in window.background.calls, timeout=5000)
    assert not card.digest_button.isEnabled()
    other = ask_and_wait(window, qtbot, "How long does the lease run?")
    assert not other.digest_button.isVisible()


def test_the_card_says_how_raw_and_harder_answers_read_before_they_come(
    window: Any, qtbot: Any, backend: Backend, lease_file: Path
) -> None:
    backend.add([lease_file])
    raw = window.ask("How long does the lease run?", "raw")
    assert raw.thinking.text() == "Reading the documents themselves (raw mode)…"
    assert window.chat.title.full_text == "How long does the lease run?"
    qtbot.waitUntil(lambda: not window.chat.busy, timeout=10000)
    harder = window.ask("What is the rent?", "harder")
    assert harder.thinking.text() == "Thinking harder: reading more passages one by one…"
    assert window.chat.title.full_text == "How long does the lease run?"  # the first question
    qtbot.waitUntil(lambda: not window.chat.busy, timeout=10000)


def test_a_daemons_digest_is_told_while_the_question_is_answered(
    window: Any, qtbot: Any, backend: Backend, lease_file: Path, engine: FakeEngine
) -> None:
    backend.add([lease_file])
    in_flight: list[int] = []

    def responder(_messages: Any, _options: Any) -> str:
        in_flight.append(live_questions())
        return ANSWER

    engine.responder = responder
    card = ask_and_wait(window, qtbot, "How long does the lease run?", "raw")
    assert card.record is not None, card.body.text()
    assert in_flight == [1]  # the flag file the daemon watches, while the model wrote
    assert live_questions() == 0


def test_the_question_flag_is_removed_when_answering_fails() -> None:
    with pytest.raises(RuntimeError), question_flag():
        assert live_questions() == 1
        raise RuntimeError("the model crashed")
    assert live_questions() == 0


def test_a_failed_answer_is_kept_in_the_conversation_as_an_error(
    window: Any, qtbot: Any, backend: Backend
) -> None:
    card = ask_and_wait(window, qtbot, "   ")
    assert card.record is None
    qtbot.waitUntil(lambda: window.conversation_id is not None, timeout=5000)
    roles = [m.role for m in backend.messages(window.conversation_id)]
    assert roles == ["user", "error"]
    conversation = window.conversation_id
    window.new_conversation()
    window.open_conversation(conversation)
    qtbot.waitUntil(lambda: len(window.chat.cards) == 1, timeout=5000)
    assert "empty" in window.chat.cards[0].body.text()  # reopened as the failure it was


def test_stop_without_an_answer_in_flight_does_nothing(window: Any) -> None:
    assert window.stop_event is None
    window.stop_answer()
    assert window.stop_event is None and not window.chat.busy


def conversation_with(backend: Backend, question: str) -> int:
    conversation = backend.new_conversation()
    backend.record(conversation, "user", question)
    return conversation


def test_deleting_the_open_conversation_starts_a_new_one(
    window: Any, qtbot: Any, backend: Backend
) -> None:
    first = conversation_with(backend, "How long does the lease run?")
    second = conversation_with(backend, "What is the rent?")
    window.open_conversation(first)
    qtbot.waitUntil(lambda: window.conversation_id == first, timeout=5000)
    window.delete_conversation(second)  # another one: the open one stays
    qtbot.waitUntil(lambda: [c.id for c in backend.conversations()] == [first], timeout=5000)
    qtbot.waitUntil(lambda: window.conversations.list.count() == 1, timeout=5000)
    assert window.conversation_id == first
    window.delete_conversation(first)
    qtbot.waitUntil(lambda: window.conversation_id is None, timeout=5000)
    assert window.chat.title.full_text == "New conversation"
    qtbot.waitUntil(lambda: window.conversations.list.count() == 0, timeout=5000)
    assert backend.conversations() == []


def test_a_follow_up_in_the_conversation_is_read_with_the_question_before(
    window: Any, qtbot: Any, backend: Backend, lease_file: Path
) -> None:
    backend.add([lease_file])
    first = ask_and_wait(window, qtbot, "How long does the lease run?")
    assert first.record is not None and first.follows.isHidden()
    second = ask_and_wait(window, qtbot, "And when does it start?")
    assert second.record is not None
    assert second.record["follows"] == "How long does the lease run?"
    assert second.follows.text() == "Read with your question “How long does the lease run?”"
    assert not second.follows.isHidden()
