"""How far the digest has come: one `DigestProgress` for `nocturne status`, the scheduler's "is
there work left" (`schedule/work.py`) and the window (status bar, document list).

Planning the library's steps is the costly part (every document's chunks are read; the
library-wide steps of budget high compare every document's terms with every other's), so it is
done once per change of the library: the planned counts are cached by the work fingerprint
(`library.digest_steps.work_fingerprint`, which changes with documents, finished steps and stale
notes), the budget, the model id, the OCR setting and the prompts' versions. The rest (document
states, notes kept, tokens spent) is a handful of aggregate queries, read fresh each time.
Whether a step is done is decided by `plan.done_keys`, the digest's own predicate.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nocturne.errors import KnownError
from nocturne.library import digest_steps, sleep_tokens
from nocturne.library.digest_steps import KindTotals, NoteCounts
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime.plan import budget_steps, check_budget, done_keys
from nocturne.sleeptime.prompts import STEP_VERSIONS

CACHED_PLANS = 8  # libraries × budgets × models one process asks about
"""The planned counts kept in memory (each is a few counters per document)."""


def ocr_enabled() -> bool:
    """The `ocr` setting (on when the settings cannot be read: the digest would say why)."""
    try:
        return bool(Settings.load().ocr)
    except KnownError:
        return True


def shown_state(state: str, learned_stale: object) -> str:
    """The state a document is shown in, by `nocturne status` and the window alike: a ready
    document whose text changed since its digest is stale (its digest no longer describes it)."""
    if state == "ready" and learned_stale:
        return "stale"
    return state


@dataclass(frozen=True)
class DocumentProgress:
    state: str  # as the library records it (queued, digesting, ready, stale, needs_ocr, error)
    steps_done: int
    steps_total: int
    notes: int  # notes kept (not stale) about this document

    @property
    def fraction(self) -> float:
        return self.steps_done / self.steps_total if self.steps_total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "steps_done": self.steps_done,
            "steps_total": self.steps_total,
            "fraction": self.fraction,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class PlannedCounts:
    """What planning the library yields, and all that is kept of it (see the module's note)."""

    steps_total: int
    steps_done: int
    total_by_document: Mapping[int, int]
    done_by_document: Mapping[int, int]
    pending_by_kind: Mapping[str, int]  # steps still to do, per step kind


@dataclass(frozen=True)
class DigestProgress:
    budget: str
    model_id: str | None  # the model whose steps count as done (None: any model's)
    steps_done: int
    steps_total: int
    pending_by_kind: Mapping[str, int]
    notes: Mapping[str, NoteCounts]  # per note kind
    by_step_kind: Mapping[str, KindTotals]  # what the finished steps of each kind did
    sleep_tokens: int  # tokens of the finished steps
    sleep_tokens_logged: int  # tokens of every digest model call (interrupted steps' too)
    documents: Mapping[int, DocumentProgress] = field(default_factory=dict)

    @property
    def steps_left(self) -> int:
        return self.steps_total - self.steps_done

    @property
    def kept(self) -> int:
        return sum(counts.kept for counts in self.notes.values())

    @property
    def stale(self) -> int:
        return sum(counts.stale for counts in self.notes.values())

    @property
    def dropped(self) -> int:
        return sum(totals.dropped for totals in self.by_step_kind.values())

    def as_dict(self) -> dict[str, Any]:
        """The digest part of `nocturne status --json` (its names are a contract)."""
        return {
            "budget": self.budget,
            "steps_done": self.steps_done,
            "steps_total": self.steps_total,
            "notes": {
                kind: {"kept": counts.kept, "stale": counts.stale}
                for kind, counts in self.notes.items()
            },
            "kept": self.kept,
            "dropped": self.dropped,
            "by_step_kind": {
                kind: {
                    "steps": totals.steps,
                    "kept": totals.kept,
                    "dropped": totals.dropped,
                    "tokens": totals.tokens,
                    "seconds": round(totals.seconds, 1),
                }
                for kind, totals in self.by_step_kind.items()
            },
            "sleep_tokens": self.sleep_tokens,
            "sleep_tokens_logged": self.sleep_tokens_logged,
            "documents": {str(k): v.as_dict() for k, v in self.documents.items()},
        }


_cache: OrderedDict[tuple[Any, ...], PlannedCounts] = OrderedDict()
_cache_lock = threading.Lock()
plannings = 0
"""How many times the library was planned for a progress (tests count it)."""


def _plan_counts(store: Store, budget: str, model_id: str | None, ocr: bool) -> PlannedCounts:
    global plannings
    plannings += 1
    # Budgets below high have no library-wide steps: planning the documents' own steps alone
    # spares comparing every document with every other (the bulk of the time in a big library).
    only = None if budget == "high" else set(sleep_tokens.document_ids(store))
    steps = budget_steps(store, budget, ocr, only)
    done = done_keys(digest_steps.step_records(store), model_id)
    total: Counter[int] = Counter()
    finished: Counter[int] = Counter()
    pending: Counter[str] = Counter()
    for step in steps:
        is_done = step.key in done
        if step.document_id is not None:
            total[step.document_id] += 1
            finished[step.document_id] += is_done
        if not is_done:
            pending[step.kind] += 1
    return PlannedCounts(
        steps_total=len(steps),
        steps_done=len(steps) - sum(pending.values()),
        total_by_document=total,
        done_by_document=finished,
        pending_by_kind=dict(pending),
    )


def planned_counts(
    store: Store, budget: str, model_id: str | None = None, ocr: bool | None = None
) -> PlannedCounts:
    """The planned counts for `budget`, from the cache while the library is unchanged."""
    budget = check_budget(budget)
    ocr = ocr_enabled() if ocr is None else ocr
    key = (
        str(store.path),
        digest_steps.work_fingerprint(store),
        budget,
        model_id,
        ocr,
        tuple(sorted(STEP_VERSIONS.items())),  # a prompt changed: its steps are redone
    )
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    counts = _plan_counts(store, budget, model_id, ocr)
    with _cache_lock:
        _cache[key] = counts
        while len(_cache) > CACHED_PLANS:
            _cache.popitem(last=False)
    return counts


def digest_progress(
    store: Store, budget: str, model_id: str | None = None, *, ocr: bool | None = None
) -> DigestProgress:
    """The digest's progress for `budget`: steps done by `model_id` (None: by any model; see
    `status.expected_model_id`) against the steps the budget needs, per document and in all."""
    counts = planned_counts(store, budget, model_id, ocr)
    fresh_notes = digest_steps.fresh_notes_per_document(store)
    documents = {
        int(row.id): DocumentProgress(
            str(row.state),
            counts.done_by_document.get(int(row.id), 0),
            counts.total_by_document.get(int(row.id), 0),
            int(fresh_notes.get(int(row.id), 0)),
        )
        for row in store.documents()
    }
    return DigestProgress(
        budget=budget,
        model_id=model_id,
        steps_done=counts.steps_done,
        steps_total=counts.steps_total,
        pending_by_kind=counts.pending_by_kind,
        notes=digest_steps.notes_by_kind(store),
        by_step_kind=digest_steps.totals_by_kind(store),
        sleep_tokens=sleep_tokens.total_tokens(store),
        sleep_tokens_logged=sleep_tokens.logged_tokens(store),
        documents=documents,
    )


def steps_pending(store: Store, budget: str, model_id: str | None = None) -> bool:
    """Steps of `budget` not yet done by `model_id` (the scheduler's exact "work left")."""
    counts = planned_counts(store, budget, model_id)
    return counts.steps_done < counts.steps_total
