"""The answer card's savings line says where the answer came from (issue 12, "savings ...
honest about their source"): "Answered from what Nocturne learned" only when a note the digest
kept carried the answer, "Answered from the documents' own sentences" when none did (the same
pipeline answers before any digest), and short lines of their own for instant answers and
abstentions. Before, every learned-route answer had the same words with or without a digest."""

from __future__ import annotations

from typing import Any

from nocturne.answer.plain import LEARNED, OWN_SENTENCES, savings_line
from nocturne.answer.result import Answer, Citation, Savings, SleepShare, Timing
from nocturne.engine.base import Usage
from nocturne.sleeptime.runner import DigestRunner

from fakes.digest_replies import digest_reply
from fakes.engine import FakeEngine

QUESTIONS = ("How much is the monthly rent?", "When is the deposit returned?")


def ask(window: Any, qtbot: Any, question: str, mode: str = "auto") -> dict[str, Any]:
    card = window.ask(question, mode)
    qtbot.waitUntil(lambda: card.record is not None, timeout=10000)
    assert card.savings.text() == card.record["savings_line"]
    assert card.savings.isVisibleTo(window)
    record: dict[str, Any] = card.record
    return record


def digest(window: Any) -> None:
    DigestRunner(window.backend.store(), FakeEngine(responder=digest_reply), "low").run()


def test_before_the_digest_the_documents_own_sentences_after_it_what_nocturne_learned(
    window: Any, qtbot: Any, lease_file: Any
) -> None:
    window.add_paths([str(lease_file)])
    qtbot.waitUntil(lambda: window.library.model.rowCount() == 1, timeout=5000)
    for question in QUESTIONS:
        record = ask(window, qtbot, question)
        assert record["route"] == "learned"
        assert record["savings_line"].startswith(OWN_SENTENCES + ": "), record["savings_line"]
        assert LEARNED not in record["savings_line"]
    digest(window)
    for question in QUESTIONS:
        record = ask(window, qtbot, question)
        assert record["route"] == "learned"
        assert record["savings_line"].startswith(LEARNED + ": "), record["savings_line"]
        assert "spent learning these documents" in record["savings_line"]
    # Reopened later, the conversation shows the words the person saw.
    conversation = window.conversation_id
    window.new_conversation()
    window.open_conversation(conversation)
    qtbot.waitUntil(lambda: len(window.chat.cards) == 4, timeout=5000)
    lines = [card.savings.text() for card in window.chat.cards]
    assert [line.startswith(OWN_SENTENCES) for line in lines] == [True, True, False, False]
    assert all(line.startswith(LEARNED) for line in lines[2:])


def test_instant_answers_and_abstentions_have_short_lines_of_their_own(
    window: Any, qtbot: Any, lease_file: Any
) -> None:
    window.add_paths([str(lease_file)])
    qtbot.waitUntil(lambda: window.library.model.rowCount() == 1, timeout=5000)
    digest(window)
    anticipated = window.backend.store().scalar(
        "SELECT text FROM notes WHERE kind = 'question' AND stale = 0 ORDER BY id LIMIT 1"
    )
    record = ask(window, qtbot, str(anticipated), "instant")
    assert record["route"] == "instant"
    line = record["savings_line"]
    assert line.startswith("Instant answer from what Nocturne learned: no model needed, ")
    assert "·" not in line and "$" not in line, line  # short: no money, no digest share
    record = ask(window, qtbot, "What is the capital of Peru?")
    assert record["savings_line"] == "No answer, so nothing saved."


def answer(
    route: str = "learned", used: int = 160, base: int = 1131, learned: bool = True
) -> Answer:
    return Answer(
        answer="The monthly rent is 1,450 euros.",
        mode="learned",
        citations=[Citation("lease.pdf", 1, 7)],
        usage=Usage(used - 10, 10) if used else Usage(),
        baseline=Usage(base - 20, 20),
        baseline_method="raw-bm25-prompt-tokenized",
        savings=Savings(base - used, base / used if used else 0.0, 0.0009, 0.0011),
        timing=Timing(0.1, 0.2),
        sleep=SleepShare(0, 0.0),
        extra={"quote": "“The monthly rent is 1,450 euros.”"},
        route=route,
        learned_evidence=learned,
    )


def test_the_words_of_the_issue() -> None:
    speed = 3.0 / 1131  # this machine reads the raw prompt in about 3 s
    assert savings_line(answer(), speed).startswith(
        "Answered from what Nocturne learned: 160 tokens instead of 1,131 (7.1× fewer), "
        "0.20 s instead of about 3 s"
    )
    assert savings_line(answer(learned=False), speed).startswith(
        "Answered from the documents' own sentences: 160 tokens instead of 1,131 (7.1× fewer), "
        "0.20 s instead of about 3 s"
    )
    # No reading speed measured yet: no guess at the time a raw reading would take.
    assert "instead of about" not in savings_line(answer(), None)
    assert savings_line(answer("instant", used=0), speed) == (
        "Instant answer from what Nocturne learned: no model needed, 0.20 s instead of about "
        "3 s (reading the documents: 1,131 tokens)."
    )
