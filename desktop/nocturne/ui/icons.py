"""The app icon and the tray's state icons.

The drawn icon files in `resources/icons/` are used when present; where they are missing (a
layout without resources) a similar mark is painted here: a crescent moon on a night-blue tile.
The tray adds a small badge for the state, so idle / digesting / paused / error read at 16 px.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from nocturne.ui.resources import icon_files

SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
NIGHT_TOP = QColor("#2b2f6b")
NIGHT_BOTTOM = QColor("#151733")
MOON = QColor("#f6d67a")
BADGES = {
    "digesting": QColor("#3fa7ff"),
    "paused": QColor("#9aa0a6"),
    "error": QColor("#e5484d"),
}


def paint_moon(painter: QPainter, size: float) -> None:
    """The Nocturne mark in a `size` square: night tile, crescent, two stars."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    margin = size * 0.04
    tile = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    from PySide6.QtGui import QLinearGradient

    gradient = QLinearGradient(tile.topLeft(), tile.bottomRight())
    gradient.setColorAt(0.0, NIGHT_TOP)
    gradient.setColorAt(1.0, NIGHT_BOTTOM)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(gradient))
    painter.drawRoundedRect(tile, size * 0.22, size * 0.22)
    full = QPainterPath()
    full.addEllipse(QPointF(size * 0.46, size * 0.52), size * 0.28, size * 0.28)
    bite = QPainterPath()
    bite.addEllipse(QPointF(size * 0.58, size * 0.42), size * 0.25, size * 0.25)
    painter.setBrush(MOON)
    painter.drawPath(full.subtracted(bite))
    if size >= 24:
        painter.setBrush(QColor("#ffffff"))
        for x, y, r in ((0.72, 0.30, 0.035), (0.80, 0.58, 0.025)):
            painter.drawEllipse(QPointF(size * x, size * y), size * r, size * r)


def _drawn_icon() -> QIcon | None:
    files = icon_files("nocturne")
    if not files:
        return None
    icon = QIcon()
    for path in files:
        icon.addFile(str(path))
    return None if icon.isNull() else icon


def _pixmap(size: int, state: str, base: QIcon | None) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if base is not None:
        painter.drawPixmap(0, 0, base.pixmap(size, size))
    else:
        paint_moon(painter, size)
    color = BADGES.get(state)
    if color is not None:
        radius = size * 0.22
        centre = QPointF(size - radius - size * 0.02, size - radius - size * 0.02)
        painter.setPen(QPen(QColor("#ffffff"), max(1.0, size * 0.05)))
        painter.setBrush(color)
        painter.drawEllipse(centre, radius, radius)
        painter.setPen(QPen(QColor("#ffffff"), max(1.0, size * 0.06)))
        if state == "paused":
            for dx in (-0.35, 0.35):
                x = centre.x() + dx * radius
                painter.drawLine(
                    QPointF(x, centre.y() - radius * 0.45), QPointF(x, centre.y() + radius * 0.45)
                )
        elif state == "error":
            painter.drawLine(
                QPointF(centre.x(), centre.y() - radius * 0.5),
                QPointF(centre.x(), centre.y() + radius * 0.1),
            )
            painter.drawPoint(QPointF(centre.x(), centre.y() + radius * 0.45))
    painter.end()
    return pixmap


def app_icon() -> QIcon:
    """The drawn icon from resources/icons, else the same design painted here."""
    return _drawn_icon() or state_icon("idle")


def state_icon(state: str) -> QIcon:
    """The tray icon for idle, digesting, paused or error: the app icon with a state badge."""
    base = _drawn_icon()
    if state == "idle" and base is not None:
        return base
    icon = QIcon()
    for size in SIZES:
        icon.addPixmap(_pixmap(size, state, base))
    return icon
