"""Settings show the data folder actually in use, and speak of question-time and sleep-time
tokens instead of "the paper" (issue 12, problem 10); the new-documents choice in words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nocturne import paths
from nocturne.settings import BY_NAME, SETTINGS, Settings


def open_dialog(window: Any, qtbot: Any) -> Any:
    dialog = window.open_settings()
    qtbot.waitUntil(lambda: dialog.key_loaded, timeout=5000)
    return dialog


def test_the_data_folder_in_use_is_shown(window: Any, qtbot: Any) -> None:
    dialog = open_dialog(window, qtbot)
    shown = dialog.data_in_use.text()
    assert str(paths.data_dir()) in shown
    assert "NOCTURNE_HOME" in shown  # the tests set it: it overrides the setting, say so
    assert dialog.editors["data_dir"].edit.placeholderText() != "default"
    dialog.reject()


def test_no_paper_and_both_kinds_of_tokens_named() -> None:
    assert not any("paper" in s.description.lower() for s in SETTINGS)
    factor = BY_NAME["question_token_factor"].description
    assert "question-time" in factor and "sleep-time" in factor


def test_new_documents_choice_reads_as_words_and_round_trips(
    window: Any, qtbot: Any, tmp_path: Path
) -> None:
    dialog = open_dialog(window, qtbot)
    combo = dialog.editors["new_documents"]
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "digest right away in the background",
        "only when I'm away or at night",
    ]
    assert combo.currentData() == "background"
    combo.setCurrentIndex(1)
    with qtbot.waitSignal(dialog.applied, timeout=5000):
        dialog.save()
    assert Settings.load().new_documents == "away"
    assert "when you are away" in window.library.welcome.plan.text()
