"""OCR accuracy and speed on generated scans whose text is known.

Pages: A4-sized letters rendered with Pillow (DejaVu Sans when present) at about 150 dpi, put in a
PDF with no text layer; one page turned 90°, one 180°, one 270°, and a two-column page. Each is
read the way the digest reads it (PDFium render, orientation, RapidOCR, reading order). Character
accuracy = 1 - edit distance / length of the known text, over whitespace-normalised text in
reading order. Goal (issue 13): >= 97 %. Pages per minute are of this machine, with the
`threads` setting (one thread per physical core).
"""

from __future__ import annotations

import os
import time

import pytest

from nocturne.ocr.pages import pdf_page
from nocturne.ocr.reader import OcrReader

from scan_maker import page_image, scanned_pdf, two_column_image

pytest.importorskip("rapidocr_onnxruntime")

LETTER = [
    "Acme Plumbing Ltd, 14 Harbour Road, Leeds LS1 4AB",
    "Invoice 2024-117, issued on 3 March 2024 to Mrs Helen Carter, 9 Mill Lane, York.",
    "Replacement of the water heater in the basement, including the new expansion vessel "
    "and two isolation valves. Labour: six hours at 85.00 EUR per hour.",
    "Total due: 1,842.50 EUR. Payment within 30 days to account DE44 5001 0517 5407 3249 31, "
    "quoting the invoice number. Late payments carry interest of 2 percent a month.",
    "The guarantee on parts is two years and on labour twelve months from the date of work.",
]
LEFT = [
    "The tenant pays the rent on the first day of each month by standing order.",
    "The deposit of 900 pounds is held in a protected scheme.",
]
RIGHT = [
    "The landlord repairs the roof, the walls and the heating within 14 days of notice.",
    "Pets are allowed only with written consent from the landlord.",
]


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def test_ocr_accuracy_and_pages_per_minute() -> None:
    letter = page_image(LETTER, width=1240, height=1754, chars=60)
    pages = [
        ("letter", letter, LETTER),
        ("rotated 90", letter.rotate(90, expand=True), LETTER),
        ("rotated 180", letter.rotate(180, expand=True), LETTER),
        ("rotated 270", letter.rotate(270, expand=True), LETTER),
        ("two columns", two_column_image(LEFT, RIGHT), LEFT + RIGHT),
    ]
    data = scanned_pdf([image for _, image, _ in pages])
    reader = OcrReader()
    started = time.monotonic()
    reader.read(page_image(["warm up"]))  # loading the model is not a page's time
    load_s = time.monotonic() - started
    errors = characters = 0
    seconds = 0.0
    busy = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"\nOCR benchmark: {len(pages)} pages, {reader.threads} threads, model load {load_s:.1f} s,"
        f" machine load average {busy:.1f}"
    )
    for number, (name, _, known) in enumerate(pages, 1):
        started = time.monotonic()
        reading = reader.read(pdf_page(data, number))
        elapsed = time.monotonic() - started
        seconds += elapsed
        expected = _normalise(" ".join(known))
        distance = _edit_distance(_normalise(reading.text), expected)
        errors += distance
        characters += len(expected)
        if distance > 0.05 * len(expected):
            print(f"    read: {_normalise(reading.text)[:300]}")
        print(
            f"  {name:<12} {1 - distance / len(expected):6.1%}  {elapsed:5.1f} s  "
            f"turned {reading.rotation:3d}°  confidence {reading.confidence or 0:.2f}"
        )
    accuracy = 1 - errors / characters
    speed = 60 * len(pages) / seconds
    print(f"  character accuracy {accuracy:.1%} (goal >= 97 %), {speed:.1f} pages/min")
    assert accuracy > 0.9
