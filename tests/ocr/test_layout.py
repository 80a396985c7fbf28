"""Reading order from OCR boxes, without the model: rows, columns, paragraphs, spaces."""

from __future__ import annotations

from nocturne.ocr.layout import OcrLine, confidence, page_text, respace


def _line(text: str, left: float, top: float, width: float = 300, height: float = 30) -> OcrLine:
    return OcrLine(text, 0.9, left, top, left + width, top + height)


def test_boxes_on_one_line_join_left_to_right() -> None:
    lines = [_line("1,842.50 EUR", 500, 101), _line("Total due:", 100, 100, 200)]
    assert page_text(lines) == "Total due: 1,842.50 EUR"


def test_two_columns_read_left_column_first() -> None:
    left = [_line(f"left {i}", 60, 200 + 40 * i) for i in range(4)]
    right = [_line(f"right {i}", 700, 200 + 40 * i) for i in range(4)]
    title = _line("A title across both columns", 60, 100, 900)
    footer = _line("A footer across both columns", 60, 600, 900)
    text = page_text([title, *right, *left, footer])
    assert text.split("\n\n") == [
        "A title across both columns",
        "left 0 left 1 left 2 left 3",
        "right 0 right 1 right 2 right 3",
        "A footer across both columns",
    ]


def test_a_wider_gap_starts_a_paragraph_and_hyphens_join() -> None:
    lines = [
        _line("The deposit is paid", 60, 100),
        _line("by bank trans-", 60, 140),
        _line("fer within a week.", 60, 180),
        _line("A new paragraph.", 60, 260),
    ]
    assert page_text(lines) == (
        "The deposit is paid by bank transfer within a week.\n\nA new paragraph."
    )


def test_dropped_spaces_put_back_and_confidence_weighted() -> None:
    assert respace("INVOICENo.2024-117") == "INVOICE No. 2024-117"
    assert respace("Total due:1,842.50 at 10:30, see https://x.org") == (
        "Total due: 1,842.50 at 10:30, see https://x.org"
    )
    lines = [OcrLine("aaaa", 1.0, 0, 0, 1, 1), OcrLine("b", 0.5, 0, 0, 1, 1)]
    assert confidence(lines) == 0.9
    assert confidence([]) is None
