"""The digest loop: plan, then do pending steps one at a time, each committed atomically.

Against a server with parallel slots (`remote_concurrency` > 1) the model requests of the coming
steps run ahead in worker threads (`prefetch.py`) while this loop still runs and commits every
step on its own thread, each document's steps in plan order, so the store ends with the same
notes and step records as with one request at a time (a step whose answers are back may go
before an earlier step of another document that still waits for its own).

A pause (`pause_requests`, before the digest process is suspended) or a stop abandons the
requests sent ahead and still on the wire, closing their connections, so the server does not go
on working for a run that cannot take the answers; a resume sends them again.

Between steps the runner checks whether it should stop (a flag set by Ctrl-C, SIGTERM, a parent
process, or the time limit), so stopping never loses finished work and never leaves half a step.
Every model call goes through `LoggedEngine`, so sleep-time tokens appear in the call log with
purposes like "digest:questions". A scan's OCR steps (`ocr_step`) take its place in the digest
order (`order.in_digest_order`), not the front of the run: a small text file added today is not
held up by 200 pages of an older scan. Once a document's last page is read the run plans again,
and that document's other steps follow at its place, in the same run.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass

from nocturne.engine.base import Engine
from nocturne.engine.logged import LoggedEngine
from nocturne.library.digest_documents import (
    has_stale_notes,
    library_documents,
    mark_digesting,
    release_digesting,
    set_digest_state,
)
from nocturne.library.digest_priorities import priorities
from nocturne.library.step_timings import step_means
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime.events import FINISH, START, STEP, DigestEvent, EtaEstimator
from nocturne.sleeptime.ocr_step import OcrSkipped, OcrWork
from nocturne.sleeptime.order import document_ranks, in_digest_order
from nocturne.sleeptime.plan import OCR_PAGE, Plan, Step, plan_digest
from nocturne.sleeptime.prefetch import StepPrefetcher, concurrency_of
from nocturne.sleeptime.step_work import StepSuperseded, commit_step, run_step

EventSink = Callable[[DigestEvent], None]


@dataclass(frozen=True)
class DigestResult:
    reason: str  # done | stopped | time
    done: int  # steps finished in this run
    total: int  # steps this run had to do
    already_done: int  # steps of the budget finished by earlier runs
    tokens: int
    kept: int
    dropped: int
    seconds: float
    superseded: int = 0  # steps skipped because their document changed meanwhile
    concurrency: int = 1  # model requests allowed in flight (remote_concurrency; local: 1)
    in_flight: float = 0.0  # requests in flight on average (the parallelism achieved)
    wasted: int = 0  # requests sent ahead whose answers no step used

    def parallelism_line(self) -> str:
        """ ", 3.8 of 4 requests in flight on average" when several were allowed."""
        if self.concurrency <= 1:
            return ""
        wasted = f", {self.wasted} sent ahead unused" if self.wasted else ""
        return f", {self.in_flight:.1f} of {self.concurrency} requests in flight on average{wasted}"

    def summary_line(self) -> str:
        verb = {"done": "finished", "stopped": "stopped", "time": "stopped at the time limit"}
        if self.total == 0:
            return f"Digest: nothing to do ({self.already_done} steps done earlier)"
        return (
            f"Digest {verb.get(self.reason, self.reason)}: {self.done}/{self.total} steps in "
            f"{self.seconds:.1f} s ({self.already_done} done earlier), {self.kept} notes kept, "
            f"{self.dropped} dropped, {self.tokens} model tokens{self.parallelism_line()}"
        )


class DigestRunner:
    def __init__(
        self,
        store: Store,
        engine: Engine,
        budget: str,
        *,
        on_event: EventSink | None = None,
        should_stop: Callable[[], bool] | None = None,
        max_seconds: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        settings: Settings | None = None,
        ocr_work: OcrWork | None = None,
        documents: Collection[int] | None = None,
    ) -> None:
        """`settings`: for OCR (on/off, threads); loaded when needed if not given. `documents`:
        digest only these (`plan_digest`'s `only`)."""
        self.documents = documents
        self.store = store
        self.engine: Engine = (
            engine if isinstance(engine, LoggedEngine) else LoggedEngine(engine, store)
        )
        self.budget = budget
        self.on_event = on_event or (lambda event: None)
        self.should_stop = should_stop or (lambda: False)
        self.max_seconds = max_seconds
        self.clock = clock
        self._stop_requested = False
        self._settings = settings
        self._ocr_work = ocr_work
        self._requests_lock = threading.Lock()
        self._requests_paused = False
        self._prefetcher: StepPrefetcher | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = Settings.load()
        return self._settings

    def _ocr(self) -> OcrWork:
        if self._ocr_work is None:
            self._ocr_work = OcrWork(self.store, self.settings)
        return self._ocr_work

    def stop(self) -> None:
        """Ask the loop to stop after the current step (safe from a signal handler)."""
        self._stop_requested = True

    def pause_requests(self) -> None:
        """The digest is about to be paused (its process suspended): the model requests sent
        ahead and still on the wire are abandoned, so the server does not go on working for a
        run that cannot take the answers, and none is sent until `resume_requests()`, which
        sends them again. Safe from another thread; nothing to do without requests in flight."""
        with self._requests_lock:
            self._requests_paused = True
            if self._prefetcher is not None:
                self._prefetcher.pause()

    def resume_requests(self) -> None:
        with self._requests_lock:
            self._requests_paused = False
            if self._prefetcher is not None:
                self._prefetcher.resume()

    def _stopping(self) -> bool:
        return self._stop_requested or self.should_stop()

    def run(self) -> DigestResult:
        started = self.clock()
        ocr = bool(self.settings.ocr)
        plan = plan_digest(self.store, self.budget, self.engine.model_id, ocr, self.documents)
        pending = self._in_order(plan.pending)
        remaining_by_doc = _remaining(pending)
        eta = EtaEstimator(step_means(self.store, self.engine.model_id, untimed=True))
        totals = Counter[str]()
        self._emit(START, plan, 0, len(pending), eta, pending, started, totals)
        reason = "done"
        index = 0
        concurrency = concurrency_of(self.engine)
        prefetcher = (
            StepPrefetcher(self.store, self.engine, concurrency, run_step)
            if concurrency > 1 and isinstance(self.engine, LoggedEngine)
            else None
        )
        engine: Engine = self.engine if prefetcher is None else prefetcher.engine
        with self._requests_lock:
            self._prefetcher = prefetcher
            if prefetcher is not None and self._requests_paused:
                prefetcher.pause()
        try:
            # With requests in flight a step's time is the wall time since the previous step
            # ended (its share of the run), so ETAs and step means keep the run's real pace.
            previous_end = self.clock() if prefetcher is not None else 0.0
            while index < len(pending):
                if prefetcher is not None:
                    pending = prefetcher.next_first(pending, index, self._stopping)
                step = pending[index]
                if self._stopping():
                    reason = "stopped"
                    break
                if self._out_of_time(started, eta.mean(step.kind)):
                    reason = "time"
                    break
                self._start_document(step, remaining_by_doc)
                step_started = self.clock() if prefetcher is None else previous_end
                message = ""
                try:
                    if step.kind == OCR_PAGE:
                        outcome = self._ocr().run(step)
                        message = f"p. {step.page}: {outcome.message}" if outcome.message else ""
                        output = None
                    else:
                        output = run_step(self.store, engine, step)
                    seconds = self.clock() - step_started
                    previous_end = step_started + seconds
                    if output is not None:
                        with self.store.transaction():
                            commit_step(self.store, step, output, self.engine.model_id, seconds)
                            self._finish_document(step, remaining_by_doc)
                except (StepSuperseded, OcrSkipped):
                    totals["superseded"] += 1
                    index += 1
                    pending = self._replan_after_ocr(pending, index, remaining_by_doc, ocr)
                    continue
                eta.record(step.kind, seconds)
                totals["done"] += 1
                if output is not None:
                    totals["tokens"] += output.usage.total
                    totals["kept"] += len(output.notes)
                    totals["dropped"] += output.dropped
                index += 1
                pending = self._replan_after_ocr(pending, index, remaining_by_doc, ocr)
                self._emit(
                    STEP,
                    plan,
                    index,
                    len(pending),
                    eta,
                    pending[index:],
                    started,
                    totals,
                    step=step,
                    step_tokens=output.usage.total if output is not None else 0,
                    message=message,
                    in_flight=prefetcher.mean_in_flight() if prefetcher is not None else 0.0,
                )
        finally:
            in_flight = 0.0
            if prefetcher is not None:
                with self._requests_lock:
                    self._prefetcher = None
                in_flight = prefetcher.mean_in_flight()
                totals["wasted"] = prefetcher.close()
        self._release_unfinished(remaining_by_doc)
        result = DigestResult(
            reason,
            totals["done"],
            len(pending),
            len(plan.done),
            totals["tokens"],
            totals["kept"],
            totals["dropped"],
            self.clock() - started,
            totals["superseded"],
            concurrency,
            in_flight,
            totals["wasted"],
        )
        self._emit(
            FINISH,
            plan,
            totals["done"] + totals["superseded"],
            len(pending),
            eta,
            [],
            started,
            totals,
            reason=reason,
            in_flight=in_flight,
        )
        return result

    def _in_order(self, steps: list[Step]) -> list[Step]:
        """`steps` in the digest order, a scan's OCR pages at its place (`order.py`)."""
        pages = Counter(s.document_id for s in steps if s.kind == OCR_PAGE and s.document_id)
        ranks = document_ranks(library_documents(self.store), priorities(self.store), pages)
        return in_digest_order(steps, ranks)

    def _replan_after_ocr(
        self, pending: list[Step], index: int, remaining: Counter[int], ocr: bool
    ) -> list[Step]:
        """Once a document's last page of this run is read, its other steps join the run at
        its place in the order (the rest of the run is planned again: its text is new)."""
        if index == 0 or pending[index - 1].kind != OCR_PAGE:
            return pending
        read, rest = pending[index - 1].document_id, pending[index:]
        if any(step.kind == OCR_PAGE and step.document_id == read for step in rest):
            return pending
        fresh = plan_digest(
            self.store, self.budget, self.engine.model_id, ocr, self.documents
        ).pending
        ran = {step.key for step in pending[:index]}
        # The pages left are this run's (a page that must wait is not read again); every other
        # step comes from the new plan.
        pages = [step for step in rest if step.kind == OCR_PAGE]
        arranged = self._in_order(
            pages + [step for step in fresh if step.kind != OCR_PAGE and step.key not in ran]
        )
        remaining.clear()
        remaining.update(_remaining(arranged))
        # The new plan settled every document's state; those this run is in the middle of
        # stay "digesting".
        for doc_id in {s.document_id for s in pending[:index] if s.kind != OCR_PAGE}:
            if doc_id is not None and remaining[doc_id] > 0:
                mark_digesting(self.store, doc_id)
        return pending[:index] + arranged

    def _out_of_time(self, started: float, expected: float | None) -> bool:
        if self.max_seconds is None:
            return False
        elapsed = self.clock() - started
        return elapsed >= self.max_seconds or elapsed + (expected or 0.0) > self.max_seconds

    def _start_document(self, step: Step, remaining: Counter[int]) -> None:
        if step.document_id is None or step.kind == OCR_PAGE:
            return
        mark_digesting(self.store, step.document_id)

    def _finish_document(self, step: Step, remaining: Counter[int]) -> None:
        if step.document_id is None:
            return
        remaining[step.document_id] -= 1
        if remaining[step.document_id] <= 0:
            set_digest_state(self.store, step.document_id, "ready", learned_stale=False)

    def _release_unfinished(self, remaining: Counter[int]) -> None:
        """Documents left half-done go back to queued (or stale, if old notes await a redo)."""
        with self.store.transaction():
            for doc_id, count in remaining.items():
                if count <= 0:
                    continue
                state = "stale" if has_stale_notes(self.store, doc_id) else "queued"
                release_digesting(self.store, doc_id, state)

    def _emit(
        self,
        kind: str,
        plan: Plan,
        done: int,
        total: int,
        eta: EtaEstimator,
        rest: list[Step],
        started: float,
        totals: Counter[str],
        *,
        step: Step | None = None,
        step_tokens: int = 0,
        reason: str = "",
        message: str = "",
        in_flight: float = 0.0,
    ) -> None:
        self.on_event(
            DigestEvent(
                kind=kind,
                done=done,
                total=total,
                step_key=step.key if step else "",
                step_kind=step.kind if step else "",
                label=step.label if step else "",
                step_tokens=step_tokens,
                tokens=totals["tokens"],
                kept=totals["kept"],
                dropped=totals["dropped"],
                elapsed_s=self.clock() - started,
                eta_s=eta.remaining([s.kind for s in rest]) if kind != FINISH else 0.0,
                reason=reason,
                message=message,
                in_flight=in_flight,
                documents_eta_s=(
                    eta.by_document((s.kind, s.document_id) for s in rest) if kind != FINISH else {}
                ),
            )
        )


def _remaining(steps: list[Step]) -> Counter[int]:
    """Steps left per document; OCR steps do not finish a document (its notes come after)."""
    return Counter(s.document_id for s in steps if s.document_id is not None and s.kind != OCR_PAGE)
