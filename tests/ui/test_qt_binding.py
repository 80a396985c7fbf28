"""The Qt binding keeps Python's reference counts: PySide6 6.12.0 (on Python 3.11) lost one
reference to None on every Qt call that returns nothing, so a window left open died within the
hour with "Fatal Python error: none_dealloc" (pyproject excludes that release)."""

from __future__ import annotations

import sys

import pytest

pytestmark = pytest.mark.gui

CALLS = 10_000


def test_qt_calls_that_return_nothing_keep_the_reference_to_none() -> None:
    from PySide6.QtGui import QColor

    color = QColor("#123456")
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        color.setAlpha(36)
    lost = before - sys.getrefcount(None)
    assert lost < CALLS // 10, f"{lost} references to None lost in {CALLS} Qt calls"
