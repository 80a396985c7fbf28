"""Layouts hold at 1000×700 and at the window's minimum size (issue 12, problem 7): answer cards
and question bubbles reflow to the transcript's width instead of being clipped on the right,
the savings tiles keep their captions whole, the digest's status line takes a shorter form
instead of being cut, and the window enforces its minimum size."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from nocturne.ui.background_digest import DigestSnapshot
from nocturne.ui.main_window import MINIMUM_SIZE
from nocturne.ui.savings_data import SavingsPoint, SavingsSummary

LONG_QUESTION = (
    "How long does the descaling program take, and what should I do if the machine shows the "
    "red descaling light after the program has finished running completely?"
)
RECORD = {
    "answer": "The descaling program takes about 25 minutes; rinse the tank twice afterwards "
    "and run one more program if the light stays on.",
    "mode": "learned",
    "confidence": "medium",
    "citations": [
        {
            "document": "espresso-machine-manual-with-a-very-long-file-name.md",
            "path": "/docs/espresso.md",
            "page": None,
            "section": "Cleaning and descaling › What to do when the descaling light stays on",
        }
    ],
    "savings_line": "Quoted from your documents: no model needed (reading the documents: 1,141 "
    "tokens) · $0.00053 instead of $0.0029 · first words after 0.08 s.",
}


def fill(window: Any) -> None:
    for question in ("What is the yearly fee for a garden plot?", LONG_QUESTION) * 3:
        window.chat.add_question(question)
        window.chat.add_answer(question).finish(dict(RECORD))
    window.savings.set_summary(
        SavingsSummary(
            points=[SavingsPoint(f"t{i}", "learned", 160, 1131, 971, 0.0, 0.2) for i in range(8)]
        )
    )


def settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def assert_nothing_clipped(window: Any) -> None:
    viewport = window.chat.scroll_area.viewport()
    body = window.chat.scroll_area.widget()
    assert body.width() <= viewport.width(), "the transcript is wider than what shows of it"
    for card in window.chat.cards:
        right = card.mapTo(body, card.rect().topRight()).x()
        assert right <= viewport.width(), "an answer card runs past the right edge"
        assert card.harder_button.isVisibleTo(window)
        assert card.harder_button.mapTo(body, card.harder_button.rect().topRight()).x() <= (
            viewport.width()
        )
    for stat in (window.savings.ratio, window.savings.money, window.savings.sleep):
        caption = stat.caption
        assert caption.height() >= caption.heightForWidth(caption.width()) - 1, (
            f"the caption {caption.text()!r} is cut"
        )


@pytest.mark.parametrize("size", [(1000, 700), MINIMUM_SIZE])
def test_a_long_conversation_reflows(window: Any, size: tuple[int, int]) -> None:
    fill(window)
    window.resize(*size)
    settle()
    assert (window.width(), window.height()) == size
    assert_nothing_clipped(window)


def test_the_window_enforces_its_minimum_size(window: Any) -> None:
    fill(window)
    window.resize(600, 400)
    settle()
    assert (window.width(), window.height()) == MINIMUM_SIZE
    assert window.minimumSizeHint().width() <= MINIMUM_SIZE[0]
    assert window.chat.width() >= window.chat.minimumWidth()
    assert_nothing_clipped(window)


WAITING = DigestSnapshot(
    "idle",
    24,
    41,
    detail="summaries and deeper notes wait until you are away for 10 min (idle 31 s) or "
    "tonight at 01:00",
    horizon="about 9 hours of digest left: about 2 nights at this pace (01:00–06:00); the "
    "remote server would take about 2 hours",
    horizon_brief="about 9 hours left, 2 nights",
)


@pytest.mark.parametrize("size", [(1400, 900), (1000, 700), MINIMUM_SIZE])
def test_the_digest_status_takes_a_shorter_form_not_a_cut_one(
    window: Any, qtbot: Any, background: Any, lease_file: Path, size: tuple[int, int]
) -> None:
    window.add_paths([str(lease_file)])
    qtbot.waitUntil(lambda: len(window.library.model.rows) == 1, timeout=10000)
    background.current = WAITING  # what the window's poll shows
    label = window.digest_status.label
    qtbot.waitUntil(lambda: "24/41" in label.full_text(), timeout=5000)
    window.resize(*size)
    settle()
    shown, full = label.text(), label.full_text()
    assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width()
    assert not shown.endswith("…"), shown  # a whole form, not one cut off
    assert "24/41 steps" in shown and "about 9 hours" in shown  # the horizon stays readable
    assert label.toolTip() in ("", full) and (label.toolTip() == full) is (shown != full)
    if size == (1000, 700):
        assert shown != full and label.toolTip() == full


@pytest.mark.parametrize("size", [(1400, 900), (1000, 700), MINIMUM_SIZE])
def test_the_welcome_words_are_whole_and_apart(window: Any, size: tuple[int, int]) -> None:
    """At 1000×700 the welcome's first paragraph overlapped its title and the second ended at
    "…or tonight from": the labels got less height than their wrapped words."""
    window.resize(*size)
    settle()
    welcome = window.library.welcome
    assert window.library.is_welcome and welcome.plan.isVisible()
    shown = [w for w in welcome.findChildren(QLabel) if w.isVisible() and w.text()]
    assert len(shown) >= 4  # title, what Nocturne does, the plan, the drag hint
    for label in shown:
        if label.wordWrap():
            assert label.height() >= label.heightForWidth(label.width()), label.text()
        else:
            assert label.height() >= label.sizeHint().height(), label.text()
            assert label.width() >= label.fontMetrics().horizontalAdvance(label.text())
    ordered = sorted([*shown, welcome.add_button, welcome.samples_button], key=lambda w: w.y())
    for above, below in pairwise(ordered):
        assert above.geometry().bottom() < below.geometry().top(), "two of them overlap"
    # All of it is seen, or it scrolls: nothing is cut off below the buttons.
    seen = welcome.scroll_area.viewport().height()
    bar = welcome.scroll_area.verticalScrollBar()
    assert welcome.body.height() <= seen or bar.maximum() > 0
    if size == (1400, 900):
        assert welcome.mark.isVisible() and bar.maximum() == 0  # room for all, the mark too
