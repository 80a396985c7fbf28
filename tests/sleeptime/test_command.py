"""`nocturne digest` in the foreground: times as the bar shows them, the bar, Ctrl-C and SIGTERM.

The command through a real subprocess is tested in `tests/test_cli_digest_paths.py` and
`test_interruptions.py`; these drive its parts in this process (signal handlers are called, not
sent)."""

from __future__ import annotations

import argparse
import io
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime.command import (
    ProgressBar,
    format_seconds,
    install_stop_handlers,
    run_digest,
    run_digest_command,
)
from nocturne.sleeptime.events import FINISH, START, STEP, DigestEvent

from fakes.engine import FakeEngine
from support import FAKE_ENGINE


@pytest.fixture
def handlers() -> Iterator[None]:
    """Whatever a test installs, this process's SIGINT and SIGTERM handlers are put back."""
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in previous.items():
        signal.signal(sig, handler)


def _handler(sig: signal.Signals) -> Callable[[int, object], None]:
    handler = signal.getsignal(sig)
    assert callable(handler)
    return handler


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (None, "?"),
        (0, "0:00"),
        (59.4, "0:59"),
        (59.6, "1:00"),  # rounded, not cut
        (3599.4, "59:59"),
        (3600, "1h00m"),
        (3725, "1h02m"),
        (36000, "10h00m"),
    ],
)
def test_format_seconds(seconds: float | None, shown: str) -> None:
    assert format_seconds(seconds) == shown


def test_the_bar_follows_the_steps_and_their_estimate() -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream)
    bar(DigestEvent(START, 0, 4, eta_s=125))
    assert bar.bar is not None and bar.bar.total == 4
    assert "eta 2:05" in stream.getvalue()
    bar(DigestEvent(STEP, 1, 4, label="Oil_crisis.pdf", tokens=50, kept=3, dropped=1, eta_s=60))
    assert bar.bar.n == 1
    assert bar.bar.postfix == "eta 1:00, 50 tok, 3 kept, 1 dropped, Oil_crisis.pdf"
    bar(DigestEvent(STEP, 3, 6, label="scan.pdf", eta_s=30))  # OCR brought two more steps
    assert (bar.bar.n, bar.bar.total) == (3, 6)
    bar(DigestEvent(FINISH, 6, 6, reason="done"))
    assert bar.bar.disable  # closed: the summary line starts on a line of its own
    assert stream.getvalue().endswith("\n")
    bar.close()  # closing again (the command always does) is harmless


def test_a_page_message_is_written_above_the_bar() -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream)
    bar(DigestEvent(START, 0, 2))
    bar(DigestEvent(STEP, 1, 2, label="scan.pdf", message="p. 2: OCR found no text on this page"))
    assert "\rscan.pdf: p. 2: OCR found no text on this page\n" in stream.getvalue()


def test_a_run_with_nothing_to_do_draws_no_bar() -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream)
    bar(DigestEvent(START, 0, 0))
    bar(DigestEvent(FINISH, 0, 0, reason="done"))
    bar.close()
    assert bar.bar is None and stream.getvalue() == ""


@pytest.mark.usefixtures("handlers")
def test_the_first_ctrl_c_asks_to_stop_and_the_second_interrupts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    stops: list[str] = []
    restore = install_stop_handlers(lambda: stops.append("stop"))
    _handler(signal.SIGINT)(signal.SIGINT, None)
    assert stops == ["stop"]
    assert "stopping after the current step (Ctrl-C again" in capsys.readouterr().err
    with pytest.raises(KeyboardInterrupt):
        _handler(signal.SIGINT)(signal.SIGINT, None)
    restore()


@pytest.mark.usefixtures("handlers")
def test_sigterm_only_ever_asks_to_stop_and_restore_puts_the_handlers_back() -> None:
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    stops: list[str] = []
    restore = install_stop_handlers(lambda: stops.append("stop"))
    assert signal.getsignal(signal.SIGTERM) is not before[signal.SIGTERM]
    _handler(signal.SIGTERM)(signal.SIGTERM, None)
    _handler(signal.SIGTERM)(signal.SIGTERM, None)  # a second SIGTERM does not interrupt
    assert stops == ["stop", "stop"]
    restore()
    assert {sig: signal.getsignal(sig) for sig in before} == before


@pytest.mark.usefixtures("handlers")
def test_sigterm_during_a_run_stops_it_after_the_step(
    store: Store, library: Callable[[], dict[str, int]], digest_engine: FakeEngine
) -> None:
    library()
    before = signal.getsignal(signal.SIGTERM)
    events: list[DigestEvent] = []

    def on_event(event: DigestEvent) -> None:
        events.append(event)
        if event.kind == STEP and event.done == 1:
            _handler(signal.SIGTERM)(signal.SIGTERM, None)

    result = run_digest(store, digest_engine, "low", None, on_event, Settings())
    assert result.reason == "stopped" and result.done == 1
    assert events[-1].kind == FINISH and events[-1].reason == "stopped"
    assert signal.getsignal(signal.SIGTERM) is before  # the run's handlers are gone


@pytest.mark.usefixtures("handlers")
def test_the_command_digests_the_library_and_prints_what_was_done(
    home: Path,
    library: Callable[[], dict[str, int]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    library()
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    args = argparse.Namespace(budget="low", max_seconds=None, paths=[])
    assert run_digest_command(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("Digest finished: ")
    assert "whole library" not in out  # only a run of some documents says so
    assert run_digest_command(args) == 0
    assert capsys.readouterr().out.startswith("Digest: nothing to do (")
