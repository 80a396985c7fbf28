"""The tray menu, the digest status bar, and notifications when a digest ends."""

from __future__ import annotations

from typing import Any

import pytest

from nocturne.ui.background_digest import DigestSnapshot, format_eta
from nocturne.ui.digest_status_bar import describe


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


def test_tray_open_and_quit(window: Any, qtbot: Any) -> None:
    window.hide()
    window.tray.open_action.trigger()
    assert window.isVisible()
    quits: list[bool] = []
    window.quit_hook = lambda: quits.append(True)
    window.tray.quit_action.trigger()
    assert quits == [True] and window.quitting
    assert "shutdown" in window.background.calls


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


def test_close_hides_to_the_tray_only_where_one_exists(window: Any) -> None:
    window.tray.available = True
    window.close()
    assert not window.isVisible() and not window.quitting
    window.tray.available = False
    window.show()
    window.close()
    assert window.quitting


def test_status_texts() -> None:
    assert describe(DigestSnapshot("idle", 2, 10)).startswith("Digest waiting: an idle moment")
    assert describe(DigestSnapshot("idle", 2, 10, detail="on battery")) == (
        "Digest waiting: on battery · 2/10 steps"
    )
    assert describe(DigestSnapshot("done"), 4) == "All 4 documents are digested"
    assert format_eta(30) == "about 30 s left"
    assert format_eta(3 * 3600 + 5 * 60) == "about 3 h 05 min left"
    assert format_eta(None) == ""


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
