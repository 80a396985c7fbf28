"""The window's event loop never stalls: the largest gap while digesting and while answering.

A 5 ms timer records how late each of its ticks arrives; a stall is the time between two ticks
minus the interval. Measured with the real window, the bundled model and a real digest process
(started with the window's own "Digest now"), then with questions asked from the window on the
digested library. Goal (DESIGN.md): no stall above 100 ms. Prints the numbers; asserts the goal.

The digest must still be running for the whole measurement (issue 12: the four sample documents
were digested within the 20 s window, which then measured an idle window). So the library is the
samples plus generated documents, more than the digest gets through in the window, and should a
digest still end early, more documents are added and "Digest now" is pressed again; the test
fails unless the digest ran for at least 95 % of the window, and says how long it ran.

Knobs (environment): NOCTURNE_STALL_DIGEST_S (how long to measure the digest, default 20),
NOCTURNE_STALL_DOCUMENTS (generated documents, default 16).
Measured here (2 cores shared with other engineers' evaluations, offscreen, 20 documents):
digest running 19.8 of the 20 s, 31 steps; largest stall 47.4 ms while digesting (p99 4.2 ms),
8.4 ms while answering (p99 8.4 ms).
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from nocturne.settings import Settings
from nocturne.ui.background_digest import CoreBackground
from nocturne.ui.core_calls import Backend
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


def generated_documents(folder: Path, count: int, seed: int) -> list[Path]:
    """`count` small handbooks of distinct sentences (numbers, names, places), so that every
    chunk is new work for the digest (nothing deduplicated) and questions still make sense."""
    rng = random.Random(seed)
    things = ("boiler", "bicycle shed", "library", "bakery", "ferry", "orchard", "workshop")
    people = ("Ana", "Bruno", "Chloé", "Dmitri", "Esther", "Farid", "Greta", "Hiro")
    days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for n in range(count):
        lines = [f"# Handbook {seed}-{n}: the {rng.choice(things)} of block {n + 1}", ""]
        for k in range(40):
            thing, person, day = rng.choice(things), rng.choice(people), rng.choice(days)
            opens = f"{rng.randint(6, 11)}:{rng.choice(('00', '30'))}"
            lines.append(
                f"Rule {k + 1}: the {thing} opens at {opens} "
                f"on {day}, {person} keeps the key, and a visit costs {rng.randint(2, 90)} euros "
                f"for up to {rng.randint(2, 12)} people."
            )
            if k % 10 == 9:
                lines += ["", f"## Part {k // 10 + 2}", ""]
        path = folder / f"handbook-{seed}-{n}.md"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        made.append(path)
    return made


def test_gui_event_loop_stalls(window: Any, qtbot: Any, tmp_path: Path) -> None:
    probe = StallProbe()
    extra = int(os.environ.get("NOCTURNE_STALL_DOCUMENTS", "16"))
    generated = generated_documents(tmp_path / "generated-0", extra, seed=0)
    window.add_paths([str(SAMPLES), str(generated[0].parent)])
    expected = 4 + extra
    qtbot.waitUntil(lambda: window.library.model.rowCount() >= expected, timeout=300_000)

    digest_s = float(os.environ.get("NOCTURNE_STALL_DIGEST_S", "20"))
    probe.start()
    window.digest_now()
    qtbot.waitUntil(lambda: window.snapshot.phase == "digesting", timeout=60_000)
    started = time.monotonic()
    first_steps = window.snapshot.done_steps
    running_s, restarts, last = 0.0, 0, started
    while (now := time.monotonic()) - started < digest_s:
        if window.snapshot.phase == "digesting":
            running_s += now - last
        elif window.snapshot.phase in ("done", "idle") and restarts < 5:
            # Finished before the window did: give it more to read and start it again.
            restarts += 1
            more = generated_documents(tmp_path / f"generated-{restarts}", 4, seed=restarts)
            window.add_paths([str(more[0].parent)])
            window.digest_now()
        last = now
        qtbot.wait(250)
    probe.stop()
    digesting = (probe.worst_ms(), probe.p99_ms(), len(probe.gaps))
    steps = window.snapshot.done_steps - first_steps
    assert window.snapshot.phase == "digesting", window.snapshot
    assert running_s >= 0.95 * digest_s, (
        f"the digest ran {running_s:.1f} s of the {digest_s:.0f} s measured "
        f"({restarts} restarts): the stall was not measured under a digest"
    )

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
    print(
        f"  digest running {running_s:.1f} of {digest_s:.0f} s measured, {steps} steps done "
        f"then, {restarts} restarts, library of {expected} documents"
    )
    for label, (worst, p99, ticks) in (("digesting", digesting), ("answering", answering)):
        print(f"  while {label}: largest {worst:.1f} ms, p99 {p99:.1f} ms over {ticks} ticks")
    assert digesting[0] <= GOAL_MS
    assert answering[0] <= GOAL_MS
