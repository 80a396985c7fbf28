"""Pages waiting for OCR follow the digest's order too: a document asked for first, and a
scan with few pages to read before one with many, both added now."""

from __future__ import annotations

from pathlib import Path

from nocturne.library.digest_priorities import request_documents
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime.plan import OCR_PAGE, plan_digest

from fakes.engine import FakeEngine
from scan_maker import page_image, scanned_pdf


def _scans(store: Store, settings: Settings, tmp_path: Path) -> dict[str, int]:
    page = page_image(["placeholder"])
    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / "long.pdf").write_bytes(scanned_pdf([page] * 20))  # more than 16 pages
    (folder / "short.pdf").write_bytes(scanned_pdf([page, page]))
    list(add_paths(store, [folder], settings, FakeEngine()))
    return {row.name: int(row.id) for row in store.documents()}


def _reading_order(store: Store) -> list[int]:
    order: list[int] = []
    for step in plan_digest(store, "low", FakeEngine().model_id).pending:
        if step.kind == OCR_PAGE and step.document_id not in order:
            order.append(int(step.document_id or 0))
    return order


def test_ocr_pages_follow_the_digest_order(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    ids = _scans(store, settings, tmp_path)
    assert _reading_order(store) == [ids["short.pdf"], ids["long.pdf"]]
    request_documents(store, [ids["long.pdf"]])
    assert _reading_order(store) == [ids["long.pdf"], ids["short.pdf"]]
    pages = [s.page for s in plan_digest(store, "low", "m").pending if s.kind == OCR_PAGE]
    assert pages[:20] == list(range(1, 21))  # a document's pages stay in order
