"""The library pane shows each document's time left while a digest runs (issue 12, "honest
progress ... per document and overall"): the estimates of a real digest run on the window's own
library, counted down by the window's background with a fake clock (nothing sleeps), gone while
the run is paused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from nocturne.engine.base import GenerationOptions, Message
from nocturne.settings import Settings
from nocturne.sleeptime.events import STEP, DigestEvent
from nocturne.sleeptime.runner import DigestRunner
from nocturne.ui.background_digest import CoreBackground
from nocturne.ui.core_calls import Backend

from fakes.digest_replies import digest_reply
from fakes.digest_run import FakeRun
from fakes.engine import FakeEngine

MODEL_CALL_S = 20.0
GARDEN = " ".join(
    f"Plot {n} of the allotment garden is {n + 3} metres wide and pays a yearly fee of "
    f"{40 + n} euros, due in March."
    for n in range(1, 40)
)
KETTLE = " ".join(
    f"Step {n} of the descaling program takes {n + 2} minutes and needs {n * 10} ml of "
    "descaler mixed with water."
    for n in range(1, 40)
)


class Clock:
    """Moves by MODEL_CALL_S with each model call, and when the test says so."""

    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now

    def reply(self, messages: list[Message], options: GenerationOptions) -> str:
        self.now += MODEL_CALL_S
        return digest_reply(messages, options)


def detail(window: Any, name: str) -> str:
    model = window.library.model
    for i in range(model.rowCount()):
        text = str(model.index(i).data(Qt.ItemDataRole.AccessibleTextRole))
        if text.startswith(name + ","):
            return text
    raise AssertionError(f"no row for {name}")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    made = Clock()
    monkeypatch.setattr("nocturne.ui.background_digest.time.monotonic", made)
    return made


def test_each_document_shows_its_time_left_and_it_counts_down(
    qtbot: Any, settings: Settings, tmp_path: Path, clock: Clock
) -> None:
    from nocturne.ui.main_window import MainWindow
    from nocturne.ui.tray import Tray

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "garden.txt").write_text(GARDEN, encoding="utf-8")
    (folder / "kettle.txt").write_text(KETTLE, encoding="utf-8")
    backend = Backend(settings)
    backend.add([folder])
    store = backend.store()
    ids = {row.name: int(row.id) for row in store.documents()}

    # A real digest of this library, stopped after its second step (the first model step):
    # the estimates it sent then are the ones a running digest shows.
    events: list[DigestEvent] = []
    runner = DigestRunner(store, FakeEngine(responder=clock.reply), "low", clock=clock)

    def on_event(event: DigestEvent) -> None:
        events.append(event)
        if event.kind == STEP and event.done == 2:
            runner.stop()

    runner.on_event = on_event
    runner.run()
    event = next(e for e in events if e.kind == STEP and e.done == 2)
    first, second = sorted(event.documents_eta_s, key=event.documents_eta_s.__getitem__)
    assert first == ids[event.label]  # the document being read is done first
    # The run marks the document it reads as digesting (stopping put it back in the queue).
    store.conn.execute("UPDATE documents SET state = 'digesting' WHERE id = ?", (first,))
    store.conn.commit()

    background = CoreBackground(settings, backend.store, start_scheduler=False)
    run = FakeRun(event, running=True)
    background._manual = run
    window = MainWindow(backend, background, settings, Tray())
    window.quit_hook = lambda: None
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.library.model.rowCount() == 2, timeout=10000)
        window.poll_digest()
        qtbot.waitUntil(lambda: bool(window.library.model.etas), timeout=10000)
        etas = window.library.model.etas
        assert etas[first] == pytest.approx(event.documents_eta_s[first])
        assert etas[second] == pytest.approx(event.documents_eta_s[second])
        assert etas[first] >= 60 and etas[second] > etas[first] + 60
        name = {v: k for k, v in ids.items()}
        reading = detail(window, name[first])
        assert f"about {round(etas[first] / 60)} min left" in reading, reading
        queued = detail(window, name[second])
        assert f"digested in about {round(etas[second] / 60)} min" in queued, queued
        # The status bar keeps the run's overall estimate beside them.
        assert "min left" in window.digest_status.label.full_text()

        clock.now += 45.0  # the window's estimates count down between the run's events
        before = dict(etas)
        window.poll_digest()
        qtbot.waitUntil(
            lambda: window.library.model.etas.get(first, 0) < before[first], timeout=10000
        )
        assert window.library.model.etas[first] == pytest.approx(before[first] - 45.0)
        assert window.library.model.etas[second] == pytest.approx(before[second] - 45.0)

        run.is_paused = True  # a paused run promises no time
        window.poll_digest()
        qtbot.waitUntil(lambda: not window.library.model.etas, timeout=10000)
        assert " left" not in detail(window, name[first])
        assert "digested in" not in detail(window, name[second])
    finally:
        window.shutdown()
        backend.close()
