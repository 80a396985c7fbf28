"""The app icon and the tray's state icons: the drawn files, or the mark painted here with a
badge for the digest's state."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication

from nocturne.ui import icons
from nocturne.ui.icons import BADGES, SIZES, app_icon, paint_moon, state_icon

STATES = ("idle", "digesting", "paused", "error")


@pytest.fixture
def without_icon_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """A layout without resources/icons: everything is painted."""
    monkeypatch.setattr(icons, "icon_files", lambda _name="nocturne": [])


def colour_at(icon: Any, x: int, y: int, size: int = 64) -> str:
    return str(icon.pixmap(size, size).toImage().pixelColor(x, y).name())


def test_icons_exist_for_every_tray_state(qapp: QApplication) -> None:
    assert not app_icon().isNull()
    for state in STATES:
        icon = state_icon(state)
        assert not icon.isNull() and not icon.pixmap(16, 16).isNull()


def test_the_drawn_files_are_the_app_icon_and_the_idle_tray_icon(qapp: QApplication) -> None:
    # resources/icons has a 512 px PNG; the painted icon stops at 256.
    assert QSize(512, 512) in app_icon().availableSizes()
    assert QSize(512, 512) in state_icon("idle").availableSizes()
    busy = state_icon("digesting")
    assert sorted(s.width() for s in busy.availableSizes()) == list(SIZES)
    assert colour_at(busy, 48, 48) == BADGES["digesting"].name()  # the badge, on the drawn icon


def test_without_icon_files_the_mark_is_painted_at_every_size(
    qapp: QApplication, without_icon_files: None
) -> None:
    icon = app_icon()
    assert sorted(s.width() for s in icon.availableSizes()) == list(SIZES)
    assert colour_at(icon, 2, 2) == "#000000"  # the tile's rounded corner stays transparent
    assert icon.pixmap(64, 64).toImage().pixelColor(2, 2).alpha() == 0
    assert colour_at(icon, 32, 32) != "#000000"


@pytest.mark.parametrize("state", ["digesting", "paused"])
def test_each_state_has_a_badge_of_its_colour_and_idle_has_none(
    qapp: QApplication, without_icon_files: None, state: str
) -> None:
    badge = BADGES[state].name()
    assert colour_at(state_icon(state), 48, 48) == badge
    assert colour_at(state_icon("idle"), 48, 48) != badge
    assert colour_at(state_icon(state), 16, 16) == colour_at(state_icon("idle"), 16, 16)


def test_an_error_badge_carries_a_white_exclamation_mark(
    qapp: QApplication, without_icon_files: None
) -> None:
    icon = state_icon("error")
    assert colour_at(icon, 48, 48) == "#ffffff"  # the mark's stroke, in the badge's centre
    assert colour_at(icon, 40, 48) == BADGES["error"].name()


def test_an_unknown_state_is_the_plain_mark(qapp: QApplication, without_icon_files: None) -> None:
    assert colour_at(state_icon("mystery"), 48, 48) == colour_at(state_icon("idle"), 48, 48)


def starlight(size: int) -> int:
    """Pixels of the painted mark that are whitish: only the stars are (the moon is yellow)."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    paint_moon(painter, size)
    painter.end()
    pixels = (image.pixelColor(x, y) for x in range(size) for y in range(size))
    return sum(1 for c in pixels if c.alpha() and min(c.red(), c.green(), c.blue()) > 140)


def test_the_stars_are_left_out_below_24_px(qapp: QApplication) -> None:
    assert starlight(16) == 0 and starlight(23) == 0
    assert starlight(24) > 0
