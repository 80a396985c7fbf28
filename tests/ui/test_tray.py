"""The tray icon on its own: the digest's state in its icon and tooltip, its menu, its clicks,
and messages only where a tray can show them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QSystemTrayIcon

from nocturne.ui.background_digest import DigestSnapshot
from nocturne.ui.tray import TOOLTIPS, Tray

Reason = QSystemTrayIcon.ActivationReason
Message = QSystemTrayIcon.MessageIcon


@pytest.fixture
def tray(qapp: Any) -> Iterator[Tray]:
    made = Tray()
    yield made
    made.hide()


def test_the_menu_offers_the_nights_actions_with_resume_hidden(tray: Tray) -> None:
    texts = [a.text() for a in tray.menu.actions() if not a.isSeparator()]
    assert texts == [
        "Open Nocturne",
        "Digest now",
        "Pause 1 hour",
        "Pause until tomorrow",
        "Resume digest",
        "Quit",
    ]
    assert not tray.resume_action.isVisible()
    assert tray.state == "idle" and tray.icon.toolTip() == "Nocturne"


@pytest.mark.parametrize(
    ("action", "signal"),
    [
        ("open_action", "open_requested"),
        ("digest_action", "digest_now_requested"),
        ("pause_hour_action", "pause_hour_requested"),
        ("pause_tomorrow_action", "pause_tomorrow_requested"),
        ("resume_action", "resume_requested"),
        ("quit_action", "quit_requested"),
    ],
)
def test_each_menu_action_sends_its_signal(
    tray: Tray, qtbot: Any, action: str, signal: str
) -> None:
    with qtbot.waitSignal(getattr(tray, signal), timeout=1000):
        getattr(tray, action).trigger()


def test_the_tooltip_and_the_menu_follow_the_digest(tray: Tray) -> None:
    tray.show_snapshot(DigestSnapshot("digesting", 3, 12))
    assert tray.state == "digesting"
    assert tray.icon.toolTip() == "Nocturne — digesting (25%)"
    assert not tray.digest_action.isEnabled() and not tray.resume_action.isVisible()
    tray.show_snapshot(DigestSnapshot("digesting"))  # no steps counted yet: no percentage
    assert tray.icon.toolTip() == TOOLTIPS["digesting"]
    tray.show_snapshot(DigestSnapshot("paused", 3, 12))
    assert tray.icon.toolTip() == "Nocturne — digest paused"  # a paused run's share is not shown
    assert tray.resume_action.isVisible() and tray.digest_action.isEnabled()
    tray.show_snapshot(DigestSnapshot("unavailable", detail="no model"))
    assert tray.state == "idle" and not tray.digest_action.isEnabled()
    tray.show_snapshot(DigestSnapshot("error", detail="the model file is missing"))
    assert tray.icon.toolTip() == "Nocturne — the digest failed"
    assert tray.digest_action.isEnabled() and not tray.resume_action.isVisible()


def test_the_icon_is_redrawn_only_when_the_state_changes(
    tray: Tray, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[str] = []
    monkeypatch.setattr("nocturne.ui.tray.state_icon", lambda state: drawn.append(state) or None)
    monkeypatch.setattr(tray.icon, "setIcon", lambda _icon: None)
    for snapshot in (
        DigestSnapshot("digesting", 1, 4),
        DigestSnapshot("digesting", 2, 4),
        DigestSnapshot("done", 4, 4),
        DigestSnapshot("idle"),
        DigestSnapshot("error", detail="x"),
    ):
        tray.show_snapshot(snapshot)
    assert drawn == ["digesting", "idle", "error"]


def test_a_click_or_double_click_opens_the_window_and_the_context_click_does_not(
    tray: Tray,
) -> None:
    opened: list[bool] = []
    tray.open_requested.connect(lambda: opened.append(True))
    tray._activated(Reason.Context)
    tray._activated(Reason.MiddleClick)
    assert opened == []
    tray._activated(Reason.Trigger)
    tray._activated(Reason.DoubleClick)
    assert opened == [True, True]


def test_messages_are_shown_only_where_a_tray_can_show_them(
    tray: Tray, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, str, Any]] = []
    monkeypatch.setattr(
        tray.icon,
        "showMessage",
        lambda title, message, kind, _ms: shown.append((title, message, kind)),
    )
    monkeypatch.setattr(tray.icon, "supportsMessages", lambda: True)
    tray.available = False
    tray.notify("Digest finished", "Your documents are digested.")
    assert shown == []
    tray.available = True
    tray.notify("Digest finished", "Your documents are digested.")
    tray.notify("Digest failed", "the model file is missing", error=True)
    assert shown == [
        (
            "Digest finished",
            "Your documents are digested.",
            QSystemTrayIcon.MessageIcon.Information,
        ),
        ("Digest failed", "the model file is missing", QSystemTrayIcon.MessageIcon.Warning),
    ]
    monkeypatch.setattr(tray.icon, "supportsMessages", lambda: False)
    tray.notify("Digest finished", "again")
    assert len(shown) == 2
