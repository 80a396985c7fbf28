"""Asking from the window: streaming, citations, savings line, persistence, think harder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication

from nocturne.settings import Settings
from nocturne.ui.chat_view import AnswerCard, elided_label
from nocturne.ui.core_calls import Backend
from nocturne.ui.main_window import MainWindow, citation_url
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

    def spy(question: str, mode: str, on_text: Any) -> Any:
        modes.append(mode)
        return original(question, mode, on_text)

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
    assert harder.thinking.isVisibleTo(harder) and harder.thinking.text().startswith(
        "Thought harder:"
    )
    assert "twelve months" in harder.body.text()


def test_citations_open_pdfs_at_their_page() -> None:
    url = citation_url({"document": "lease.pdf", "page": 3, "path": "/docs/lease.pdf"})
    assert url.isLocalFile() and url.toLocalFile() == "/docs/lease.pdf"
    assert url.fragment() == "page=3"
    assert citation_url({"page": 3, "path": "/docs/notes.txt"}).fragment() == ""


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


def record_with(citations: list[dict[str, Any]], confidence: str) -> dict[str, Any]:
    return {
        "answer": "About 40 megabytes.",
        "mode": "learned",
        "citations": citations,
        "savings_line": "learned: 55 tokens instead of 148",
        "confidence": confidence,
    }


def test_a_low_confidence_answer_says_it_is_a_best_guess(qtbot: Any) -> None:
    card = AnswerCard("How much disk space?")
    qtbot.addWidget(card)
    card.resize(500, 200)
    card.show()
    citation = {"document": "guide.md", "page": None, "chunk_id": 1, "section": "2 Setup"}
    card.finish(record_with([citation], "low"))
    assert card.confidence.isVisible()
    assert card.confidence.text() == "best guess — check the source"
    card.finish(record_with([citation], "high"))
    assert card.confidence.text() == "high confidence"


def test_long_source_labels_are_elided_with_the_full_label_in_the_tooltip(qtbot: Any) -> None:
    section = "4.4 Error handling when the remote server refuses the connection " * 3
    citation = {"document": "manual.pdf", "page": 22, "chunk_id": 7, "section": section.strip()}
    card = AnswerCard("What happens on errors?")
    qtbot.addWidget(card)
    card.resize(420, 200)
    card.show()
    card.finish(record_with([citation, {"document": "notes.txt", "page": None}], "medium"))
    qtbot.waitUntil(lambda: card.sources.width() < 420)
    shown = card.sources.text()
    assert "manual.pdf, p. 22 › 4.4 Error handling" in shown and "…" in shown
    assert card.sources.sizeHint().width() <= card.width()  # the card is not widened
    assert card.sources.toolTip().splitlines() == [
        f"manual.pdf, p. 22 › {section.strip()}",
        "notes.txt",
    ]
    card.resize(4000, 200)
    qtbot.waitUntil(lambda: "…" not in card.sources.text())


def test_a_long_file_name_and_its_section_share_a_narrow_line(qtbot: Any) -> None:
    card = AnswerCard("q")
    qtbot.addWidget(card)
    metrics = card.sources.fontMetrics()
    citation = {
        "document": "espresso-machine-manual.md",
        "page": 4,
        "section": "Cleaning and descaling",
    }
    width = metrics.horizontalAdvance("espresso-machine-manual.md, p. 4 › Cleaning") - 20
    shown = elided_label(citation, metrics, width)
    assert metrics.horizontalAdvance(shown) <= width
    document, section = shown.split(" › ")
    assert document.startswith("espres") and document.endswith(".md, p. 4")
    assert "…" in document and section.startswith("Clean")
    assert elided_label(citation, metrics, 10_000) == (
        "espresso-machine-manual.md, p. 4 › Cleaning and descaling"
    )
    no_section = {"document": "espresso-machine-manual.md", "page": 4}
    assert elided_label(no_section, metrics, width // 2).endswith(".md, p. 4")


def test_the_final_answer_replaces_what_streamed_without_its_notes(qtbot: Any) -> None:
    """A phrase the final answer drops, and the core's note about it, never outlive the stream."""
    card = AnswerCard("How much does the water tank hold?")
    qtbot.addWidget(card)
    card.resize(500, 200)
    card.show()
    assert card.thinking.text() == "Thinking…"
    assert not card.copy_button.isVisible() and not card.harder_button.isVisible()
    shown: list[str] = []
    for delta in ("The tank", " holds 2 litres", "\n(not supported by the sources; the best "):
        card.append(delta)
        shown.append(card.body.text())
    card.append("passage says:) “The water tank holds 1.8 litres.”")
    shown.append(card.body.text())
    assert shown[:2] == ["The tank", "The tank holds 2 litres"]
    assert all("not supported" not in text and "(" not in text for text in shown), shown
    assert "placeholder" in card.body.styleSheet()  # a draft, muted until the answer is final
    assert not card.copy_button.isVisible() and not card.harder_button.isVisible()
    final = "“The water tank holds 1.8 litres.”"
    card.finish(record_with([], "medium") | {"answer": final})
    assert card.body.text() == final and card.text == final
    assert card.body.styleSheet() == ""
    assert card.copy_button.isVisible() and card.harder_button.isVisible()


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


def test_every_answer_shows_its_confidence(qtbot: Any) -> None:
    card = AnswerCard("How much disk space?")
    qtbot.addWidget(card)
    card.show()
    for level, text in (
        ("high", "high confidence"),
        ("medium", "medium confidence"),
        ("low", "best guess — check the source"),
    ):
        card.finish(record_with([], level))
        assert card.confidence.isVisible() and card.confidence.text() == text


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


def test_a_long_question_as_title_elides_instead_of_widening_the_pane(qtbot: Any) -> None:
    from nocturne.ui.chat_view import ChatPane

    pane = ChatPane()
    qtbot.addWidget(pane)
    pane.resize(500, 400)
    pane.show()
    narrow = pane.minimumSizeHint().width()
    long_title = "Compare the espresso machine manual and the community garden handbook " * 2
    pane.title.setText(long_title)
    assert pane.minimumSizeHint().width() == narrow
    assert pane.title.toolTip() == long_title
    assert pane.title.text().endswith("…") and pane.title.full_text == long_title


def test_a_long_conversation_title_is_elided_in_the_list_not_scrolled(qtbot: Any) -> None:
    from nocturne.ui.conversation_list import ConversationList
    from nocturne.ui.conversations import Conversation

    listing = ConversationList()
    qtbot.addWidget(listing)
    listing.resize(240, 300)
    listing.show()
    title = "Compare the espresso machine manual and the community garden handbook"
    listing.set_conversations([Conversation(1, title, "2026-12-01T22:00:00Z", 2)], 1)
    qtbot.wait(50)
    view = listing.list
    assert view.visualItemRect(view.item(0)).width() <= view.viewport().width()
    assert not view.horizontalScrollBar().isVisible()
    assert view.item(0).toolTip().startswith(title)


def test_a_source_read_by_ocr_says_so(qtbot: Any) -> None:
    card = AnswerCard("What is the invoice total?")
    qtbot.addWidget(card)
    card.resize(600, 200)
    card.show()
    citation = {"document": "invoice.pdf", "page": 1, "chunk_id": 3, "ocr": True}
    card.finish(record_with([citation], "medium"))
    assert "invoice.pdf, p. 1 (OCR)" in card.sources.toolTip()
