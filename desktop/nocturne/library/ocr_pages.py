"""The OCR state of scanned pages in the store (table `ocr_pages`, migration m009).

A page is `pending` until the digest reads it, then `done` (its text stored), `empty` (OCR
found no text) or `error` (the page could not be rendered); the last two carry a message for
the person. Rows belong to one version of the file: re-adding it unchanged keeps what was read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nocturne.library.store import Store

PENDING = "pending"
DONE = "done"
EMPTY = "empty"
ERROR = "error"
NEEDS_OCR = "needs_ocr"  # the document state while any of its pages waits for OCR


@dataclass(frozen=True)
class OcrPage:
    document_id: int
    page: int
    content_hash: str
    path: str
    name: str
    kind: str


@dataclass(frozen=True)
class OcrCounts:
    pending: int = 0
    done: int = 0
    empty: int = 0
    error: int = 0

    @property
    def total(self) -> int:
        return self.pending + self.done + self.empty + self.error


def set_pages(store: Store, document_id: int, content_hash: str, pages: Sequence[int]) -> None:
    """The pages of this version of the document that need OCR; earlier readings of the same
    version are kept, those of another version or of pages that no longer need it dropped."""
    with store.transaction() as conn:
        conn.execute(
            "DELETE FROM ocr_pages WHERE document_id = ? AND content_hash != ?",
            (document_id, content_hash),
        )
        wanted = set(pages)
        for row in conn.execute(
            "SELECT page FROM ocr_pages WHERE document_id = ?", (document_id,)
        ).fetchall():
            if row["page"] not in wanted:
                conn.execute(
                    "DELETE FROM ocr_pages WHERE document_id = ? AND page = ?",
                    (document_id, row["page"]),
                )
        conn.executemany(
            "INSERT OR IGNORE INTO ocr_pages(document_id, page, content_hash) VALUES (?, ?, ?)",
            [(document_id, page, content_hash) for page in sorted(wanted)],
        )


def readings(store: Store, path: str, content_hash: str) -> dict[int, tuple[str, str]]:
    """(state, text) of the pages of this version of the file at `path` that OCR has finished
    (read, found empty or failed), by page."""
    rows = store.query(
        "SELECT o.page, o.state, o.text FROM ocr_pages o JOIN documents d ON d.id = o.document_id "
        "WHERE d.path = ? AND o.content_hash = ? AND o.state != ?",
        (path, content_hash, PENDING),
    )
    return {int(row["page"]): (str(row["state"]), str(row["text"])) for row in rows}


def has_pages(store: Store, document_id: int, content_hash: str) -> bool:
    return bool(
        store.scalar(
            "SELECT 1 FROM ocr_pages WHERE document_id = ? AND content_hash = ? LIMIT 1",
            (document_id, content_hash),
        )
    )


def counts(store: Store, document_id: int) -> OcrCounts:
    rows = store.query(
        "SELECT state, COUNT(*) AS n FROM ocr_pages WHERE document_id = ? GROUP BY state",
        (document_id,),
    )
    found = {str(row["state"]): int(row["n"]) for row in rows}
    return OcrCounts(*(found.get(state, 0) for state in (PENDING, DONE, EMPTY, ERROR)))


def pending_pages(store: Store) -> list[OcrPage]:
    """Pages waiting for OCR, document by document, of documents not in error."""
    rows = store.query(
        "SELECT o.document_id, o.page, o.content_hash, d.path, d.name, d.kind FROM ocr_pages o "
        "JOIN documents d ON d.id = o.document_id "
        "WHERE o.state = ? AND d.state != 'error' AND o.content_hash = d.content_hash "
        "ORDER BY o.document_id, o.page",
        (PENDING,),
    )
    return [
        OcrPage(
            int(r["document_id"]),
            int(r["page"]),
            str(r["content_hash"]),
            r["path"],
            r["name"],
            r["kind"],
        )
        for r in rows
    ]


def is_pending(store: Store, document_id: int, page: int, content_hash: str) -> bool:
    return bool(
        store.scalar(
            "SELECT 1 FROM ocr_pages WHERE document_id = ? AND page = ? AND content_hash = ? "
            "AND state = ?",
            (document_id, page, content_hash, PENDING),
        )
    )


def record(
    store: Store,
    page: OcrPage,
    *,
    state: str,
    text: str = "",
    confidence: float | None = None,
    rotation: int = 0,
    seconds: float = 0.0,
    message: str = "",
    engine: str = "",
) -> bool:
    """Store what OCR made of a page; False when that version of the page is gone meanwhile."""
    with store.transaction() as conn:
        cur = conn.execute(
            "UPDATE ocr_pages SET state = ?, text = ?, confidence = ?, rotation = ?, seconds = ?, "
            "message = ?, engine = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') "
            "WHERE document_id = ? AND page = ? AND content_hash = ?",
            (
                state,
                text,
                confidence,
                rotation,
                seconds,
                message,
                engine,
                page.document_id,
                page.page,
                page.content_hash,
            ),
        )
        return cur.rowcount > 0


def problems(store: Store, document_id: int) -> list[tuple[int, str]]:
    """(page, message) of the pages OCR could not read, for the person."""
    rows = store.query(
        "SELECT page, message FROM ocr_pages WHERE document_id = ? AND state IN (?, ?) "
        "ORDER BY page",
        (document_id, EMPTY, ERROR),
    )
    return [(int(row["page"]), str(row["message"])) for row in rows]


def problems_by_document(store: Store) -> dict[int, tuple[tuple[int, str], ...]]:
    """`problems()` of every document that has any, in one query (the library pane's rows)."""
    found: dict[int, list[tuple[int, str]]] = {}
    for row in store.query(
        "SELECT o.document_id, o.page, o.message FROM ocr_pages o "
        "JOIN documents d ON d.id = o.document_id AND o.content_hash = d.content_hash "
        "WHERE o.state IN (?, ?) ORDER BY o.document_id, o.page",
        (EMPTY, ERROR),
    ):
        found.setdefault(int(row["document_id"]), []).append(
            (int(row["page"]), str(row["message"]))
        )
    return {document: tuple(pages) for document, pages in found.items()}


def read_pages(store: Store, chunk_ids: Iterable[int]) -> set[int]:
    """Which of these chunks lie on a page whose text came from OCR (citations say so)."""
    ids = list(chunk_ids)
    if not ids:
        return set()
    marks = ",".join("?" * len(ids))
    rows = store.query(
        f"SELECT c.id FROM chunks c JOIN ocr_pages o ON o.document_id = c.document_id "
        f"AND o.page = COALESCE(c.page, 1) AND o.state = ? WHERE c.id IN ({marks})",
        (DONE, *ids),
    )
    return {int(row["id"]) for row in rows}
