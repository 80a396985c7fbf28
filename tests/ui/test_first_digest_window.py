"""The real window digests a new library by itself (issue 12, problem 1): no "Digest now".

The window's own scheduler (CoreBackground, the same rules as the daemon) sees a new document,
the machine quiet (the CPU probe is replaced by a quiet one: this test must not depend on what
else the test machine runs) and no idle source (offscreen): the first, low-budget digest starts
in a real digest process with the fake engine, and the document becomes ready.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nocturne.schedule.cpu import CpuReading
from nocturne.settings import Settings
from nocturne.ui.background_digest import CoreBackground
from nocturne.ui.core_calls import Backend

pytestmark = pytest.mark.slow


class QuietCpu:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.exclude = lambda: ()

    def read(self) -> CpuReading:
        return CpuReading(2.0)


def test_a_new_document_is_digested_without_pressing_anything(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, settings: Settings, lease_file: Path
) -> None:
    from nocturne.ui.main_window import MainWindow
    from nocturne.ui.tray import Tray

    monkeypatch.setattr("nocturne.schedule.daemon.CpuMonitor", QuietCpu)
    backend = Backend(settings)
    background = CoreBackground(settings, backend.store)
    window = MainWindow(backend, background, settings, Tray())
    window.quit_hook = lambda: None
    qtbot.addWidget(window)
    window.show()
    try:
        assert "right away, in the background" in window.library.welcome.plan.text()
        window.add_paths([str(lease_file)])
        qtbot.waitUntil(lambda: len(window.library.model.rows) == 1, timeout=20000)
        qtbot.waitUntil(lambda: background.scheduler.controller is not None, timeout=30000)
        assert background.scheduler.last_decision.code == "first-digest"
        assert background.scheduler.controller_budget == "low"
        qtbot.waitUntil(
            lambda: window.library.model.rows and window.library.model.rows[0].state == "ready",
            timeout=90000,
        )
        assert background._manual is None  # nobody pressed Digest now
    finally:
        window.shutdown()
