"""The `ocr_page` step: read one scanned page, store its text, and re-read its document.

Runs in the digest's own process, at its priority and thread count (`threads` setting); the OCR
model is loaded the first time a page is read, so a digest with no scanned pages never loads it.
The page's text and the document's new chunks commit in one transaction, so a page is either read
and searchable or still pending — never read but missing from the library. A page that cannot be
read (not renderable, OCR found nothing) is recorded with a message and the digest goes on.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nocturne.errors import KnownError
from nocturne.library import ocr_pages
from nocturne.library.ocr_pages import DONE, EMPTY, ERROR, OcrPage
from nocturne.library.store import Store
from nocturne.ocr.pages import OcrPageError, image_page, pdf_page
from nocturne.settings import Settings
from nocturne.sleeptime.plan import Step

if TYPE_CHECKING:
    from PIL.Image import Image

    from nocturne.library.chunking import TokenCounter
    from nocturne.ocr.reader import OcrReader

log = logging.getLogger(__name__)
LOW_CONFIDENCE = 0.75  # below this mean score a page is read but flagged


class OcrSkipped(Exception):
    """The page cannot be done now (file gone or changed, OCR missing); it stays pending."""


@dataclass(frozen=True)
class OcrOutcome:
    state: str  # done | empty | error
    message: str = ""
    characters: int = 0
    confidence: float | None = None
    rotation: int = 0


class OcrWork:
    """Does `ocr_page` steps for one digest run; holds the OCR reader once it is loaded."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        reader: OcrReader | None = None,
        counter: TokenCounter | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self._reader = reader
        self._counter = counter
        self._unavailable = ""

    def reader(self) -> OcrReader:
        if self._reader is None:
            from nocturne.ocr.reader import OcrReader

            self._reader = OcrReader(self.settings.threads)
        return self._reader

    def counter(self) -> TokenCounter:
        if self._counter is None:
            from nocturne.engine.factory import make_tokenizer

            self._counter = make_tokenizer(self.settings)
        return self._counter

    def run(self, step: Step) -> OcrOutcome:
        """Read the step's page and commit it; raises OcrSkipped when it must wait."""
        if self._unavailable:
            raise OcrSkipped(self._unavailable)
        page, data = self._page_and_bytes(step)
        try:
            image = self._render(page, data)
        except OcrPageError as exc:
            return self._commit(page, OcrOutcome(ERROR, exc.message))
        try:
            reading = self.reader().read(image)
        except KnownError as exc:  # OCR not installed: every page waits, the digest goes on
            self._unavailable = exc.message
            raise OcrSkipped(exc.message) from exc
        except MemoryError:
            return self._commit(page, OcrOutcome(ERROR, "not enough memory to read this page"))
        except Exception as exc:  # onnxruntime and OpenCV raise many types on odd images
            log.warning("OCR failed on %s page %s", page.path, page.page, exc_info=True)
            return self._commit(
                page, OcrOutcome(ERROR, f"OCR failed on this page ({type(exc).__name__}: {exc})")
            )
        if not reading.text.strip():
            outcome = OcrOutcome(EMPTY, "OCR found no text on this page", rotation=reading.rotation)
            return self._commit(page, outcome, seconds=reading.seconds)
        message = ""
        if reading.confidence is not None and reading.confidence < LOW_CONFIDENCE:
            message = f"read with low confidence ({reading.confidence:.0%}); check the scan"
        outcome = OcrOutcome(DONE, message, len(reading.text), reading.confidence, reading.rotation)
        return self._commit(page, outcome, text=reading.text, seconds=reading.seconds)

    def _page_and_bytes(self, step: Step) -> tuple[OcrPage, bytes]:
        assert step.document_id is not None and step.page is not None
        document = self.store.document(step.document_id)
        if document is None:
            raise OcrSkipped("the document was removed")
        page = OcrPage(
            step.document_id,
            step.page,
            str(document.content_hash or ""),
            str(document.path),
            str(document.name),
            str(document.kind),
        )
        if not ocr_pages.is_pending(self.store, page.document_id, page.page, page.content_hash):
            raise OcrSkipped("the page was read meanwhile")
        try:
            data = Path(page.path).read_bytes()
        except OSError as exc:
            raise OcrSkipped(f"the file cannot be read now ({exc.strerror})") from exc
        if hashlib.sha256(data).hexdigest() != page.content_hash:
            raise OcrSkipped("the file changed since it was added; it is read again when re-added")
        return page, data

    @staticmethod
    def _render(page: OcrPage, data: bytes) -> Image:
        if page.kind == "pdf":
            return pdf_page(data, page.page)
        return image_page(data, page.page)

    def _commit(
        self, page: OcrPage, outcome: OcrOutcome, *, text: str = "", seconds: float = 0.0
    ) -> OcrOutcome:
        """The page's reading and the document re-read with it, in one transaction."""
        from nocturne.library.ingest import add_file

        with self.store.transaction():
            if not ocr_pages.record(
                self.store,
                page,
                state=outcome.state,
                text=text,
                confidence=outcome.confidence,
                rotation=outcome.rotation,
                seconds=seconds,
                message=outcome.message,
                engine=_engine_name(),
            ):
                raise OcrSkipped("the document changed meanwhile")
            result = add_file(
                self.store, Path(page.path), self.settings, self.counter(), reread=True
            )
        if result.failed:
            log.info("%s after OCR of page %s: %s", page.path, page.page, result.reason)
        return outcome


def _engine_name() -> str:
    from nocturne.ocr.reader import ENGINE_NAME

    return ENGINE_NAME
