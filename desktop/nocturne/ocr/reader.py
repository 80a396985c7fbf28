"""RapidOCR behind one small class: loaded on first use, run at the digest's thread count.

`OcrReader.read(image)` turns the page upright first — text detection on a small copy says
whether the lines run sideways (90° or 270°), and the direction classifier, voting over the
lines, whether the page is upside down — then reads it at full size and returns the lines with
their positions, for `layout` to put in reading order. The models (PP-OCRv4 detection and
recognition, a 0/180° classifier) ship inside the `rapidocr-onnxruntime` wheel; nothing is
downloaded. The wheel offers one model set (Chinese and Latin script), so there is no language
choice to make.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nocturne.errors import KnownError
from nocturne.ocr.layout import OcrLine, confidence, page_text

if TYPE_CHECKING:
    from PIL.Image import Image

ENGINE_NAME = "rapidocr-ppocrv4"
PROBE_LONG_SIDE_PX = 1000  # orientation is judged on a copy this size (about 4× fewer pixels)
SIDEWAYS_SHARE = 0.5  # pages whose text boxes are mostly tall run sideways
UPSIDE_DOWN_SHARE = 0.5
MIN_LONG_SIDE_PX = 1600  # smaller images are scaled up: small text loses its spaces otherwise
MIN_ASPECT = 0.66  # thin strips are padded to this shape: the detector misses their lines
# Pixels lighter than this share of the paper's brightness become paper: the faint grey noise a
# scan's JPEG compression leaves around letters made the recognizer drop most spaces between
# words (86 % character accuracy on a generated letter; 100 % with the noise cleared).
PAPER_SHARE = 0.65
_QT_VARIABLES = ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR")


@dataclass(frozen=True)
class PageReading:
    text: str  # paragraphs separated by blank lines, in reading order
    lines: list[OcrLine]
    confidence: float | None  # mean recognition score, None when nothing was read
    rotation: int  # degrees (counter-clockwise) the page was turned to be read: 0, 90, 180, 270
    seconds: float


class OcrReader:
    """One RapidOCR instance, created the first time a page is read."""

    def __init__(self, threads: int = 0) -> None:
        from nocturne.engine.model_file import physical_cores

        self.threads = threads or physical_cores()
        self._engine: Any = None

    @property
    def loaded(self) -> bool:
        return self._engine is not None

    def _load(self) -> Any:
        if self._engine is None:
            # OpenCV's wheel points Qt at its own plugins on import; keep the window's Qt intact.
            saved = {key: os.environ.get(key) for key in _QT_VARIABLES}
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as exc:
                raise KnownError(
                    "OCR is not installed (the rapidocr-onnxruntime package is missing)"
                ) from exc
            finally:
                for key, value in saved.items():
                    if value is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = value
            _telemetry_off()
            logging.getLogger("RapidOCR").setLevel(logging.ERROR)
            self._engine = RapidOCR(
                intra_op_num_threads=self.threads, inter_op_num_threads=1, print_verbose=False
            )
        return self._engine

    def read(self, image: Image) -> PageReading:
        started = time.monotonic()
        engine = self._load()
        image = prepared(image)
        rotation = self.orientation(image)
        if rotation:
            image = image.rotate(rotation, expand=True)
        # The page is upright now; the per-line direction classifier is left out, as it
        # flipped a long upright line (score 0.97) and turned it into garbage.
        result, _ = engine(image, use_cls=False)
        lines = [
            OcrLine.from_box(box, str(text), float(score)) for box, text, score in result or ()
        ]
        return PageReading(
            page_text(lines), lines, confidence(lines), rotation, time.monotonic() - started
        )

    def orientation(self, image: Image) -> int:
        """Degrees to turn the page counter-clockwise so that its text reads upright."""
        engine = self._load()
        small = image.copy()
        small.thumbnail((PROBE_LONG_SIDE_PX, PROBE_LONG_SIDE_PX))
        boxes = self._boxes(small)
        if not boxes:
            return 0
        tall = sum(1 for box in boxes if _height(box) > 1.5 * _width(box))
        rotation = 0
        if tall > SIDEWAYS_SHARE * len(boxes):
            rotation = 90
            small = small.rotate(90, expand=True)
            boxes = self._boxes(small)
            if not boxes:
                return 0
        pixels = engine.load_img(small)
        crops = engine.get_crop_img_list(pixels, boxes)
        _, votes, _ = engine.text_cls(crops)
        flipped = sum(1 for label, score in votes if label == "180" and score > 0.6)
        if flipped > UPSIDE_DOWN_SHARE * len(votes):
            rotation = (rotation + 180) % 360
        return rotation

    def _boxes(self, image: Image) -> list[Any]:
        engine = self._engine
        boxes, _ = engine.text_det(engine.load_img(image))
        if boxes is None or len(boxes) == 0:
            return []
        # Tiny specks are noise, not lines; they would sway the vote.
        return [box for box in boxes if max(_width(box), _height(box)) >= 8]


def _telemetry_off() -> None:
    """onnxruntime's telemetry off at run time too (`nocturne.ocr` set ORT_DISABLE_TELEMETRY)."""
    try:
        import onnxruntime
    except ImportError:  # RapidOCR imported it; only a stand-in RapidOCR gets here
        return
    disable = getattr(onnxruntime, "disable_telemetry_events", None)
    if disable is not None:
        disable()


def prepared(image: Image) -> Image:
    """The page in grey with its paper cleaned, scaled up when small, padded when thin.

    Each measured on generated pages: JPEG noise around letters ran words together, 15-pixel
    text did too, and a 270-pixel-high strip lost its first line entirely; cleaned, enlarged or
    padded, the same pages read right.
    """
    from PIL import Image as PILImage

    grey = image.convert("L")
    histogram = grey.histogram()
    half, seen, paper = grey.width * grey.height / 2, 0, 255
    for level in range(255, -1, -1):  # the median brightness: most of a page is paper
        seen += histogram[level]
        if seen >= half:
            paper = level
            break
    cut = PAPER_SHARE * paper
    grey = grey.point([255 if level > cut else level for level in range(256)])
    width, height = grey.size
    longest = max(width, height)
    if longest < MIN_LONG_SIDE_PX:
        factor = MIN_LONG_SIDE_PX / longest
        width, height = round(width * factor), round(height * factor)
        grey = grey.resize((width, height), PILImage.Resampling.LANCZOS)
    padded = (max(width, round(MIN_ASPECT * height)), max(height, round(MIN_ASPECT * width)))
    if padded != (width, height):
        canvas = PILImage.new("L", padded, 255)
        canvas.paste(grey, (0, 0))
        grey = canvas
    return grey.convert("RGB")


def _width(box: Any) -> float:
    return float(max(p[0] for p in box) - min(p[0] for p in box))


def _height(box: Any) -> float:
    return float(max(p[1] for p in box) - min(p[1] for p in box))
