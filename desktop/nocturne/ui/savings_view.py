"""The savings panel: what digesting ahead of time has saved, per answer and in total.

The charts are painted here (QtCharts is not part of PySide6-Essentials): for each answer, the
tokens its baseline would have needed (light bar) against the tokens it used (solid bar), an
abstention marked ×, and below, on its own scale, the running total of tokens saved. A legend
in words wraps at any width; "How is this computed?" explains the numbers.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

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


def axis_scale(peak: float) -> tuple[float, tuple[float, ...]]:
    """The top of a token axis and its ticks, each a distinct whole number: nothing to show (a
    lone abstention) is one line at 0; a small peak rounds up to an even top, so the middle
    tick is whole too (a peak of 1 read "1 / 0 / 0"); from 100 up the top is the peak itself
    (its half rounds by under half a percent)."""
    if peak <= 0:
        return 1.0, (0.0,)
    top = float(peak) if peak >= 100 else float(max(2, math.ceil(peak / 2) * 2))
    return top, (0.0, top / 2, top)


LIGHT_ALPHA = 55
ABSTAIN_COLOUR = "#e5484d"
HOW_COMPUTED = (
    "<b>How is this computed?</b><br>"
    "For every answer Nocturne counts the tokens the model read and wrote (<i>question-time"
    " tokens</i>) and, without running it, the tokens the usual way would have needed: the"
    " model reading the matching passages of your documents themselves (raw mode, the"
    " <i>baseline</i>).<br>"
    "<b>Tokens saved</b> is the baseline minus what was used, answer by answer, never below"
    " zero; an answer that found nothing saves nothing.<br>"
    "<b>× fewer</b> compares the answers that saved something with their baselines (raw-mode"
    " answers are the baseline itself).<br>"
    "<b>Money</b> prices those tokens at the reference price in Settings, after taking off"
    " each answer's share of the <i>sleep-time tokens</i> the digest spent on its documents"
    " (shared by all questions about them, and counted at 1/{factor:g} of a question-time"
    " token, the factor in Settings).<br>"
    "<b>Time saved</b> is an estimate: the baseline's tokens at the reading speed measured on"
    " this computer up to that answer, minus the time the answer took.<br>"
    "Totals are sums of the per-answer amounts, so they only grow."
)


def legend_html(abstentions: bool) -> str:
    """The chart's legend, as words that wrap at any width."""
    colour = MODE_COLOURS["learned"]

    def swatch(fill: str, alpha: float = 1.0) -> str:
        return (
            f"<span style='color:{fill}; opacity:{alpha}'>■</span>"
            if alpha == 1.0
            else f"<span style='color:{_tint(fill)}'>■</span>"
        )

    items = [
        f"{swatch(colour, 0.3)}&nbsp;reading the documents would need",
        f"{swatch(colour)}&nbsp;used",
        f"<span style='color:{ACCENT}'>━</span>&nbsp;total&nbsp;saved (own scale, below)",
    ]
    if abstentions:
        items.append(f"<span style='color:{ABSTAIN_COLOUR}'>×</span>&nbsp;no&nbsp;answer")
    return " &nbsp; ".join(items)


def _tint(colour: str) -> str:
    tinted = QColor(colour)
    tinted.setAlpha(LIGHT_ALPHA)
    blended = QColor(
        int(255 - (255 - tinted.red()) * 0.35),
        int(255 - (255 - tinted.green()) * 0.35),
        int(255 - (255 - tinted.blue()) * 0.35),
    )
    return str(blended.name())


class SavingsChart(QWidget):
    """Per answer: the tokens reading the documents would need (light bar) against the tokens
    used (solid bar), abstentions marked with a red ×. Its own axis on the left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = SavingsSummary()
        self.ticks: tuple[float, ...] = ()  # the axis's ticks as last painted
        self.setMinimumHeight(80)
        self.setAccessibleName("Tokens per answer")

    def set_summary(self, summary: SavingsSummary) -> None:
        self.summary = summary
        points = summary.points
        self.setAccessibleDescription(
            f"{len(points)} answer{'' if len(points) == 1 else 's'}; "
            f"{summary.saved_tokens} tokens saved in total"
        )
        self.update()

    def _area(self) -> QRectF:
        return QRectF(self.rect()).adjusted(38, 18, -8, -6)

    def _axis(
        self, painter: QPainter, area: QRectF, ticks: tuple[float, ...], top: float, title: str
    ) -> None:
        palette = self.palette()
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        grid = palette.color(QPalette.ColorRole.Midlight)
        painter.setPen(muted)
        painter.drawText(
            QRectF(area.left(), 0, area.width(), 16),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            painter.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight, int(area.width())),
        )
        for tick in ticks:
            y = area.bottom() - tick / top * area.height()
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            painter.setPen(muted)
            painter.drawText(
                QRectF(0, y - 8, 34, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                short_number(tick),
            )

    def _font(self, painter: QPainter) -> None:
        font = painter.font()
        font.setPointSizeF(max(7.5, font.pointSizeF() * 0.8))
        painter.setFont(font)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._font(painter)
        points = self.summary.points[-CHART_ANSWERS:]
        if not points:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                "Ask a question to see what each answer saves",
            )
            return
        area = self._area()
        peak, ticks = axis_scale(max(max(p.baseline_tokens, p.used_tokens) for p in points))
        self.ticks = ticks
        self._axis(painter, area, ticks, peak, f"tokens per answer (last {len(points)})")
        slot = area.width() / len(points)
        bar = max(2.0, min(18.0, slot * 0.6))
        for i, point in enumerate(points):
            x = area.left() + slot * i + (slot - bar) / 2
            base_h = area.height() * point.baseline_tokens / peak
            used_h = area.height() * point.used_tokens / peak
            colour = QColor(MODE_COLOURS.get(point.mode, ACCENT))
            light = QColor(colour)
            light.setAlpha(LIGHT_ALPHA)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(light)
            painter.drawRoundedRect(QRectF(x, area.bottom() - base_h, bar, base_h), 2, 2)
            painter.setBrush(colour)
            painter.drawRoundedRect(QRectF(x, area.bottom() - used_h, bar, used_h), 2, 2)
            if point.abstained:
                self._cross(painter, QPointF(x + bar / 2, area.bottom() - max(used_h, 6)))

    @staticmethod
    def _cross(painter: QPainter, at: QPointF) -> None:
        painter.setPen(QPen(QColor(ABSTAIN_COLOUR), 2))
        r = 3.5
        painter.drawLine(at + QPointF(-r, -r), at + QPointF(r, r))
        painter.drawLine(at + QPointF(-r, r), at + QPointF(r, -r))


class TotalChart(SavingsChart):
    """The running total of tokens saved, on its own scale (it is many answers' worth)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(56)
        self.setAccessibleName("Tokens saved in total")

    def paintEvent(self, event: QPaintEvent) -> None:
        points = self.summary.points[-CHART_ANSWERS:]
        if not points:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._font(painter)
        area = self._area()
        running = self.summary.cumulative_saved_tokens()[-len(points) :]
        top, ticks = axis_scale(max(running))
        self.ticks = ticks
        self._axis(painter, area, ticks, top, f"tokens saved in total: {running[-1]:,}")
        slot = area.width() / len(points)
        path = QPainterPath()
        for i, value in enumerate(running):
            vertex = QPointF(
                area.left() + slot * (i + 0.5), area.bottom() - area.height() * value / top
            )
            if i == 0:
                path.moveTo(vertex)
            else:
                path.lineTo(vertex)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(ACCENT), 2))
        painter.drawPath(path)


class Stat(QFrame):
    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        # The tiles keep their height (the charts give way), so no caption is ever cut.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
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
        self.legend = QLabel("")
        self.legend.setObjectName("muted")
        self.legend.setWordWrap(True)
        self.legend.setAccessibleName("Chart legend")
        self.legend.hide()
        layout.addWidget(self.legend)
        self.chart = SavingsChart()
        layout.addWidget(self.chart, 3)
        self.total_chart = TotalChart()
        layout.addWidget(self.total_chart, 2)
        layout.addWidget(self.last)
        self.how = QLabel("<a href='how'>How is this computed?</a>")
        self.how.setObjectName("muted")
        self.how.setAccessibleName("How is this computed?")
        self.how.linkActivated.connect(lambda _link: self.explain())
        layout.addWidget(self.how)
        self.price_per_million = 2.5
        self.question_token_factor = 10.0
        self._set_how_tooltip()

    def set_prices(self, price_per_million: float, question_token_factor: float) -> None:
        """The reference price and cost factor from Settings (money follows them)."""
        self.price_per_million = float(price_per_million)
        self.question_token_factor = float(question_token_factor)
        self._set_how_tooltip()

    def _how_text(self) -> str:
        return HOW_COMPUTED.format(factor=self.question_token_factor)

    def _set_how_tooltip(self) -> None:
        self.how.setToolTip(self._how_text())

    def explain(self) -> QMessageBox:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "How is this computed?",
            self._how_text(),
            QMessageBox.StandardButton.Close,
            self,
        )
        box.setModal(False)
        box.show()
        self.last_explanation = box
        return box

    def set_summary(self, summary: SavingsSummary) -> None:
        self.tokens.set(
            short_number(summary.saved_tokens),
            f"{summary.saved_tokens:,} tokens not sent to the model",
        )
        ratio_used, ratio_baseline = summary.ratio_tokens
        counted = summary.ratio_answers
        self.ratio.set(
            f"{summary.ratio:.1f}×" if summary.ratio else "—",
            f"{ratio_used:,} tokens used instead of {ratio_baseline:,} by the "
            f"{counted} answer{'s' if counted != 1 else ''} that saved something "
            "(raw-mode answers and abstentions left out)",
        )
        self.money.set(
            money(summary.saved_usd_at(self.price_per_million, self.question_token_factor)),
            f"at ${self.price_per_million:g} per million tokens (Settings), after each "
            "answer's share of the digest",
        )
        seconds = summary.seconds_saved()
        drawn = len(summary.points)
        recent = (
            (" (the last answer)" if drawn == 1 else f" (the last {drawn:,} answers)")
            if summary.answers > drawn
            else ""
        )
        self.time.set(
            duration(seconds),
            "reading each answer's documents at this computer's measured speed, minus the "
            f"time the answer took{recent}"
            if seconds is not None
            else "not measured yet: needs one answer that read a passage with the model",
        )
        self.sleep.set(
            short_number(summary.sleep_tokens),
            "tokens the digest spent while the computer was idle",
        )
        self.answers.set(str(summary.answers))
        self.chart.set_summary(summary)
        self.total_chart.set_summary(summary)
        self.legend.setText(legend_html(any(p.abstained for p in summary.points)))
        self.legend.setVisible(bool(summary.points))
        self.total_chart.setVisible(bool(summary.points))
        if summary.points:
            last = summary.points[-1]
            if last.abstained:
                text = "Last answer: none found, so nothing saved."
            elif not last.counts_for_ratio:
                text = (
                    f"Last answer read the documents themselves: {last.used_tokens:,} tokens "
                    "(nothing saved)."
                )
            else:
                saved_usd = last.saved_usd_at(self.price_per_million, self.question_token_factor)
                used = (
                    f"{last.used_tokens:,} tokens instead of {last.baseline_tokens:,}"
                    if last.used_tokens
                    else f"no model needed (reading the documents: {last.baseline_tokens:,} tokens)"
                )
                text = f"Last answer: {used}, saved {last.saved_tokens:,} ({money(saved_usd)})"
            self.last.setText(text)
