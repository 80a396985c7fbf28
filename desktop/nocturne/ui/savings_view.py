"""The savings panel: what digesting ahead of time has saved, per answer and in total.

The chart is painted here (QtCharts is not part of PySide6-Essentials): for each answer, the
tokens its baseline would have needed (light bar) against the tokens it used (solid bar), and the
running total of tokens saved as a line.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from nocturne.ui.savings_data import SavingsSummary
from nocturne.ui.style import ACCENT, MODE_COLOURS

CHART_ANSWERS = 40  # the most recent answers drawn


def short_number(value: float) -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if abs(value) >= 10_000:
        return f"{value / 1000:.0f}k"
    if abs(value) >= 1000:
        return f"{value / 1000:.1f}k"
    return f"{value:.0f}"


def money(value: float) -> str:
    if value == 0:
        return "$0"
    return f"${value:.4f}" if value < 0.01 else f"${value:.2f}"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.1f} s"
    if seconds < 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


class SavingsChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = SavingsSummary()
        self.setMinimumHeight(150)
        self.setAccessibleName("Savings chart")

    def set_summary(self, summary: SavingsSummary) -> None:
        self.summary = summary
        points = summary.points
        self.setAccessibleDescription(
            f"{len(points)} answers; {summary.saved_tokens} tokens saved in total"
        )
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        grid = palette.color(QPalette.ColorRole.Midlight)
        area = QRectF(self.rect()).adjusted(34, 8, -8, -20)
        points = self.summary.points[-CHART_ANSWERS:]
        font = painter.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.75))
        painter.setFont(font)
        if not points:
            painter.setPen(muted)
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter,
                "Ask a question to see\nwhat each answer saves",
            )
            return
        peak = max(max(p.baseline_tokens, p.used_tokens) for p in points) or 1
        painter.setPen(QPen(grid, 1))
        for fraction in (0.0, 0.5, 1.0):
            y = area.bottom() - fraction * area.height()
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            painter.setPen(muted)
            painter.drawText(
                QRectF(0, y - 8, 30, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                short_number(peak * fraction),
            )
            painter.setPen(QPen(grid, 1))
        slot = area.width() / len(points)
        bar = max(2.0, min(18.0, slot * 0.6))
        for i, point in enumerate(points):
            x = area.left() + slot * i + (slot - bar) / 2
            base_h = area.height() * point.baseline_tokens / peak
            used_h = area.height() * point.used_tokens / peak
            colour = QColor(MODE_COLOURS.get(point.mode, ACCENT))
            light = QColor(colour)
            light.setAlpha(55)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(light)
            painter.drawRoundedRect(QRectF(x, area.bottom() - base_h, bar, base_h), 2, 2)
            painter.setBrush(colour)
            painter.drawRoundedRect(QRectF(x, area.bottom() - used_h, bar, used_h), 2, 2)
        running = self.summary.cumulative_saved_tokens()[-len(points) :]
        top = max(running) or 1
        path = QPainterPath()
        for i, value in enumerate(running):
            vertex = QPointF(
                area.left() + slot * (i + 0.5), area.bottom() - area.height() * 0.95 * value / top
            )
            if i == 0:
                path.moveTo(vertex)
            else:
                path.lineTo(vertex)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(ACCENT), 2))
        painter.drawPath(path)
        painter.setPen(muted)
        caption = f"last {len(points)} answers: used vs. raw baseline; line: total saved"
        metrics = painter.fontMetrics()
        if metrics.horizontalAdvance(caption) > area.width():  # a narrow window
            caption = "used vs. raw; line: total saved"
        painter.drawText(
            QRectF(area.left(), area.bottom() + 3, area.width(), 16),
            Qt.AlignmentFlag.AlignLeft,
            metrics.elidedText(caption, Qt.TextElideMode.ElideRight, int(area.width())),
        )


class Stat(QFrame):
    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(0)
        self.value = QLabel("—")
        self.value.setObjectName("bigNumber")
        self.caption = QLabel(caption)
        self.caption.setObjectName("muted")
        self.caption.setWordWrap(True)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def set(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.setAccessibleName(f"{self.caption.text()}: {value}")
        self.setToolTip(detail)


class SavingsPane(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Savings")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        title = QLabel("Savings")
        title.setObjectName("paneTitle")
        layout.addWidget(title)
        self.last = QLabel("No answers yet.")
        self.last.setObjectName("muted")
        self.last.setWordWrap(True)
        self.last.setAccessibleName("Last answer's savings")
        grid = QGridLayout()
        grid.setSpacing(8)
        self.tokens = Stat("tokens saved")
        self.ratio = Stat("fewer tokens than raw")
        self.money = Stat("saved at the reference price")
        self.time = Stat("time saved (estimate)")
        self.sleep = Stat("sleep-time tokens spent")
        self.answers = Stat("answers")
        for i, stat in enumerate(
            (self.tokens, self.ratio, self.money, self.time, self.sleep, self.answers)
        ):
            grid.addWidget(stat, i // 2, i % 2)
        layout.addLayout(grid)
        self.chart = SavingsChart()
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.last)

    def set_summary(self, summary: SavingsSummary) -> None:
        self.tokens.set(
            short_number(summary.saved_tokens),
            f"{summary.saved_tokens:,} tokens not sent to the model",
        )
        self.ratio.set(
            f"{summary.ratio:.1f}×" if summary.used_tokens else "—",
            f"{summary.used_tokens:,} used instead of {summary.baseline_tokens:,}",
        )
        self.money.set(money(summary.saved_usd))
        self.time.set(
            duration(summary.seconds_saved()),
            "reading each raw baseline prompt at this computer's measured speed, "
            "minus the time the answers took",
        )
        self.sleep.set(
            short_number(summary.sleep_tokens),
            "tokens the digest spent while the computer was idle",
        )
        self.answers.set(str(summary.answers))
        self.chart.set_summary(summary)
        if summary.points:
            last = summary.points[-1]
            self.last.setText(
                f"Last answer ({last.mode}): {last.used_tokens:,} tokens instead of "
                f"{last.baseline_tokens:,}, saved {last.saved_tokens:,} ({money(last.saved_usd)})"
            )
