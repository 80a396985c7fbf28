"""OCR as digest steps, with a fake reader: planned first, committed page by page, resumable,
preemptible, bad pages reported per page without stopping the digest, off in settings."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from nocturne.library import ocr_pages
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.ocr.layout import OcrLine
from nocturne.ocr.reader import PageReading
from nocturne.settings import Settings
from nocturne.sleeptime.events import DigestEvent
from nocturne.sleeptime.ocr_step import OcrWork
from nocturne.sleeptime.plan import OCR_PAGE, plan_digest
from nocturne.sleeptime.runner import DigestRunner

from fakes.engine import FakeEngine
from scan_maker import page_image, scanned_pdf

TEXTS = ["The deposit is 900 pounds.", "", "The gate code is 4471."]


class FakeReader:
    """Reads the texts in order, one a page ("" = a page with nothing on it)."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = list(texts)
        self.pages: list[tuple[int, int]] = []

    def read(self, image: Image.Image) -> PageReading:
        self.pages.append(image.size)
        text = self.texts.pop(0)
        lines = [OcrLine(text, 0.97, 0, 0, 100, 10)] if text else []
        return PageReading(text, lines, 0.97 if text else None, 0, 0.01)


def _library(store: Store, settings: Settings, tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    page = page_image(["placeholder"])
    (folder / "scan.pdf").write_bytes(scanned_pdf([page, page, page]))
    (folder / "notes.txt").write_text("The boiler is serviced every May.")
    list(add_paths(store, [folder], settings, FakeEngine()))
    return folder


def _runner(store: Store, settings: Settings, reader: FakeReader, **kw: object) -> DigestRunner:
    work = OcrWork(store, settings, reader=reader, counter=FakeEngine())  # type: ignore[arg-type]
    return DigestRunner(store, FakeEngine(), "low", settings=settings, ocr_work=work, **kw)  # type: ignore[arg-type]


def test_ocr_comes_first_then_the_pages_read_are_digested(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _library(store, settings, tmp_path)
    plan = plan_digest(store, "low", FakeEngine().model_id)
    kinds = [step.kind for step in plan.pending]
    assert kinds[:3] == [OCR_PAGE] * 3 and OCR_PAGE not in kinds[3:]
    assert all(s.label == "notes.txt" for s in plan.pending[3:])  # scan.pdf waits for its text
    events: list[DigestEvent] = []
    reader = FakeReader(TEXTS)
    result = _runner(store, settings, reader, on_event=events.append).run()
    assert result.reason == "done" and len(reader.pages) == 3
    scan = next(d for d in store.documents() if d.name == "scan.pdf")
    assert scan.state == "ready"
    chunks = store.chunks(scan.id)
    assert [(c.page, c.text) for c in chunks] == [
        (1, "The deposit is 900 pounds."),
        (3, "The gate code is 4471."),
    ]
    assert ocr_pages.problems(store, scan.id) == [(2, "OCR found no text on this page")]
    assert any(e.message == "p. 2: OCR found no text on this page" for e in events)
    assert any(s.startswith("structure") for s in _step_keys(store, scan.id))
    assert plan_digest(store, "low", FakeEngine().model_id).pending == []


def test_stopped_after_one_page_resumes_with_the_next(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _library(store, settings, tmp_path)
    reader = FakeReader(TEXTS)
    runner = _runner(store, settings, reader)
    runner.on_event = lambda event: runner.stop() if event.step_kind == OCR_PAGE else None
    assert runner.run().reason == "stopped"
    scan = next(d for d in store.documents() if d.name == "scan.pdf")
    assert ocr_pages.counts(store, scan.id).pending == 2
    assert [c.text for c in store.chunks(scan.id)] == ["The deposit is 900 pounds."]
    assert scan.state == ocr_pages.NEEDS_OCR
    rest = FakeReader(TEXTS[1:])
    assert _runner(store, settings, rest).run().reason == "done"
    assert len(rest.pages) == 2  # page 1 was not read again


def test_a_page_that_cannot_be_rendered_is_reported_and_the_digest_goes_on(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    Image.new("RGB", (400, 300), "white").save(folder / "photo.png")
    (folder / "notes.txt").write_text("The boiler is serviced every May.")
    list(add_paths(store, [folder], settings, FakeEngine()))

    class Broken(FakeReader):
        def read(self, image: Image.Image) -> PageReading:
            raise RuntimeError("onnxruntime: bad input")

    result = _runner(store, settings, Broken([])).run()
    assert result.reason == "done"
    photo = next(d for d in store.documents() if d.name == "photo.png")
    (page, message), *_ = ocr_pages.problems(store, photo.id)
    assert page == 1 and message.startswith("OCR failed on this page (RuntimeError")
    assert photo.state == "error" and photo.error == "OCR found no text on any page"
    notes = next(d for d in store.documents() if d.name == "notes.txt")
    assert notes.state == "ready"


def test_ocr_off_leaves_scans_waiting_and_never_loads_the_model(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _library(store, settings, tmp_path)
    settings.set("ocr", False)
    work = OcrWork(store, settings, counter=FakeEngine())
    DigestRunner(store, FakeEngine(), "low", settings=settings, ocr_work=work).run()
    scan = next(d for d in store.documents() if d.name == "scan.pdf")
    assert scan.state == ocr_pages.NEEDS_OCR
    assert ocr_pages.counts(store, scan.id).pending == 3
    assert work._reader is None  # the OCR model was never loaded


def _step_keys(store: Store, document_id: int) -> list[str]:
    return [
        r["step_key"]
        for r in store.query(
            "SELECT step_key FROM digest_steps WHERE document_id = ?", (document_id,)
        )
    ]
