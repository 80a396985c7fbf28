"""The window's event loop never stalls: the largest gap while digesting and while answering.

A 5 ms timer records how late each of its ticks arrives; a stall is the time between two ticks
minus the interval. Measured with the real window, the bundled model and a real digest process
(started with the window's own "Digest now"), then with questions asked from the window on the
digested library. Goal (DESIGN.md): no stall above 100 ms. Prints the numbers; asserts the goal.

Knobs (environment): NOCTURNE_STALL_DIGEST_S (how long to measure the digest, default 20).
Measured here (2 cores shared with other work, offscreen): largest stall 31 ms while digesting
(p99 7 ms), 23 ms while answering (p99 15 ms).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from nocturne.settings import Settings
from nocturne.ui.backend import Backend
from nocturne.ui.background import CoreBackground
from nocturne.ui.main_window import MainWindow
from nocturne.ui.tray import Tray

pytestmark = [
    pytest.mark.bench,
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise"),
]

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"
GOAL_MS = 100.0
INTERVAL_MS = 5
QUESTIONS = (
    "How much is the monthly rent?",
    "How often should I descale the machine?",
    "When does the Lisbon trip start?",
)


class StallProbe:
    """Largest lateness of a fast repeating timer, i.e. the longest the event loop was busy."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[float] = []
        self._last = 0.0

    def start(self) -> None:
        self.gaps.clear()
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000 - INTERVAL_MS)
        self._last = now

    def worst_ms(self) -> float:
        return max(self.gaps, default=0.0)

    def p99_ms(self) -> float:
        ordered = sorted(self.gaps)
        return ordered[int(len(ordered) * 0.99)] if ordered else 0.0


@pytest.fixture
def window(qtbot: Any, home: Path) -> Any:
    settings = Settings.load()
    backend = Backend(settings)
    made = MainWindow(
        backend, CoreBackground(settings, backend.store, start_scheduler=False), settings, Tray()
    )
    made.quit_hook = lambda: None
    qtbot.addWidget(made)
    made.resize(1280, 800)
    made.show()
    yield made
    if not made.quitting:
        made.shutdown()


def test_gui_event_loop_stalls(window: Any, qtbot: Any) -> None:
    probe = StallProbe()
    window.add_paths([str(SAMPLES)])
    qtbot.waitUntil(lambda: window.library.model.rowCount() >= 4, timeout=120_000)

    digest_s = float(os.environ.get("NOCTURNE_STALL_DIGEST_S", "20"))
    probe.start()
    window.digest_now()
    qtbot.waitUntil(lambda: window.snapshot.phase == "digesting", timeout=60_000)
    qtbot.wait(int(digest_s * 1000))
    probe.stop()
    digesting = (probe.worst_ms(), probe.p99_ms(), len(probe.gaps))
    assert window.snapshot.phase == "digesting", window.snapshot

    window.pause_hour()  # answering below competes with nothing but itself
    qtbot.waitUntil(lambda: window.snapshot.phase == "paused", timeout=10_000)
    probe.start()
    for question in QUESTIONS:
        card = window.ask(question, "auto")
        qtbot.waitUntil(
            lambda c=card: c.record is not None or not window.chat.busy, timeout=300_000
        )
    probe.stop()
    answering = (probe.worst_ms(), probe.p99_ms(), len(probe.gaps))
    assert all(card.record is not None for card in window.chat.cards)

    print(f"\nGUI event-loop stall (goal <= {GOAL_MS:.0f} ms), {INTERVAL_MS} ms probe timer:")
    for label, (worst, p99, ticks) in (("digesting", digesting), ("answering", answering)):
        print(f"  while {label}: largest {worst:.1f} ms, p99 {p99:.1f} ms over {ticks} ticks")
    assert digesting[0] <= GOAL_MS
    assert answering[0] <= GOAL_MS
