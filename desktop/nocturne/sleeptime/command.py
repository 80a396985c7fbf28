"""`nocturne digest`: sleep-time compute in the foreground, with a progress bar and an ETA.

Ctrl-C or SIGTERM stops after the current step (a second Ctrl-C interrupts at once; the step in
progress is rolled back, finished steps are kept either way). `--max-seconds` stops before a step
that would not finish in time. The last line says what was done.

`nocturne digest PATH...` digests only the documents added from those files or folders (and puts
them at the front of the queue until they are done, should the run be stopped); a path not in
the library is an error naming it. Notes across documents and the library brief are not part of
such a run: they depend on every document and wait for a digest of the whole library.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable, Collection
from types import FrameType
from typing import Any

from tqdm import tqdm

from nocturne.engine.base import Engine
from nocturne.library.digest_priorities import request_documents
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime.events import FINISH, START, DigestEvent
from nocturne.sleeptime.foreground_runs import foreground_run, one_digest_at_a_time
from nocturne.sleeptime.plan import LIBRARY_KINDS, in_budget
from nocturne.sleeptime.runner import DigestResult, DigestRunner
from nocturne.sleeptime.selection import select_documents


def make_digest_engine(settings: Settings) -> Engine:
    from nocturne.engine.factory import make_engine

    return make_engine(settings, "digest")


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
    documents: Collection[int] | None = None,
) -> DigestResult:
    """`documents`: digest only these (`nocturne digest PATH...`)."""
    runner = DigestRunner(
        store,
        engine,
        budget,
        on_event=on_event,
        max_seconds=max_seconds,
        settings=settings,
        documents=documents,
    )
    restore = install_stop_handlers(runner.stop)
    try:
        return runner.run()
    finally:
        restore()


def run_digest_command(args: argparse.Namespace) -> int:
    settings = Settings.load()
    budget = args.budget or settings.digest_budget
    paths: list[str] = list(getattr(args, "paths", None) or [])
    with Store.open() as store:
        selection = select_documents(store, paths) if paths else None
        for line in selection.unreadable if selection else ():
            print(f"nocturne: {line}", file=sys.stderr)
        if selection is not None and not selection.document_ids:
            return 1
        documents = selection.document_ids if selection else None
        if documents:  # at the front of the queue until done, should this run be stopped
            request_documents(store, documents)
        with one_digest_at_a_time():
            engine = make_digest_engine(settings)
            progress = ProgressBar()
            try:
                with foreground_run():  # `nocturne status` and the window see it
                    result = run_digest(
                        store, engine, budget, args.max_seconds, progress, settings, documents
                    )
            finally:
                progress.close()
    print(result.summary_line(), flush=True)
    if documents and in_budget(LIBRARY_KINDS[0], budget):
        print(
            "Notes across documents and the library brief wait for a digest of the whole "
            "library (`nocturne digest`).",
            flush=True,
        )
    if result.reason == "stopped":  # Ctrl-C or SIGTERM: finished work is kept, but the run
        return 130  # did not complete
    return 1 if selection is not None and selection.unreadable else 0
