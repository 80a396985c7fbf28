"""Light and dark palettes that follow the system (or NOCTURNE_COLOR_SCHEME), one style sheet
for both."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from nocturne.ui.style import (
    ACCENT,
    STYLE_SHEET,
    _palette,
    apply_theme,
    follow_system_scheme,
    is_dark,
    prefers_dark,
)

Role = QPalette.ColorRole


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """The test run's application, given back unstyled."""
    palette, sheet = qapp.palette(), qapp.styleSheet()
    style = qapp.style().name() or "fusion"
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)


def test_the_dark_palette_is_dark_and_the_light_one_light(qapp: QApplication) -> None:
    dark, light = _palette(True), _palette(False)
    assert is_dark(dark) and not is_dark(light)
    assert dark.color(Role.Window).name() == "#1c1d22"
    assert light.color(Role.Base).name() == "#ffffff"
    for palette in (dark, light):
        assert palette.color(Role.Highlight).name() == ACCENT
        assert palette.color(Role.Text).lightness() != palette.color(Role.Base).lightness()


def test_disabled_text_is_muted_in_both_schemes(qapp: QApplication) -> None:
    for dark, muted in ((True, "#9ba1a6"), (False, "#80838d")):
        palette = _palette(dark)
        for role in (Role.Text, Role.WindowText, Role.ButtonText):
            assert palette.color(QPalette.ColorGroup.Disabled, role).name() == muted
        assert palette.color(Role.PlaceholderText).name() == muted


def test_the_scheme_can_be_forced_and_otherwise_follows_the_system(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOCTURNE_COLOR_SCHEME", "Dark")
    assert prefers_dark() is True
    monkeypatch.setenv("NOCTURNE_COLOR_SCHEME", "light")
    assert prefers_dark() is False
    monkeypatch.setenv("NOCTURNE_COLOR_SCHEME", "sepia")  # not a scheme: the system decides
    system = QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
    assert prefers_dark() is system


def test_apply_theme_sets_fusion_the_palette_and_the_sheet(
    app: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOCTURNE_COLOR_SCHEME", "dark")
    apply_theme(app)
    assert app.styleSheet() == STYLE_SHEET
    assert is_dark(app.palette())
    monkeypatch.setenv("NOCTURNE_COLOR_SCHEME", "light")
    apply_theme(app)
    assert not is_dark(app.palette())


def test_the_palette_follows_a_switch_of_the_system_scheme(
    app: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOCTURNE_COLOR_SCHEME", "light")
    apply_theme(app)
    follow_system_scheme(app)
    monkeypatch.setenv("NOCTURNE_COLOR_SCHEME", "dark")  # as if the person switched
    assert not is_dark(app.palette())
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert is_dark(app.palette())
