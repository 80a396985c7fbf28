"""`nocturne digest`: sleep-time compute in the foreground, with a progress bar and an ETA.

Ctrl-C or SIGTERM stops after the current step (a second Ctrl-C interrupts at once; the step in
progress is rolled back, finished steps are kept either way). `--max-seconds` stops before a step
that would not finish in time. The last line says what was done.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from tqdm import tqdm

from nocturne.engine.base import Engine
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime.events import FINISH, START, DigestEvent
from nocturne.sleeptime.fake_replies import adapt_fake_engine
from nocturne.sleeptime.runner import DigestResult, DigestRunner


def make_digest_engine(settings: Settings) -> Engine:
    from nocturne.engine.factory import make_engine

    return adapt_fake_engine(make_engine(settings, "digest"))


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    whole = round(seconds)
    if whole >= 3600:
        return f"{whole // 3600}h{whole % 3600 // 60:02d}m"
    return f"{whole // 60}:{whole % 60:02d}"


class ProgressBar:
    """A tqdm bar on stderr driven by digest events."""

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.bar: tqdm[Any] | None = None

    def close(self) -> None:
        """End the bar's line, so that an error message starts on a line of its own."""
        if self.bar is not None:
            self.bar.close()

    def __call__(self, event: DigestEvent) -> None:
        if event.kind == START:
            if not event.total:
                return
            self.bar = tqdm(
                total=event.total,
                unit="step",
                file=self.stream,
                dynamic_ncols=True,
                desc="digest",
                bar_format="{desc}: {percentage:3.0f}%|{bar}| "
                "{n_fmt}/{total_fmt} [{elapsed}{postfix}]",
            )
            self.bar.set_postfix_str(f"eta {format_seconds(event.eta_s)}")
            return
        if self.bar is None:
            return
        if event.message:  # a page OCR could not read, and the like
            self.bar.write(f"{event.label}: {event.message}", file=self.stream)
        if event.kind == FINISH:
            self.bar.close()
            return
        if event.total != self.bar.total:  # pages just read by OCR brought their own steps
            self.bar.total = event.total
            self.bar.refresh()
        self.bar.update(event.done - self.bar.n)
        self.bar.set_postfix_str(
            f"eta {format_seconds(event.eta_s)}, {event.tokens} tok, {event.kept} kept, "
            f"{event.dropped} dropped, {event.label[:30]}"
        )


def install_stop_handlers(stop: Callable[[], None]) -> Callable[[], None]:
    """First Ctrl-C / SIGTERM: stop after the current step. Second Ctrl-C: interrupt now.

    Returns a function that restores the previous handlers.
    """
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    asked = [False]

    def handler(signum: int, frame: FrameType | None) -> None:
        if asked[0] and signum == signal.SIGINT:
            raise KeyboardInterrupt
        asked[0] = True
        stop()
        print(
            "\nnocturne: stopping after the current step (Ctrl-C again to interrupt now)",
            file=sys.stderr,
            flush=True,
        )

    for sig in previous:
        signal.signal(sig, handler)

    def restore() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)

    return restore


def run_digest(
    store: Store,
    engine: Engine,
    budget: str,
    max_seconds: float | None,
    on_event: Callable[[DigestEvent], None],
    settings: Settings | None = None,
) -> DigestResult:
    runner = DigestRunner(
        store, engine, budget, on_event=on_event, max_seconds=max_seconds, settings=settings
    )
    restore = install_stop_handlers(runner.stop)
    try:
        return runner.run()
    finally:
        restore()


def run_digest_command(args: argparse.Namespace) -> int:
    settings = Settings.load()
    budget = args.budget or settings.digest_budget
    with Store.open() as store:
        engine = make_digest_engine(settings)
        progress = ProgressBar()
        try:
            result = run_digest(store, engine, budget, args.max_seconds, progress, settings)
        finally:
            progress.close()
    print(result.summary_line(), flush=True)
    # Stopped by Ctrl-C or SIGTERM: finished work is kept, but the run did not complete.
    return 130 if result.reason == "stopped" else 0
