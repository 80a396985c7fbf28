"""The digest's sentence in the status bar, and its progress bar and buttons."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from nocturne.ui.background_digest import DigestSnapshot, format_eta
from nocturne.ui.digest_status_bar import (
    DigestStatus,
    ElidedLabel,
    describe,
    describe_forms,
    elide_at_a_word,
    first_clause,
    plural,
    without_asides,
)


def test_never_everything_digested_for_an_empty_library() -> None:
    for snapshot in (
        DigestSnapshot("done"),
        DigestSnapshot("idle", detail="everything is digested"),
    ):
        text = describe(snapshot, documents=0)
        assert "everything" not in text.lower()
        assert text.startswith("No documents yet")


def test_documents_in_error_are_not_everything() -> None:
    text = describe(DigestSnapshot("done", 12, 12), documents=4, errors=2)
    assert text == "2 documents digested · 2 could not be read (see the library)"
    assert "everything" not in text.lower()
    assert describe(DigestSnapshot("done"), documents=1) == "The document is digested"
    assert describe(DigestSnapshot("idle", 5, 5), documents=3) == "All 3 documents are digested"
    only_broken = describe(DigestSnapshot("done"), documents=1, errors=1)
    assert only_broken.startswith("1 document could not be read")


def test_plurals() -> None:
    assert plural(1, "passage") == "1 passage"
    assert plural(2, "passage") == "2 passages"
    assert describe(DigestSnapshot("digesting", 0, 1), documents=1) == "Digesting · 0/1 step"


def test_waiting_reasons_read_as_sentences() -> None:
    reason = "new documents are read as soon as the computer is quiet; the computer is busy"
    assert describe(DigestSnapshot("idle", 0, 18, detail=reason), documents=4) == (
        "New documents are read as soon as the computer is quiet; the computer is busy · 0/18 steps"
    )


def test_overdue_steps_say_so_instead_of_a_wrong_eta() -> None:
    text = describe(DigestSnapshot("digesting", 17, 18, None, "lease.pdf", overdue=True), 4)
    assert text == "Digesting · lease.pdf · 17/18 steps · taking longer than estimated"


def test_the_status_label_never_widens_the_window(window: Any) -> None:
    long_reason = "new documents are read as soon as the computer is quiet; " + "busy " * 80
    window.digest_status.show_snapshot(DigestSnapshot("idle", 0, 18, detail=long_reason), 4)
    label = window.digest_status.label
    assert label.minimumSizeHint().width() < 200
    assert window.minimumSizeHint().width() <= 1000
    assert label.full_text().endswith("0/18 steps")
    assert label.toolTip() == label.full_text()  # cut on screen, whole on hover


def test_status_texts() -> None:
    assert describe(DigestSnapshot("idle", 2, 10)).startswith("Digest waiting: an idle moment")
    assert describe(DigestSnapshot("idle", 2, 10, detail="on battery")) == (
        "Digest waiting: on battery · 2/10 steps"
    )
    assert describe(DigestSnapshot("done"), 4) == "All 4 documents are digested"
    assert format_eta(30) == "about 30 s left"
    assert format_eta(3 * 3600 + 5 * 60) == "about 3 h 05 min left"
    assert format_eta(None) == ""


def test_a_finish_without_the_librarys_counts_says_only_that() -> None:
    assert describe(DigestSnapshot("done", 4, 4)) == "Digest finished"
    assert describe(DigestSnapshot("done"), 5, 0, ready=9) == "All 5 documents are digested"


def test_plural_takes_an_irregular_form_and_thousands_separators() -> None:
    assert plural(2, "library", "libraries") == "2 libraries"
    assert plural(1, "library", "libraries") == "1 library"
    assert plural(12_500, "step") == "12,500 steps"
    assert plural(0, "document") == "0 documents"


def test_a_paused_digest_says_until_when_with_its_steps_and_horizon() -> None:
    until = datetime.now().astimezone().replace(hour=23, minute=59, second=0, microsecond=0)
    horizon = "about 6 hours of digest left: about 2 nights at this pace"
    snapshot = DigestSnapshot("paused", 2, 10, paused_until=until, horizon=horizon)
    assert describe(snapshot) == f"Digest paused until 23:59 · 2/10 steps · {horizon}"
    assert describe(DigestSnapshot("paused")) == "Digest paused"
    tomorrow = (until + timedelta(days=1)).replace(hour=0, minute=0)
    assert describe(DigestSnapshot("paused", paused_until=tomorrow)) == (
        "Digest paused until tomorrow"
    )


def test_waiting_shows_the_horizon_and_an_idle_digest_its_reason() -> None:
    waiting = DigestSnapshot("idle", 3, 9, detail="on battery", horizon="done by about 02:10")
    assert describe(waiting, 2) == "Digest waiting: on battery · 3/9 steps · done by about 02:10"
    assert describe(DigestSnapshot("idle"), 2) == "Digest idle"
    assert describe(DigestSnapshot("idle", detail="no model file"), 2) == (
        "Digest idle: no model file"
    )
    assert describe(DigestSnapshot("unavailable", detail="no model file")) == (
        "Digest unavailable: no model file"
    )


def test_a_running_digest_names_the_document_the_steps_and_the_time_left() -> None:
    snapshot = DigestSnapshot("digesting", 3, 12, 125.0, "lease.pdf")
    assert describe(snapshot, 4) == "Digesting · lease.pdf · 3/12 steps · about 2 min left"
    assert describe(DigestSnapshot("digesting")) == "Digesting"


def test_an_error_is_said_whatever_the_library_holds() -> None:
    snapshot = DigestSnapshot("error", detail="the model file is missing")
    assert describe(snapshot, documents=0) == "Digest failed: the model file is missing"


def bar(qtbot: Any) -> DigestStatus:
    made = DigestStatus()
    qtbot.addWidget(made)
    made.resize(900, 30)
    made.show()
    return made


def test_the_progress_bar_shows_while_running_or_paused_with_steps_to_count(qtbot: Any) -> None:
    status = bar(qtbot)
    assert not status.progress.isVisible()
    status.show_snapshot(DigestSnapshot("digesting", 3, 12))
    assert status.progress.isVisible() and status.progress.value() == 25
    status.show_snapshot(DigestSnapshot("paused", 6, 12))
    assert status.progress.isVisible() and status.progress.value() == 50
    status.show_snapshot(DigestSnapshot("digesting"))  # no steps counted yet
    assert not status.progress.isVisible()
    status.show_snapshot(DigestSnapshot("idle", 6, 12))
    assert not status.progress.isVisible()


def test_pause_becomes_resume_while_paused_and_digest_now_waits_for_the_run(
    qtbot: Any,
) -> None:
    status = bar(qtbot)
    for phase, pause, resume, digest in (
        ("idle", True, False, True),
        ("digesting", True, False, False),
        ("paused", False, True, True),
        ("unavailable", True, False, False),
        ("error", True, False, True),
    ):
        status.show_snapshot(DigestSnapshot(phase, 1, 4, detail="x"))
        assert status.pause_button.isVisible() is pause, phase
        assert status.resume_button.isVisible() is resume, phase
        assert status.digest_button.isEnabled() is digest, phase


def test_the_buttons_and_the_pause_menu_send_their_signals(qtbot: Any) -> None:
    status = bar(qtbot)
    with qtbot.waitSignal(status.digest_now_clicked, timeout=1000):
        status.digest_button.click()
    hour, tomorrow = status.pause_button.menu().actions()
    assert (hour.text(), tomorrow.text()) == ("Pause 1 hour", "Pause until tomorrow")
    with qtbot.waitSignal(status.pause_hour_clicked, timeout=1000):
        hour.trigger()
    with qtbot.waitSignal(status.pause_tomorrow_clicked, timeout=1000):
        tomorrow.trigger()
    status.show_snapshot(DigestSnapshot("paused"))
    with qtbot.waitSignal(status.resume_clicked, timeout=1000):
        status.resume_button.click()


def test_an_elided_label_has_a_tooltip_only_when_it_cuts(qtbot: Any) -> None:
    label = ElidedLabel("Digest idle")
    qtbot.addWidget(label)
    label.resize(400, 20)
    label.show()
    assert label.text() == "Digest idle" and label.toolTip() == ""
    long_text = "Digest waiting: " + "the computer is busy " * 20
    label.setText(long_text)
    assert label.text().endswith("…") and label.toolTip() == long_text
    assert label.full_text() == long_text and label.accessibleDescription() == long_text
    label.resize(10_000, 20)
    qtbot.waitUntil(lambda: label.text() == long_text)
    assert label.toolTip() == ""
    assert label.minimumSizeHint().width() == 80


def test_a_waiting_digest_has_shorter_forms_least_needed_parts_first() -> None:
    snapshot = DigestSnapshot(
        "idle",
        24,
        41,
        detail="summaries and deeper notes wait until you are away for 10 min (idle 31 s) or "
        "tonight at 01:00",
        horizon="about 9 hours of digest left: about 2 nights at this pace (01:00–06:00)",
        horizon_brief="about 9 hours left, 2 nights",
    )
    assert describe_forms(snapshot, 4) == [
        describe(snapshot, 4),
        "Summaries and deeper notes wait until you are away for 10 min (idle 31 s) or tonight "
        "at 01:00 · 24/41 steps · about 9 hours left, 2 nights",
        "Summaries and deeper notes wait until you are away for 10 min or tonight at 01:00 · "
        "24/41 steps · about 9 hours left, 2 nights",
        "Digest waiting · 24/41 steps · about 9 hours left, 2 nights",
        "Digest waiting · 24/41 steps",
    ]
    battery = DigestSnapshot(
        "idle", 3, 9, detail="on battery; the digest waits for mains power (see settings)"
    )
    assert describe_forms(battery, 2) == [
        "Digest waiting: on battery; the digest waits for mains power (see settings) · 3/9 steps",
        "Digest waiting: on battery; the digest waits for mains power · 3/9 steps",
        "Digest waiting: on battery · 3/9 steps",
        "Digest waiting · 3/9 steps",
    ]


def test_paused_running_and_finished_digests_have_shorter_forms_too() -> None:
    paused = DigestSnapshot("paused", 2, 10, horizon="about 6 hours of…", horizon_brief="6 h")
    assert [form.split(" · ", 1)[1] for form in describe_forms(paused)] == [
        "2/10 steps · about 6 hours of…",
        "2/10 steps · 6 h",
        "2/10 steps",
    ]
    running = DigestSnapshot("digesting", 3, 12, 125.0, "lease.pdf")
    assert describe_forms(running, 4)[1:] == ["Digesting · 3/12 steps · about 2 min left"]
    finished = describe_forms(DigestSnapshot("done", 12, 12), documents=4, errors=2)
    assert finished[1:] == ["2 documents digested · 2 could not be read"]
    assert describe_forms(DigestSnapshot("idle"), 2) == ["Digest idle"]


def test_asides_and_first_clauses() -> None:
    assert without_asides("away for 10 min (idle 31 s) or tonight") == "away for 10 min or tonight"
    assert first_clause("on battery; the digest waits") == "on battery"


def test_a_label_shows_the_longest_form_that_fits_and_never_cuts_a_word(qtbot: Any) -> None:
    label = ElidedLabel()
    qtbot.addWidget(label)
    metrics = label.fontMetrics()
    forms = ["Digest waiting: the computer is busy · 3/9 steps", "Digest waiting · 3/9 steps"]
    label.resize(metrics.horizontalAdvance(forms[1]) + 20, 20)
    label.show()
    label.set_forms(forms)
    assert label.text() == forms[1] and label.toolTip() == forms[0]
    label.resize(metrics.horizontalAdvance("Digest waiting ·…") + 2, 20)
    qtbot.waitUntil(lambda: label.text() == "Digest waiting…")  # after a whole word
    label.resize(metrics.horizontalAdvance(forms[0]) + 20, 20)
    qtbot.waitUntil(lambda: label.text() == forms[0])
    assert label.toolTip() == ""


def test_eliding_at_a_word(qtbot: Any) -> None:
    label = ElidedLabel()
    qtbot.addWidget(label)
    metrics = label.fontMetrics()
    text = "Digest failed: the model file is missing"
    assert elide_at_a_word(text, metrics, 10_000) == text
    cut = elide_at_a_word(text, metrics, metrics.horizontalAdvance("Digest failed: the mod"))
    assert cut == "Digest failed: the…"
    tiny = elide_at_a_word("Unbreakable", metrics, metrics.horizontalAdvance("Unb…"))
    assert tiny.endswith("…") and len(tiny) < len("Unbreakable")  # one word: cut it, no choice
