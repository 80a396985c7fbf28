"""The digest's order of documents (`sleeptime/order.py`), as a pure function."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from nocturne.library.digest_documents import DigestibleDocument
from nocturne.library.digest_priorities import ASKED, REQUESTED, Priority
from nocturne.sleeptime.order import (
    RECENT_S,
    digest_order,
    document_ranks,
    in_digest_order,
    size_class,
)

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def _stamp(hours_ago: float) -> str:
    return (NOW - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _doc(doc_id: int, passages: int, hours_ago: float) -> DigestibleDocument:
    return DigestibleDocument(doc_id, f"d{doc_id}", f"h{doc_id}", passages, _stamp(hours_ago))


def _ids(documents: list[DigestibleDocument]) -> list[int]:
    return [d.id for d in documents]


def test_size_classes_are_orders_of_magnitude_of_passages() -> None:
    assert [size_class(n) for n in (1, 16, 17, 128, 129, 1024, 1025, 50_000)] == [
        0,
        0,
        1,
        1,
        2,
        2,
        3,
        3,
    ]


def test_recent_documents_come_first_newest_first_then_the_rest() -> None:
    old_a, old_b = _doc(1, 5, 24 * 30), _doc(2, 5, 24 * 3)
    new_a, new_b = _doc(3, 5, 5), _doc(4, 5, 1)
    assert _ids(digest_order([old_a, old_b, new_a, new_b], {}, NOW)) == [4, 3, 2, 1]
    edge = _doc(5, 5, RECENT_S / 3600)  # exactly a day old still counts as recent
    assert _ids(digest_order([old_b, edge], {}, NOW)) == [5, 2]


def test_a_huge_new_file_does_not_hold_up_the_small_ones_added_beside_it() -> None:
    small_earlier = _doc(1, 6, 0.2)
    huge_latest = _doc(2, 4_500, 0.1)  # a 5 MB text file: thousands of passages
    small_later = _doc(3, 40, 0.05)
    order = digest_order([small_earlier, huge_latest, small_later], {}, NOW)
    assert _ids(order) == [1, 3, 2]
    # ... but it still comes before an old document of its own size class and older ones
    old_huge = _doc(4, 3_000, 24 * 10)
    old_small = _doc(5, 3, 24 * 10)
    assert _ids(digest_order([old_small, old_huge, huge_latest], {}, NOW)) == [2, 5, 4]


def test_documents_waited_for_come_first_of_all_latest_first_whatever_their_size() -> None:
    documents = [_doc(1, 3, 0.1), _doc(2, 9_000, 24 * 100), _doc(3, 4, 24 * 100), _doc(4, 2, 0)]
    front = {
        2: Priority(2, ASKED, _stamp(0.5)),
        3: Priority(3, REQUESTED, _stamp(0.1)),
    }
    assert _ids(digest_order(documents, front, NOW)) == [3, 2, 4, 1]


def test_the_order_is_the_same_whatever_order_the_documents_come_in() -> None:
    documents = [_doc(i, (i * 37) % 300 + 1, (i * 13) % 50) for i in range(1, 60)]
    documents.append(_doc(60, 10, 3))  # same size class and age as another: the newer id first
    documents.append(_doc(61, 10, 3))
    forward = _ids(digest_order(documents, {}, NOW))
    assert forward == _ids(digest_order(list(reversed(documents)), {}, NOW))
    assert forward.index(61) < forward.index(60)


def test_a_scan_waiting_for_ocr_is_placed_by_its_pages_to_read() -> None:
    """No text yet (0 passages) would put a 200-page scan first of all; by its pages it comes
    after the small files of the day, and before an old document."""
    scan = _doc(1, 0, 2)
    small_text = _doc(2, 3, 1)
    old_text = _doc(3, 3, 24 * 10)
    ranks = document_ranks([scan, small_text, old_text], {}, {1: 200}, NOW)
    assert ranks == {2: 0, 1: 1, 3: 2}
    asked = {1: Priority(1, REQUESTED, _stamp(0.1))}
    assert document_ranks([scan, small_text, old_text], asked, {1: 200}, NOW)[1] == 0


@dataclass(frozen=True)
class _Step:
    name: str
    document_id: int | None


def test_steps_go_document_by_document_keeping_each_documents_own_order() -> None:
    steps = [
        _Step("ocr 1", 1),
        _Step("ocr 2", 1),
        _Step("chunk a", 2),
        _Step("summary a", 2),
        _Step("pair", None),
        _Step("chunk b", 3),
        _Step("brief", None),
    ]
    ordered = in_digest_order(steps, {3: 0, 2: 1, 1: 2})
    assert [s.name for s in ordered] == [
        "chunk b",
        "chunk a",
        "summary a",
        "ocr 1",
        "ocr 2",
        "pair",
        "brief",
    ]
