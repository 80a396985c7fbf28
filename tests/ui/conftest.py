"""Fixtures for the window tests: a real library and backend, a fake engine and a fake digest."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from nocturne.settings import Settings
from nocturne.ui.background_digest import DigestSnapshot
from nocturne.ui.core_calls import Backend

from fakes.engine import FakeEngine
from support import FAKE_ENGINE

LEASE = (
    "Residential lease agreement. The lease runs for twelve months from 1 March 2025. "
    "The monthly rent is 1,450 euros, due on the first day of each month. "
    "The deposit is two months of rent and is returned within 30 days after the lease ends."
)


class FakeBackground:
    """Records the window's calls; its snapshot is whatever the test sets."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.current = DigestSnapshot("idle")
        self.ticks = 0

    def snapshot(self) -> DigestSnapshot:
        return self.current

    def digest_now(self) -> None:
        self.calls.append("digest_now")

    def digest_document_now(self, document_id: int) -> None:
        self.calls.append(f"digest_document_now:{document_id}")

    def pause_for_an_hour(self) -> datetime:
        self.calls.append("pause_for_an_hour")
        return datetime.now().astimezone() + timedelta(hours=1)

    def pause_until_tomorrow(self) -> datetime:
        self.calls.append("pause_until_tomorrow")
        return datetime.now().astimezone() + timedelta(days=1)

    def resume(self) -> None:
        self.calls.append("resume")

    def question_started(self) -> None:
        self.calls.append("question_started")

    def question_finished(self) -> None:
        self.calls.append("question_finished")

    def shutdown(self) -> None:
        self.calls.append("shutdown")

    def tick(self) -> None:
        self.ticks += 1


@pytest.fixture(autouse=True)
def fake_tokenizer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ingest counts tokens with the fake engine's tokenizer (no model file needed)."""
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine(default_reply="The lease runs for twelve months from 1 March 2025.")


@pytest.fixture
def backend(settings: Settings, engine: FakeEngine) -> Iterator[Backend]:
    made = Backend(settings, engine_factory=lambda _s: engine)
    yield made
    made.close()


@pytest.fixture
def background() -> FakeBackground:
    return FakeBackground()


@pytest.fixture
def lease_file(tmp_path: Path) -> Path:
    path = tmp_path / "docs" / "lease.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text(LEASE, encoding="utf-8")
    return path


@pytest.fixture
def window(qtbot: Any, backend: Backend, background: FakeBackground, settings: Settings) -> Any:
    from nocturne.ui.main_window import MainWindow
    from nocturne.ui.tray import Tray

    made = MainWindow(backend, background, settings, Tray())
    made.quit_hook = lambda: None
    opened: list[Any] = []
    made.opened = opened  # type: ignore[attr-defined]
    made.open_url = opened.append
    qtbot.addWidget(made)
    made.show()
    yield made
    if not made.quitting:
        made.shutdown()


@pytest.fixture
def xvfb_display() -> Iterator[str]:
    """A virtual X server of its own (":N"), for the real window and the real tray."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed")
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write,),
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The offscreen platform warns that it cannot pass size hints on or raise a window."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(
                pytest.mark.qt_log_ignore(
                    "does not support propagateSizeHints", "does not support raise"
                )
            )
