"""OCR as digest steps, with a fake reader: planned first, committed page by page, resumable,
preemptible, bad pages reported per page without stopping the digest, off in settings; and one
`ocr_page` step's outcomes: pages that must wait (OcrSkipped), unreadable, low confidence."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from nocturne.errors import KnownError
from nocturne.library import ocr_pages
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.ocr.layout import OcrLine
from nocturne.ocr.pages import OcrPageError
from nocturne.ocr.reader import PageReading
from nocturne.settings import Settings
from nocturne.sleeptime.events import DigestEvent
from nocturne.sleeptime.ocr_step import OcrSkipped, OcrWork
from nocturne.sleeptime.plan import OCR_PAGE, Step, plan_digest
from nocturne.sleeptime.runner import DigestRunner

from fakes.engine import FakeEngine
from scan_maker import page_image, scanned_pdf

TEXTS = ["The deposit is 900 pounds.", "", "The gate code is 4471."]


class FakeReader:
    """Reads the texts in order, one a page ("" = a page with nothing on it)."""

    def __init__(self, texts: list[str], confidence: float = 0.97, rotation: int = 0) -> None:
        self.texts = list(texts)
        self.pages: list[tuple[int, int]] = []
        self.confidence = confidence
        self.rotation = rotation

    def read(self, image: Image.Image) -> PageReading:
        self.pages.append(image.size)
        text = self.texts.pop(0)
        lines = [OcrLine(text, self.confidence, 0, 0, 100, 10)] if text else []
        return PageReading(text, lines, self.confidence if text else None, self.rotation, 0.01)


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


def _first_page(store: Store) -> Step:
    step = plan_digest(store, "low", FakeEngine().model_id).pending[0]
    assert step.kind == OCR_PAGE and step.page == 1
    return step


def _work(store: Store, settings: Settings, reader: object) -> OcrWork:
    return OcrWork(store, settings, reader=reader, counter=FakeEngine())  # type: ignore[arg-type]


def _scan(store: Store) -> int:
    return next(d.id for d in store.documents() if d.name == "scan.pdf")


def test_a_page_read_is_committed_with_its_text_confidence_and_rotation(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _library(store, settings, tmp_path)
    step = _first_page(store)
    outcome = _work(store, settings, FakeReader(TEXTS, rotation=90)).run(step)
    assert (outcome.state, outcome.message) == (ocr_pages.DONE, "")
    assert (outcome.characters, outcome.confidence, outcome.rotation) == (26, 0.97, 90)
    assert ocr_pages.counts(store, _scan(store)).pending == 2
    assert [c.text for c in store.chunks(_scan(store))] == ["The deposit is 900 pounds."]


def test_a_page_read_with_low_confidence_is_kept_and_flagged(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _library(store, settings, tmp_path)
    outcome = _work(store, settings, FakeReader(TEXTS, confidence=0.6)).run(_first_page(store))
    assert outcome.state == ocr_pages.DONE
    assert outcome.message == "read with low confidence (60%); check the scan"
    assert [c.text for c in store.chunks(_scan(store))] == ["The deposit is 900 pounds."]


def test_a_page_that_cannot_be_rendered_is_recorded_as_an_error(
    store: Store, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _library(store, settings, tmp_path)

    def damaged(data: bytes, page: int) -> Image.Image:
        raise OcrPageError(f"page {page} cannot be rendered (damaged)")

    monkeypatch.setattr("nocturne.sleeptime.ocr_step.pdf_page", damaged)
    reader = FakeReader(TEXTS)
    outcome = _work(store, settings, reader).run(_first_page(store))
    assert (outcome.state, outcome.message) == ("error", "page 1 cannot be rendered (damaged)")
    assert reader.pages == []  # never sent to OCR
    assert ocr_pages.problems(store, _scan(store)) == [(1, "page 1 cannot be rendered (damaged)")]


def test_running_out_of_memory_on_a_page_is_that_pages_error(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _library(store, settings, tmp_path)

    class Hungry(FakeReader):
        def read(self, image: Image.Image) -> PageReading:
            raise MemoryError

    outcome = _work(store, settings, Hungry([])).run(_first_page(store))
    assert (outcome.state, outcome.message) == ("error", "not enough memory to read this page")
    assert ocr_pages.counts(store, _scan(store)).pending == 2


def test_ocr_missing_makes_every_page_wait_without_trying_again(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _library(store, settings, tmp_path)

    class Missing(FakeReader):
        def read(self, image: Image.Image) -> PageReading:
            self.pages.append(image.size)
            raise KnownError("OCR is not installed")

    reader = Missing([])
    work = _work(store, settings, reader)
    step = _first_page(store)
    with pytest.raises(OcrSkipped, match=r"^OCR is not installed$"):
        work.run(step)
    with pytest.raises(OcrSkipped, match=r"^OCR is not installed$"):
        work.run(step)
    assert len(reader.pages) == 1  # the second run neither rendered nor read the page
    assert ocr_pages.counts(store, _scan(store)).pending == 3


def test_a_page_read_meanwhile_or_of_a_removed_document_is_skipped(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _library(store, settings, tmp_path)
    step = _first_page(store)
    _work(store, settings, FakeReader(TEXTS)).run(step)
    with pytest.raises(OcrSkipped, match="the page was read meanwhile"):
        _work(store, settings, FakeReader(TEXTS)).run(step)
    gone = Step("ocr_page:999:1", OCR_PAGE, 999, page=1)
    with pytest.raises(OcrSkipped, match="the document was removed"):
        _work(store, settings, FakeReader(TEXTS)).run(gone)


def test_a_file_gone_or_changed_since_it_was_added_waits(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    folder = _library(store, settings, tmp_path)
    step = _first_page(store)
    scan = folder / "scan.pdf"
    original = scan.read_bytes()
    scan.unlink()
    with pytest.raises(OcrSkipped, match=r"^the file cannot be read now \(No such file"):
        _work(store, settings, FakeReader(TEXTS)).run(step)
    scan.write_bytes(original + b"\n")
    with pytest.raises(OcrSkipped, match=r"^the file changed since it was added"):
        _work(store, settings, FakeReader(TEXTS)).run(step)
    assert ocr_pages.counts(store, _scan(store)).pending == 3
