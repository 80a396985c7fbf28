"""Which document the digest takes first.

1. Documents the person is waiting for, the latest first: asked about before their digest was
   done, or asked for ("Digest this document now", `nocturne digest PATH`; see
   `library/digest_priorities.py`). Their size does not matter: the person wants that one.
2. Documents added or changed in the last day (`RECENT_S`), then 3. the rest. Within each, by
   size class first (`SIZE_CLASSES`, in passages, which is what a digest's time follows), then
   the newest first: a huge file added a minute ago waits for the small files added beside it,
   so it does not hold up every other document for hours (it comes first among files of its
   size), and among files of about the same size the one added last is ready first.

Ties fall to the newer id, so the order is the same on every run.

A scan whose pages still wait for OCR takes its place in that order like any other document,
sized by its pages left to read (`document_ranks`): its OCR steps, and once they are done its
other steps, come where it belongs (`in_digest_order`), so a small text file added a minute ago
does not wait for the OCR of 200 pages of an older or bigger scan.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from nocturne.library.digest_documents import DigestibleDocument
from nocturne.library.digest_priorities import Priority

RECENT_S = 24 * 3600.0
"""Documents added or changed this recently come before the rest."""
SIZE_CLASSES = (16, 128, 1024)
"""Passage counts that split documents into size classes (up to 16, up to 128, up to 1,024,
more): each class takes about eight times longer to digest than the one before."""

WAITED_FOR, RECENT, REST = 0, 1, 2


def _seconds(stamp: str) -> float:
    """An ISO time (as SQLite writes it, `...Z`) as seconds since the epoch; 0 if unreadable."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return 0.0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def size_class(passages: int) -> int:
    return bisect.bisect_left(SIZE_CLASSES, passages)


def tier(document: DigestibleDocument, priorities: Mapping[int, Priority], now: float) -> int:
    if document.id in priorities:
        return WAITED_FOR
    return RECENT if now - _seconds(document.changed_at) <= RECENT_S else REST


def digest_order(
    documents: Iterable[DigestibleDocument],
    priorities: Mapping[int, Priority],
    now: datetime | None = None,
) -> list[DigestibleDocument]:
    """`documents` in the order the digest takes them (the module docstring says why)."""
    moment = (now or datetime.now(UTC)).timestamp()

    def key(document: DigestibleDocument) -> tuple[int, int, float, int]:
        level = tier(document, priorities, moment)
        if level == WAITED_FOR:
            return (level, 0, -_seconds(priorities[document.id].at), -document.id)
        return (
            level,
            size_class(document.chunk_count),
            -_seconds(document.changed_at),
            -document.id,
        )

    return sorted(documents, key=key)


def document_ranks(
    documents: Iterable[DigestibleDocument],
    priorities: Mapping[int, Priority],
    pages_to_read: Mapping[int, int],
    now: datetime | None = None,
) -> dict[int, int]:
    """Each document's place in the digest order (0 first), a document with pages waiting for
    OCR sized by those pages (as its passages will come from them) rather than by the text it
    has so far."""
    sized = (
        replace(d, chunk_count=pages_to_read[d.id]) if pages_to_read.get(d.id) else d
        for d in documents
    )
    return {d.id: place for place, d in enumerate(digest_order(sized, priorities, now))}


class _OfDocument(Protocol):
    @property
    def document_id(self) -> int | None: ...


S = TypeVar("S", bound=_OfDocument)


def in_digest_order(steps: Sequence[S], ranks: Mapping[int, int]) -> list[S]:
    """`steps` document by document in the order of `ranks`, each document's own steps in the
    order given (a scan's OCR pages before its other steps); steps of no document (across
    documents, the library brief) last, in the order given."""
    unknown = len(ranks)

    def key(step: S) -> int:
        if step.document_id is None:
            return unknown + 1
        return ranks.get(step.document_id, unknown)

    return sorted(steps, key=key)
