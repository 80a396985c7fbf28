"""The chat pane: answer cards (streamed draft, final answer, badges, sources elided to the
card, actions), the question box and the transcript."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QGuiApplication

from nocturne.ui.chat_view import (
    HARDER,
    AnswerCard,
    ChatPane,
    ConfidenceBadge,
    ModeBadge,
    QuestionBubble,
    citation_label,
    citation_links,
    elided_label,
)


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


def test_a_long_question_as_title_elides_instead_of_widening_the_pane(qtbot: Any) -> None:
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


def test_a_source_read_by_ocr_says_so(qtbot: Any) -> None:
    card = AnswerCard("What is the invoice total?")
    qtbot.addWidget(card)
    card.resize(600, 200)
    card.show()
    citation = {"document": "invoice.pdf", "page": 1, "chunk_id": 3, "ocr": True}
    card.finish(record_with([citation], "medium"))
    assert "invoice.pdf, p. 1 (OCR)" in card.sources.toolTip()


def test_citation_labels_name_the_page_the_scan_and_the_section() -> None:
    assert citation_label({"document": "a.pdf", "page": 2}) == "a.pdf, p. 2"
    assert citation_label({"document": "a.pdf", "page": 2, "section": "4.4 Errors"}) == (
        "a.pdf, p. 2 › 4.4 Errors"
    )
    assert citation_label({"document": "scan.pdf", "page": 1, "ocr": True}) == (
        "scan.pdf, p. 1 (OCR)"
    )
    assert citation_label({"document": "notes.txt", "page": None, "section": ""}) == "notes.txt"
    assert citation_label({}) == "?"


def test_a_label_is_not_elided_without_a_width(qtbot: Any) -> None:
    card = AnswerCard("q")
    qtbot.addWidget(card)
    citation = {"document": "espresso-machine-manual.md", "page": 4, "section": "Cleaning"}
    assert elided_label(citation, card.fontMetrics(), 0) == citation_label(citation)


def test_citation_links_number_the_sources_and_escape_their_names() -> None:
    assert citation_links([]) == ""
    links = citation_links([{"document": "a<b>.txt"}, {"document": "c.pdf", "page": 3}])
    assert links.count("<a href=") == 2
    assert 'href="cite:0"' in links and 'href="cite:1"' in links
    assert "a&lt;b&gt;.txt" in links and "a<b>.txt" not in links
    assert "c.pdf, p. 3" in links and "Sources:&nbsp;" in links


def test_the_mode_badge_names_the_mode_or_what_an_abstention_means(qtbot: Any) -> None:
    badge = ModeBadge()
    qtbot.addWidget(badge)
    badge.set_mode("learned")
    assert badge.text() == "LEARNED" and badge.accessibleName() == "Answered in learned mode"
    badge.set_mode("learned", "abstain")
    assert badge.text() == "NOT IN YOUR DOCUMENTS"
    assert badge.accessibleName() == "No answer: not in your documents"
    badge.set_mode("auto", "summary:pending")
    assert badge.text() == "NO SUMMARY YET"


def test_a_confidence_without_a_tip_is_drawn_as_medium(qtbot: Any) -> None:
    badge = ConfidenceBadge()
    qtbot.addWidget(badge)
    assert badge.level == "low" and badge.accessibleName().startswith("Low confidence")
    badge.set_level("unheard-of")
    assert badge.text() == "unheard-of confidence" and badge.toolTip() == ""
    assert "rgb(139,141,152)" in badge.styleSheet()  # the medium colour


def test_a_stopped_card_keeps_what_was_written_and_offers_think_harder(qtbot: Any) -> None:
    card = AnswerCard("How long is the lease?")
    qtbot.addWidget(card)
    card.show()
    card.stopped()
    assert card.thinking.text() == "Stopped"
    assert card.harder_button.isVisible() and not card.copy_button.isVisible()  # nothing to copy
    card.append("The lease runs")
    card.stopped()
    assert card.copy_button.isVisible() and card.copy_button.isEnabled()
    card.copy()
    assert QGuiApplication.clipboard().text() == "The lease runs"


def test_copying_a_draft_leaves_out_the_notes_the_final_answer_may_drop(qtbot: Any) -> None:
    card = AnswerCard("q")
    qtbot.addWidget(card)
    card.append("The tank holds 2 litres\n(not supported by the sources)")
    card.copy()
    assert QGuiApplication.clipboard().text() == "The tank holds 2 litres"


def test_a_failed_card_shows_the_message_and_offers_try_again_not_think_harder(
    qtbot: Any,
) -> None:
    card = AnswerCard("q", "learned")
    qtbot.addWidget(card)
    card.show()
    card.fail("The model file is missing.")
    assert card.body.text() == "The model file is missing."
    assert "#e5484d" in card.body.styleSheet()
    assert not card.thinking.isVisible()
    assert not card.harder_button.isVisible() and not card.harder_button.isEnabled()
    assert card.retry_button.isVisible() and card.retry_button.isEnabled()
    with qtbot.waitSignal(card.try_again, timeout=1000) as asked:
        card.retry_button.click()
    assert asked.args == ["q", "learned"]


def test_only_a_failed_card_offers_try_again(qtbot: Any) -> None:
    card = AnswerCard("q")
    qtbot.addWidget(card)
    card.show()
    assert not card.retry_button.isVisible()
    card.stopped()
    assert not card.retry_button.isVisible()
    card.finish({"answer": "a", "mode": "learned"})
    assert not card.retry_button.isVisible() and card.harder_button.isVisible()


def test_only_a_listed_citation_is_opened(qtbot: Any) -> None:
    card = AnswerCard("q")
    qtbot.addWidget(card)
    opened: list[dict[str, Any]] = []
    card.citation_clicked.connect(opened.append)
    card._open_citation("cite:0")  # no answer yet
    citation = {"document": "lease.txt", "path": "/docs/lease.txt"}
    card.finish({"answer": "a", "mode": "learned", "citations": [citation]})
    for link in ("cite:1", "cite:-1", "https://example.org", "cite:0"):
        card._open_citation(link)
    assert opened == [citation]


def test_digest_now_on_a_card_is_pressed_once(qtbot: Any) -> None:
    card = AnswerCard("Summarize the lease")
    qtbot.addWidget(card)
    card.show()
    card.finish({"answer": "Not yet.", "mode": "learned", "route": "summary:pending"})
    assert card.digest_button.isVisible() and not card.confidence.isVisible()
    with qtbot.waitSignal(card.digest_requested, timeout=1000):
        card.digest_button.click()
    assert card.digest_button.text() == "Digest started" and not card.digest_button.isEnabled()


def test_a_raw_answer_offers_no_think_harder(qtbot: Any) -> None:
    card = AnswerCard("q")
    qtbot.addWidget(card)
    card.show()
    card.finish({"answer": "a", "mode": "raw"})
    assert not card.harder_button.isVisible() and not card.harder_button.isEnabled()
    assert card.copy_button.isVisible() and not card.sources.isVisible()
    assert not card.savings.isVisible()


def pane(qtbot: Any) -> ChatPane:
    made = ChatPane()
    qtbot.addWidget(made)
    made.resize(600, 500)
    made.show()
    return made


def test_ask_sends_the_trimmed_question_with_the_chosen_mode(qtbot: Any) -> None:
    chat = pane(qtbot)
    asked: list[tuple[str, str]] = []
    chat.ask_requested.connect(lambda question, mode: asked.append((question, mode)))
    chat.edit.setPlainText("   ")
    chat.submit()
    assert asked == []
    chat.mode.setCurrentIndex(chat.mode.findData("learned"))
    chat.edit.setPlainText("  What is the rent?\n")
    chat.send.click()
    assert asked == [("What is the rent?", "learned")]
    assert chat.edit.toPlainText() == ""


def test_while_busy_ask_becomes_stop_and_nothing_else_is_asked(qtbot: Any) -> None:
    chat = pane(qtbot)
    asked: list[tuple[str, str]] = []
    stops: list[bool] = []
    chat.ask_requested.connect(lambda question, mode: asked.append((question, mode)))
    chat.stop_requested.connect(lambda: stops.append(True))
    chat.set_busy(True)
    assert chat.send.text() == "Stop" and chat.send.accessibleName() == "Stop answering"
    chat.edit.setPlainText("What is the rent?")
    chat.submit()
    chat._think_harder("What is the rent?")
    chat.send.click()
    assert asked == [] and stops == [True]
    assert chat.edit.toPlainText() == "What is the rent?"  # kept for when the answer is done
    chat.set_busy(False)
    assert chat.send.text() == "Ask"
    chat._think_harder("What is the rent?")
    assert asked == [("What is the rent?", HARDER)]


def test_think_harder_on_a_card_asks_the_same_question_again(qtbot: Any) -> None:
    chat = pane(qtbot)
    asked: list[tuple[str, str]] = []
    chat.ask_requested.connect(lambda question, mode: asked.append((question, mode)))
    card = chat.add_answer("How long is the lease?")
    card.finish({"answer": "Twelve months.", "mode": "learned"})
    card.harder_button.click()
    assert asked == [("How long is the lease?", "harder")]


def test_try_again_on_a_failed_card_asks_the_same_question_in_the_same_mode(qtbot: Any) -> None:
    chat = pane(qtbot)
    asked: list[tuple[str, str]] = []
    chat.ask_requested.connect(lambda question, mode: asked.append((question, mode)))
    card = chat.add_answer("How long is the lease?", HARDER)
    card.fail("The model stopped.")
    chat.set_busy(True)
    card.retry_button.click()
    assert asked == []  # one answer at a time
    chat.set_busy(False)
    card.retry_button.click()
    assert asked == [("How long is the lease?", HARDER)]
    assert chat.add_answer("q").mode == "auto"  # not known (a failure reopened): auto


def test_clear_empties_the_transcript_and_names_it(qtbot: Any) -> None:
    chat = pane(qtbot)
    chat.add_question("How long is the lease?")
    chat.add_answer("How long is the lease?")
    assert len(chat.cards) == 1 and not chat.empty_hint.isVisible()
    chat.clear("Lease questions")
    assert chat.cards == [] and chat.empty_hint.isVisible()
    assert chat.transcript.count() == 3  # the two stretches and the hint
    assert chat.title.full_text == "Lease questions"
    chat.clear("")
    assert chat.title.full_text == "New conversation"


def test_a_question_bubble_fits_the_room_but_never_below_40_px(qtbot: Any) -> None:
    bubble = QuestionBubble("How long does the lease run, and when is the deposit returned?")
    qtbot.addWidget(bubble)
    one_line = bubble.one_line
    bubble.fit(10_000)
    assert bubble.label.minimumWidth() == one_line
    bubble.fit(100)
    assert bubble.label.minimumWidth() == 100
    bubble.fit(-50)
    assert bubble.label.minimumWidth() == 40


NOTE = (
    "Thought harder: searched 12 passages instead of 6, had the model read the best 3 sentences "
    "one by one, chose sentence 3 of 3, which the model's reading favoured and quoted three "
    "sentences of its document."
)


def test_think_harders_note_is_a_line_of_its_own_and_the_badges_stay_pills(qtbot: Any) -> None:
    """The note once sat in the badges' row: they grew into tall boxes, it into a narrow column."""
    card = AnswerCard("What is the rent?", HARDER)
    qtbot.addWidget(card)
    card.resize(640, 300)
    card.show()
    card.finish({**record_with([], "low"), "note": NOTE})
    qtbot.waitUntil(lambda: card.note.isVisible())
    for pill in (card.badge, card.confidence):
        assert pill.height() == pill.sizeHint().height(), "a badge grew taller than its text"
    assert card.note.text() == NOTE and not card.thinking.isVisible()
    assert card.note.width() >= card.contentsRect().width() - 40  # the card's width, not a column
    assert card.note.geometry().top() >= card.badge.geometry().bottom()  # under the badges
    card.finish(record_with([], "low"))  # an answer asked plainly has no note
    assert not card.note.isVisible()
