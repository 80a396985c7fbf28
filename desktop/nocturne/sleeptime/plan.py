"""What a digest has to do: the steps for a budget, and which of them are already done.

A step is the unit of work and of commit: one chunk's notes, one section or document summary,
one pair of related documents, the library brief. Its key names its inputs (chunk id, document
content hash), so a changed document yields new keys. A step counts as done when its row exists
with the current model id and prompt version and none of its notes are stale; otherwise it is
pending, and its old notes stay marked stale (never served) until the redo replaces them.

Budgets: low = structure notes (outline, definitions, references) and chunk notes; medium = +
section and document summaries; high = + notes across documents and a library brief.

OCR of scanned pages is a step per page (`ocr_page`) in every budget, listed first here, since
nothing can be learned from a page before it is read. A document with pages still waiting for OCR
gets no other steps yet: its text changes with every page read. The runner takes the pages at
their document's place in the digest order (`order.in_digest_order`: a scan's size is its pages
left to read), and plans again once a document's last page is read, so its other steps follow.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter, OrderedDict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from nocturne.library import digest_steps, ocr_pages
from nocturne.library.digest_documents import (
    DigestibleDocument,
    has_stale_notes,
    library_documents,
    set_digest_state,
)
from nocturne.library.digest_inputs import Chunk, document_chunks
from nocturne.library.digest_priorities import priorities
from nocturne.library.digest_steps import StepRecord
from nocturne.library.step_timings import OCR_PAGE
from nocturne.library.store import Store
from nocturne.sleeptime.order import digest_order
from nocturne.sleeptime.prompts import STEP_VERSIONS
from nocturne.sleeptime.terms import document_terms, related_pairs

BUDGETS = ("low", "medium", "high")
KIND_BUDGET = {
    OCR_PAGE: "low",
    "structure": "low",
    "chunk_notes": "low",
    "section_summary": "medium",
    "document_summary": "medium",
    "cross_document": "high",
    "library_brief": "high",
}
SECTION_CHUNKS = 4  # chunks per section summary (a section of the document starts one early)
LIBRARY_KINDS = ("cross_document", "library_brief")  # steps not tied to one document


@dataclass(frozen=True)
class Step:
    key: str
    kind: str
    document_id: int | None
    chunk_ids: tuple[int, ...] = ()
    pair: tuple[int, int] | None = None  # the two documents a cross_document step compares
    label: str = ""
    page: int | None = None  # the page an ocr_page step reads


def check_budget(budget: str) -> str:
    """`budget` when the digest knows it. An unknown one is the same error for the digest and
    for every progress and status (settings refuse one when read, so here it is a bug)."""
    if budget not in BUDGETS:
        raise ValueError(f"unknown digest budget {budget!r}")
    return budget


def in_budget(kind: str, budget: str) -> bool:
    return BUDGETS.index(KIND_BUDGET[kind]) <= BUDGETS.index(budget)


def sections(chunks: Sequence[Chunk]) -> list[list[Chunk]]:
    """Runs of consecutive chunks of even size (at most SECTION_CHUNKS); a section starts one."""
    runs: list[list[Chunk]] = []
    for chunk in chunks:  # first split where the document's own sections change
        if not runs or (chunk.section_id != runs[-1][-1].section_id and runs[-1]):
            runs.append([])
        runs[-1].append(chunk)
    groups: list[list[Chunk]] = []
    for run in runs:  # then cut long runs into even parts
        parts = -(-len(run) // SECTION_CHUNKS)
        size = -(-len(run) // parts)
        groups.extend(run[i : i + size] for i in range(0, len(run), size))
    return groups


def _document_steps(store: Store, document: DigestibleDocument) -> list[Step]:
    doc_id, name = document.id, document.name
    chunks = document_chunks(store, doc_id)
    steps = [
        Step(
            f"structure:{doc_id}:{_fingerprint(document)}",
            "structure",
            doc_id,
            tuple(c.id for c in chunks),
            label=name,
        )
    ]
    steps += [Step(f"chunk:{c.id}", "chunk_notes", doc_id, (c.id,), label=name) for c in chunks]
    groups = sections(chunks)
    if len(groups) > 1:
        for group in groups:
            ids = tuple(c.id for c in group)
            steps.append(
                Step(
                    f"section:{doc_id}:{ids[0]}-{ids[-1]}",
                    "section_summary",
                    doc_id,
                    ids,
                    label=name,
                )
            )
    steps.append(
        Step(
            f"document:{doc_id}",
            "document_summary",
            doc_id,
            tuple(c.id for c in chunks),
            label=name,
        )
    )
    return steps


def _fingerprint(document: DigestibleDocument) -> str:
    return str(document.content_hash or "")[:12]


def ocr_steps(store: Store) -> list[Step]:
    """One step per page waiting for OCR."""
    return [
        Step(
            f"ocr:{page.document_id}:{page.content_hash[:12]}:{page.page}",
            OCR_PAGE,
            page.document_id,
            label=page.name,
            page=page.page,
        )
        for page in ocr_pages.pending_pages(store)
    ]


def all_steps(
    store: Store,
    ocr: bool = True,
    only: Collection[int] | None = None,
    now: datetime | None = None,
) -> list[Step]:
    """Every step of the high budget: the OCR pages (when `ocr`), then document by document in
    the order of `sleeptime/order.py`, then the library-wide ones (the runner interleaves the
    pages with the other documents by that same order).

    `only`: just the steps of these documents (`nocturne digest PATH`, "Digest this document
    now"); the library-wide steps then wait for a digest of the whole library. `now`: the time
    the order counts "recently added" from (tests)."""
    pages: list[Step] = ocr_steps(store) if ocr else []
    if only is not None:
        pages = [step for step in pages if step.document_id in only]
    waiting = Counter(step.document_id for step in pages if step.document_id is not None)
    everything = library_documents(store)
    front = priorities(store)
    # Pages to read go by the same order, a document's size being its pages left to read.
    reading = digest_order(
        (replace(d, chunk_count=waiting[d.id]) for d in everything if d.id in waiting), front, now
    )
    rank = {d.id: i for i, d in enumerate(reading)}
    steps = sorted(pages, key=lambda step: rank.get(step.document_id or 0, len(rank)))
    documents = [d for d in everything if d.chunk_count > 0 and d.id not in waiting]
    chosen = documents if only is None else [d for d in documents if d.id in only]
    for document in digest_order(chosen, front, now):
        steps.extend(_document_steps(store, document))
    if only is not None:
        return steps
    by_id = {d.id: d for d in documents}
    digest = _library_identity(documents)
    for first, second in _related_documents(store, documents, digest):
        a, b = by_id[first], by_id[second]
        steps.append(
            Step(
                f"cross:{first}:{_fingerprint(a)}:{second}:{_fingerprint(b)}",
                "cross_document",
                None,
                (),
                (first, second),
                label=f"{a.name} + {b.name}",
            )
        )
    if documents:
        steps.append(Step(f"library:{digest}", "library_brief", None, label="library"))
    return steps


def _library_identity(documents: Sequence[DigestibleDocument]) -> str:
    """Names the documents and their contents (the library brief's step key)."""
    identity = ",".join(f"{d.id}:{d.content_hash}" for d in documents)
    return hashlib.sha1(identity.encode()).hexdigest()[:16]


PAIRINGS_KEPT = 4
_pairings: OrderedDict[tuple[str, str], list[tuple[int, int]]] = OrderedDict()
_pairings_lock = threading.Lock()


def _related_documents(
    store: Store, documents: Sequence[DigestibleDocument], identity: str
) -> list[tuple[int, int]]:
    """The related pairs (`terms.related_pairs`) of `documents`. Comparing every document's
    terms is the costliest part of planning a big library at budget high, and its answer
    depends on the documents' contents alone, so it is kept per library file and `identity`
    (a plan after each finished step, as the progress and the runner make, reuses it)."""
    key = (str(store.path), identity)
    with _pairings_lock:
        if key in _pairings:
            _pairings.move_to_end(key)
            return _pairings[key]
    pairs = related_pairs({d.id: document_terms(store, d.id) for d in documents})
    with _pairings_lock:
        _pairings[key] = pairs
        while len(_pairings) > PAIRINGS_KEPT:
            _pairings.popitem(last=False)
    return pairs


@dataclass
class Plan:
    budget: str
    steps: list[Step]  # every step of this budget, in order
    done: set[str]  # keys already done with the current model and prompts

    @property
    def pending(self) -> list[Step]:
        return [s for s in self.steps if s.key not in self.done]


def budget_steps(
    store: Store, budget: str, ocr: bool = True, only: Collection[int] | None = None
) -> list[Step]:
    """The steps of `budget` (a known one), in the order a digest does them."""
    return [s for s in all_steps(store, ocr, only) if in_budget(s.kind, budget)]


def step_is_current(record: StepRecord, model_id: str | None) -> bool:
    """Was the step recorded with its kind's current prompt version, by `model_id` (None: by any
    model)? A step that is not must be redone, and its notes are stale meanwhile."""
    return record.prompt_version == STEP_VERSIONS.get(record.kind) and (
        model_id is None or record.model_id == model_id
    )


def done_keys(records: Iterable[StepRecord], model_id: str | None) -> set[str]:
    """Keys of the steps that count as done: current (`step_is_current`), no note stale. The one
    answer for the digest's plan and for every status (`sleeptime/digest_report.py`)."""
    return {r.key for r in records if step_is_current(r, model_id) and not r.has_stale_notes}


def plan_digest(
    store: Store,
    budget: str,
    model_id: str,
    ocr: bool = True,
    only: Collection[int] | None = None,
    now: datetime | None = None,
) -> Plan:
    """The steps of `budget`; marks outdated notes stale and forgets superseded library steps.

    `ocr`: read scanned pages (the `ocr` setting); off, they keep waiting. `only`: the steps of
    these documents alone (`all_steps`). `now`: for the order's "recently added" (tests).
    """
    check_budget(budget)
    every = all_steps(store, ocr, only, now)
    keys = {s.key for s in every}
    with store.transaction():
        records = digest_steps.step_records(store)
        # A plan of some documents has no library steps: none of those is superseded by it.
        superseded = {
            r.id for r in records if only is None and r.key not in keys and r.kind in LIBRARY_KINDS
        }
        for record in records:
            if record.id in superseded:
                digest_steps.forget_step(store, record.id)
            elif not step_is_current(record, model_id):
                digest_steps.mark_notes_stale(store, record.id)
        done = done_keys((r for r in records if r.id not in superseded), model_id)
        steps = [s for s in every if in_budget(s.kind, budget)]
        _settle_document_states(store, steps, done)
    return Plan(budget, steps, done)


def steps_per_document(steps: Sequence[Step], done: set[str]) -> tuple[Counter[int], Counter[int]]:
    """Per document id: how many of `steps` it has, and how many of those are in `done`."""
    total: Counter[int] = Counter()
    finished: Counter[int] = Counter()
    for step in steps:
        if step.document_id is not None:
            total[step.document_id] += 1
            finished[step.document_id] += step.key in done
    return total, finished


def _settle_document_states(store: Store, steps: Sequence[Step], done: set[str]) -> None:
    """ready when all its steps are done, stale when it has stale notes, needs_ocr while pages
    wait for OCR, else queued."""
    total, finished = steps_per_document(steps, done)
    reading = {s.document_id for s in steps if s.kind == OCR_PAGE}
    for doc_id, count in total.items():
        if doc_id in reading:
            set_digest_state(store, doc_id, ocr_pages.NEEDS_OCR, learned_stale=True)
        elif finished[doc_id] == count:
            set_digest_state(store, doc_id, "ready", learned_stale=False)
        else:
            state = "stale" if has_stale_notes(store, doc_id) else "queued"
            set_digest_state(store, doc_id, state, learned_stale=True)
