"""The window's digest half: polling the background digest, the status bar's, the menus' and
the tray's buttons reaching it, the tray following it, and notifications when a run ends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nocturne.errors import KnownError
from nocturne.ui.background_digest import DigestSnapshot
from nocturne.ui.core_calls import DocumentRow
from nocturne.ui.digest_actions import SAVINGS_DURING_DIGEST_S


@pytest.mark.parametrize(
    ("action", "call"),
    [
        ("digest_action", "digest_now"),
        ("pause_hour_action", "pause_for_an_hour"),
        ("pause_tomorrow_action", "pause_until_tomorrow"),
        ("resume_action", "resume"),
    ],
)
def test_tray_menu_actions_reach_the_digest(
    window: Any, qtbot: Any, action: str, call: str
) -> None:
    getattr(window.tray, action).trigger()
    qtbot.waitUntil(lambda: call in window.background.calls, timeout=5000)


def test_tray_icon_follows_the_digest_and_notifies(
    window: Any, qtbot: Any, monkeypatch: Any
) -> None:
    notes: list[tuple[str, bool]] = []
    monkeypatch.setattr(
        window.tray, "notify", lambda title, _message, error=False: notes.append((title, error))
    )
    icons: list[str] = []
    original = window.tray.icon.setIcon

    def spy(icon: Any) -> None:
        icons.append("set")
        original(icon)

    monkeypatch.setattr(window.tray.icon, "setIcon", spy)
    window.background.current = DigestSnapshot("digesting", 3, 12, 125.0, "lease.pdf")
    window.poll_digest()
    qtbot.waitUntil(lambda: window.tray.state == "digesting", timeout=5000)
    assert "25%" in window.tray.icon.toolTip()
    assert "lease.pdf" in window.digest_status.label.full_text()
    assert "about 2 min left" in window.digest_status.label.full_text()
    assert window.digest_status.progress.isVisibleTo(window)
    window.background.current = DigestSnapshot("done", 12, 12)
    window.poll_digest()
    qtbot.waitUntil(lambda: window.tray.state == "idle", timeout=5000)
    window.background.current = DigestSnapshot("error", detail="the model file is missing")
    window.poll_digest()
    qtbot.waitUntil(lambda: window.tray.state == "error", timeout=5000)
    assert notes == [("Digest finished", False), ("Digest failed", True)]
    assert len(icons) == 3


def test_paused_digest_offers_resume(window: Any, qtbot: Any) -> None:
    window.show_snapshot(DigestSnapshot("paused", 1, 4))
    assert window.digest_status.resume_button.isVisibleTo(window)
    assert not window.digest_status.pause_button.isVisibleTo(window)
    assert window.tray.resume_action.isVisible()
    window.digest_status.resume_button.click()
    qtbot.waitUntil(lambda: "resume" in window.background.calls, timeout=5000)


def test_a_run_that_ends_with_work_left_does_not_say_everything_is_digested(
    window: Any, qtbot: Any, monkeypatch: Any
) -> None:
    notes: list[tuple[str, str]] = []
    monkeypatch.setattr(
        window.tray, "notify", lambda title, message, error=False: notes.append((title, message))
    )
    window.background.current = DigestSnapshot("digesting", 3, 12, 125.0, "lease.pdf")
    window.poll_digest()
    qtbot.waitUntil(lambda: window.tray.state == "digesting", timeout=5000)
    window.background.current = DigestSnapshot("idle", 5, 12)  # e.g. one document's run
    window.poll_digest()
    qtbot.waitUntil(lambda: window.tray.state == "idle", timeout=5000)
    assert notes == [
        (
            "Digest run finished",
            "5 of 12 steps done; the rest follows when the computer is idle or at night.",
        )
    ]


def test_tiles_follow_a_running_digest(window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(window, "refresh_savings", lambda: calls.append(1))
    monkeypatch.setattr("nocturne.ui.digest_actions.SAVINGS_DURING_DIGEST_S", 0.0)
    window.show_snapshot(DigestSnapshot("digesting", 1, 10, sleep_tokens=100))
    window.show_snapshot(DigestSnapshot("digesting", 2, 10, sleep_tokens=250))
    window.show_snapshot(DigestSnapshot("digesting", 3, 10, sleep_tokens=400))
    assert len(calls) == 3  # the phase change, then each finished step


def test_digest_this_document_now_reaches_the_background(
    window: Any, qtbot: Any, background: Any, lease_file: Path
) -> None:
    window.add_paths([str(lease_file)])
    qtbot.waitUntil(lambda: len(window.library.model.rows) == 1, timeout=5000)
    document = window.library.model.rows[0]
    menu = window.library.menu_for(document)
    [action] = [a for a in menu.actions() if a.text() == "Digest this document now"]
    action.trigger()
    qtbot.waitUntil(lambda: f"digest_document_now:{document.id}" in background.calls, timeout=5000)
    qtbot.waitUntil(
        lambda: window.statusBar().currentMessage() == "Digesting lease.txt now", timeout=5000
    )


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_running_digest_refreshes_the_tiles_at_most_every_few_seconds(
    window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    monkeypatch.setattr("nocturne.ui.digest_actions.time.monotonic", clock)
    calls: list[float] = []
    monkeypatch.setattr(window, "refresh_savings", lambda: calls.append(clock.now))
    window.show_snapshot(DigestSnapshot("digesting", 1, 10, sleep_tokens=100))  # a new phase
    clock.now += 1.0
    window.show_snapshot(DigestSnapshot("digesting", 2, 10, sleep_tokens=250))  # too soon
    window.show_snapshot(DigestSnapshot("digesting", 2, 10, sleep_tokens=250))  # no change
    clock.now += SAVINGS_DURING_DIGEST_S
    window.show_snapshot(DigestSnapshot("digesting", 2, 10, sleep_tokens=250))  # no change
    window.show_snapshot(DigestSnapshot("digesting", 3, 10, sleep_tokens=400))
    assert calls == [1000.0, 1000.0 + 1.0 + SAVINGS_DURING_DIGEST_S]


def test_a_tick_that_fails_shows_the_digest_failed(
    window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_tick() -> None:
        raise KnownError("the digest process cannot be started")

    monkeypatch.setattr(window.background, "tick", broken_tick)
    window._polling = False
    window.poll_digest()
    qtbot.waitUntil(lambda: window.snapshot.phase == "error", timeout=5000)
    assert window.digest_status.label.full_text() == (
        "Digest failed: the digest process cannot be started"
    )
    assert window.tray.state == "error"
    assert not window._polling  # the next poll may try again


def test_a_poll_in_flight_is_not_started_twice(
    window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    submitted: list[Any] = []
    monkeypatch.setattr(window.disk, "submit", lambda *args: submitted.append(args))
    window._polling = False
    window.poll_digest()
    window.poll_digest()
    assert len(submitted) == 1 and window._polling


def test_the_phase_changes_are_announced_once_each(window: Any) -> None:
    changes: list[str] = []
    window.snapshot_changed.connect(lambda snapshot: changes.append(snapshot.phase))
    for snapshot in (
        DigestSnapshot("digesting", 1, 4),
        DigestSnapshot("digesting", 2, 4),
        DigestSnapshot("paused", 2, 4),
        DigestSnapshot("paused", 2, 4),
        DigestSnapshot("digesting", 3, 4),
    ):
        window.show_snapshot(snapshot)
    assert changes == ["digesting", "paused", "digesting"]


def test_a_failure_that_lasts_is_notified_once(
    window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes: list[str] = []
    monkeypatch.setattr(
        window.tray, "notify", lambda title, _message, error=False: notes.append(title)
    )
    for _ in range(3):
        window.show_snapshot(DigestSnapshot("error", detail="the model file is missing"))
    window.show_snapshot(DigestSnapshot("idle"))
    window.show_snapshot(DigestSnapshot("error", detail="the model file is missing"))
    assert notes == ["Digest failed", "Digest failed"]


def test_each_documents_time_left_shows_only_while_the_run_goes(window: Any) -> None:
    window.show_snapshot(DigestSnapshot("digesting", 1, 4, document_eta_s={7: 40.0, 8: 90.0}))
    assert window.library.model.etas == {7: 40.0, 8: 90.0}
    window.show_snapshot(DigestSnapshot("paused", 1, 4, document_eta_s={7: 40.0}))
    assert window.library.model.etas == {}  # a paused run's estimates would not count down


def document(document_id: int, name: str, state: str) -> DocumentRow:
    return DocumentRow(document_id, name, f"/docs/{name}", "text", None, 1, 10, state, None)


def test_the_status_bar_counts_the_documents_the_list_shows(window: Any) -> None:
    window.library.set_rows(
        [
            document(1, "a.txt", "ready"),
            document(2, "b.txt", "ready"),
            document(3, "c.txt", "queued"),
            document(4, "d.txt", "error"),
        ]
    )
    assert window.document_counts() == (4, 2, 1)
    window.show_snapshot(DigestSnapshot("done"))
    assert window.digest_status.label.full_text() == (
        "2 of 3 documents digested · 1 could not be read (see the library)"
    )


@pytest.mark.parametrize(
    ("method", "call", "message"),
    [
        ("digest_now", "digest_now", "Digesting now"),
        ("pause_hour", "pause_for_an_hour", "Digest paused for an hour"),
        ("pause_tomorrow", "pause_until_tomorrow", "Digest paused until tomorrow"),
        ("resume_digest", "resume", "Digest resumed"),
    ],
)
def test_each_button_reaches_the_digest_and_says_what_it_did(
    window: Any, qtbot: Any, method: str, call: str, message: str
) -> None:
    getattr(window, method)()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == message, timeout=5000)
    assert call in window.background.calls


def test_digest_a_document_the_list_does_not_know_says_digesting_now(
    window: Any, qtbot: Any
) -> None:
    window.digest_document_now(99)
    qtbot.waitUntil(lambda: "digest_document_now:99" in window.background.calls, timeout=5000)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "Digesting now", timeout=5000)


def test_without_a_tray_the_status_bar_still_follows_the_digest(
    qtbot: Any, backend: Any, background: Any, settings: Any
) -> None:
    from nocturne.ui.main_window import MainWindow

    window = MainWindow(backend, background, settings, None)
    window.quit_hook = lambda: None
    qtbot.addWidget(window)
    window.show_snapshot(DigestSnapshot("digesting", 3, 12, None, "lease.pdf"))
    window.show_snapshot(DigestSnapshot("done", 12, 12))
    assert window.snapshot.phase == "done"
    assert window.digest_status.label.full_text().startswith("No documents yet")
    window.shutdown()
