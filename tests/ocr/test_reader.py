"""The OCR reader around a stand-in RapidOCR: loading, turning pages upright, preparing pixels.

The stand-in answers like RapidOCR (`text_det`, `text_cls`, a call that reads lines) from what a
test tells it, so these tests need no model; the real one is read end to end in
tests/test_ocr_end_to_end.py.
"""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image

from nocturne.errors import KnownError
from nocturne.ocr.reader import MIN_LONG_SIDE_PX, OcrReader, prepared

Box = list[list[float]]


def box(left: float, top: float, width: float, height: float) -> Box:
    return [[left, top], [left + width, top], [left + width, top + height], [left, top + height]]


WIDE = [box(10, 10 + 40 * row, 300, 30) for row in range(4)]  # lines that read across
TALL = [box(10 + 40 * col, 10, 30, 300) for col in range(4)]  # lines that run up the page


class StandInRapidOCR:
    """Detections are given per call (the first for the page, the second after a quarter turn)."""

    def __init__(self) -> None:
        self.options: dict[str, Any] = {}
        self.detections: list[list[Box]] = []
        self.votes: list[tuple[str, float]] = []
        self.lines: list[tuple[Box, str, float]] = []
        self.detected_sizes: list[tuple[int, int]] = []
        self.read_calls: list[tuple[tuple[int, int], bool]] = []

    def made(self, **options: Any) -> StandInRapidOCR:
        self.options = options
        return self

    def load_img(self, image: Image.Image) -> Image.Image:
        return image

    def text_det(self, image: Image.Image) -> tuple[list[Box] | None, float]:
        self.detected_sizes.append(image.size)
        boxes = self.detections.pop(0) if self.detections else []
        return (boxes or None), 0.01

    def get_crop_img_list(self, image: Image.Image, boxes: list[Box]) -> list[Box]:
        return list(boxes)

    def text_cls(self, crops: list[Box]) -> tuple[list[Box], list[tuple[str, float]], float]:
        return crops, self.votes, 0.01

    def __call__(
        self, image: Image.Image, use_cls: bool = True
    ) -> tuple[list[tuple[Box, str, float]] | None, float]:
        self.read_calls.append((image.size, use_cls))
        return (self.lines or None), 0.1


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandInRapidOCR]:
    engine = StandInRapidOCR()
    module = types.ModuleType("rapidocr_onnxruntime")
    module.RapidOCR = engine.made  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", module)
    monkeypatch.setitem(sys.modules, "onnxruntime", types.ModuleType("onnxruntime"))
    yield engine


def _page(width: int = 1700, height: int = 2200) -> Image.Image:
    return Image.new("RGB", (width, height), (255, 255, 255))


def test_the_engine_is_made_on_first_use_with_the_threads_asked_for(
    stand_in: StandInRapidOCR,
) -> None:
    reader = OcrReader(threads=3)
    assert not reader.loaded and reader.threads == 3
    assert reader.orientation(_page()) == 0
    assert reader.loaded
    assert stand_in.options == {
        "intra_op_num_threads": 3,
        "inter_op_num_threads": 1,
        "print_verbose": False,
    }
    assert OcrReader().threads >= 1  # 0 means the machine's physical cores


def test_read_returns_the_lines_in_reading_order_with_their_confidence(
    stand_in: StandInRapidOCR,
) -> None:
    stand_in.detections = [WIDE]
    stand_in.lines = [
        (box(500, 101, 300, 30), "1,842.50 EUR", 0.8),
        (box(100, 100, 200, 30), "Total due:", 1.0),
    ]
    reading = OcrReader(threads=1).read(_page())
    assert reading.text == "Total due: 1,842.50 EUR"
    assert [line.text for line in reading.lines] == ["1,842.50 EUR", "Total due:"]
    assert reading.confidence == pytest.approx(0.9, abs=0.01)
    assert reading.rotation == 0 and reading.seconds >= 0
    # Read once, at full size, without the per-line direction classifier.
    assert stand_in.read_calls == [((1700, 2200), False)]
    # Orientation was judged on a copy whose long side is 1000 pixels.
    assert max(stand_in.detected_sizes[0]) == 1000


def test_a_page_with_nothing_read_has_no_confidence(stand_in: StandInRapidOCR) -> None:
    reading = OcrReader(threads=1).read(_page())
    assert (reading.text, reading.lines, reading.confidence) == ("", [], None)


@pytest.mark.parametrize(
    ("detections", "votes", "rotation"),
    [
        ([WIDE], [("0", 0.99)] * 4, 0),
        ([WIDE], [("180", 0.9)] * 3 + [("0", 0.9)], 180),  # most lines upside down
        ([WIDE], [("180", 0.5)] * 4, 0),  # unsure votes do not count
        ([WIDE], [("180", 0.9)] * 2 + [("0", 0.9)] * 2, 0),  # half is not most
        ([TALL, WIDE], [("0", 0.99)] * 4, 90),  # sideways: a quarter turn reads it
        ([TALL, WIDE], [("180", 0.99)] * 4, 270),
        ([TALL, []], [("180", 0.99)] * 4, 0),  # nothing found once turned: leave it
        ([[box(5, 5, 6, 4), box(50, 50, 3, 7)]], [("180", 0.99)], 0),  # specks are no lines
        ([], [], 0),
    ],
)
def test_orientation(
    stand_in: StandInRapidOCR,
    detections: list[list[Box]],
    votes: list[tuple[str, float]],
    rotation: int,
) -> None:
    stand_in.detections = list(detections)
    stand_in.votes = votes
    assert OcrReader(threads=1).orientation(_page()) == rotation


def test_a_sideways_page_is_turned_before_it_is_read(stand_in: StandInRapidOCR) -> None:
    stand_in.detections = [TALL, WIDE]
    stand_in.votes = [("0", 0.99)] * 4
    reading = OcrReader(threads=1).read(_page(1700, 2200))
    assert reading.rotation == 90
    assert stand_in.read_calls == [((2200, 1700), False)]


def test_missing_ocr_package_is_a_known_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)
    with pytest.raises(KnownError, match="OCR is not installed"):
        OcrReader(threads=1).orientation(_page())


def test_importing_the_ocr_package_leaves_the_windows_qt_settings_as_they_were(
    stand_in: StandInRapidOCR, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OpenCV's wheel points Qt at its own plugins when imported; the reader undoes that."""
    module = types.ModuleType("rapidocr_onnxruntime")

    def imported(name: str) -> Any:
        os.environ["QT_QPA_PLATFORM_PLUGIN_PATH"] = "/site-packages/cv2/qt/plugins"
        os.environ["QT_QPA_FONTDIR"] = "/site-packages/cv2/qt/fonts"
        if name == "RapidOCR":
            return stand_in.made
        raise AttributeError(name)

    module.__getattr__ = imported  # type: ignore[method-assign]
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", module)
    monkeypatch.setenv("QT_QPA_PLATFORM_PLUGIN_PATH", "/usr/lib/qt6/plugins")
    monkeypatch.delenv("QT_QPA_FONTDIR", raising=False)
    OcrReader(threads=1).orientation(_page())
    assert os.environ["QT_QPA_PLATFORM_PLUGIN_PATH"] == "/usr/lib/qt6/plugins"
    assert "QT_QPA_FONTDIR" not in os.environ


def test_onnxruntime_telemetry_is_turned_off_when_the_engine_loads(
    stand_in: StandInRapidOCR, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    onnxruntime = types.ModuleType("onnxruntime")
    onnxruntime.disable_telemetry_events = lambda: calls.append("off")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "onnxruntime", onnxruntime)
    reader = OcrReader(threads=1)
    reader.orientation(_page())
    reader.orientation(_page())
    assert calls == ["off"]  # once, when the engine is made


def test_prepared_clears_faint_noise_and_keeps_ink() -> None:
    page = Image.new("L", (1700, 2200), 250)  # paper
    page.putpixel((10, 10), 200)  # faint JPEG noise: lighter than 65 % of the paper
    page.putpixel((20, 20), 40)  # ink
    ready = prepared(page.convert("RGB"))
    assert ready.mode == "RGB" and ready.size == (1700, 2200)
    assert ready.getpixel((10, 10)) == (255, 255, 255)
    assert ready.getpixel((20, 20)) == (40, 40, 40)
    assert ready.getpixel((500, 500)) == (255, 255, 255)


def test_prepared_enlarges_small_pages_and_pads_thin_strips() -> None:
    small = prepared(Image.new("RGB", (400, 600), (255, 255, 255)))
    assert small.size == (round(400 * MIN_LONG_SIDE_PX / 600), MIN_LONG_SIDE_PX)
    strip = Image.new("RGB", (2000, 270), (255, 255, 255))
    strip.paste((0, 0, 0), (100, 100, 200, 130))
    padded = prepared(strip)
    assert padded.size == (2000, 1320)  # padded below to 0.66 of its width
    assert padded.getpixel((150, 115)) == (0, 0, 0)  # the strip stays where it was
    assert padded.getpixel((150, 1000)) == (255, 255, 255)
