"""Light and dark palettes that follow the system, and the few style rules Qt has no palette for.

Fusion with an explicit palette looks the same on every desktop and lets Nocturne follow the
system's colour scheme (`QStyleHints.colorScheme`), switching live when the person does. The
style sheet refers to palette roles only, so one sheet serves both schemes.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = "#5b5bd6"
MODE_COLOURS = {"instant": "#12a594", "learned": "#8e4ec6", "raw": "#8b8d98"}
STATE_COLOURS = {
    "queued": "#8b8d98",
    "digesting": "#3e63dd",
    "ready": "#30a46c",
    "stale": "#f76b15",
    "error": "#e5484d",
    "needs_ocr": "#ab4aba",
}

STYLE_SHEET = """
QFrame#card, QFrame#answerCard {
    background: palette(base); border: 1px solid palette(midlight); border-radius: 10px;
}
QFrame#questionBubble {
    background: palette(highlight); border-radius: 12px;
}
QFrame#questionBubble QLabel { color: palette(highlighted-text); }
QLabel#paneTitle { font-size: 13pt; font-weight: 600; }
QLabel#muted, QLabel#savingsLine { color: palette(placeholder-text); }
QLabel#bigNumber { font-size: 17pt; font-weight: 600; }
QLabel#welcomeTitle { font-size: 16pt; font-weight: 600; }
QFrame#composer {
    background: palette(base); border: 1px solid palette(mid); border-radius: 10px;
}
QPlainTextEdit#questionEdit { border: none; background: transparent; }
QListView, QListWidget { border: none; background: palette(window); }
QListWidget::item { padding: 6px 8px; border-radius: 6px; }
QListWidget::item:selected { background: palette(highlight); color: palette(highlighted-text); }
QToolButton#linkButton { border: none; color: palette(link); padding: 2px 4px; }
QToolButton#linkButton:hover { text-decoration: underline; }
QScrollArea#transcript { border: none; background: transparent; }
QWidget#transcriptBody { background: transparent; }
QScrollArea#welcomeScroll { border: none; background: transparent; }
QWidget#welcomeBody { background: transparent; }
QStatusBar QLabel { padding: 0 4px; }
QStatusBar QLabel#statusNotice { padding: 0 12px 0 4px; }
QPushButton#primary {
    background: palette(highlight); color: palette(highlighted-text); border: none;
    border-radius: 6px; padding: 6px 14px; font-weight: 600;
}
QPushButton#primary:disabled { background: palette(mid); }
QPushButton#primary:hover { background: #6e6ade; }
"""


def _palette(dark: bool) -> QPalette:
    p = QPalette()
    if dark:
        window, base, alt, text = "#1c1d22", "#232429", "#2a2b31", "#ecedee"
        button, mid, midlight, muted = "#2e2f36", "#3b3d45", "#34363d", "#9ba1a6"
    else:
        window, base, alt, text = "#f4f4f6", "#ffffff", "#f7f7f9", "#1c2024"
        button, mid, midlight, muted = "#fbfbfc", "#cdced6", "#e0e1e6", "#80838d"
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: alt,
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: button,
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.ToolTipBase: base,
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.Mid: mid,
        QPalette.ColorRole.Midlight: midlight,
        QPalette.ColorRole.PlaceholderText: muted,
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#8d8dff" if dark else "#3e42c9",
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Light: "#45474f" if dark else "#ffffff",
        QPalette.ColorRole.Dark: "#111215" if dark else "#b9bbc6",
        QPalette.ColorRole.Shadow: "#000000",
    }
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(muted))
    return p


def prefers_dark() -> bool:
    forced = os.environ.get("NOCTURNE_COLOR_SCHEME", "").lower()
    if forced in ("dark", "light"):
        return forced == "dark"
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    app.setPalette(_palette(prefers_dark()))
    app.setStyleSheet(STYLE_SHEET)


def follow_system_scheme(app: QApplication) -> None:
    """Re-apply the palette whenever the system switches between light and dark."""
    QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_theme(app))


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128
