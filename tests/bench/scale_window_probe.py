"""The real window on a big library, timed: run by test_scale_bench.py in a subprocess.

`python scale_window_probe.py STARTED ROWS [scheduler]` (STARTED: time.time() when the parent
launched this process; ROWS: the documents the list must show) opens the window the way
`nocturne gui` does (`open_window`; its scheduler only when asked: it may start a digest), and
once it is shown with the library list filled prints one JSON line: seconds from
launch to shown-and-filled, resident memory then (psutil), and the library list's responsiveness
— a filter by name, by state and by type when the pane offers them, and scrolling the list from
top to bottom a page at a time, each page painted.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from dataclasses import replace
from typing import Any

import psutil
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from nocturne.settings import Settings
from nocturne.ui.app import make_application, open_window

SCROLL_PAGES = 40
TIMEOUT_S = 120.0


def _filters(pane: Any) -> dict[str, Any]:
    """The filter bar's three filters as calls taking a value ("" clears), when the pane has
    one: name (text typed), state and type (a menu entry chosen by its key)."""
    bar = getattr(pane, "filter_bar", None)
    if bar is None:
        return {}

    def choose(combo: Any) -> Any:
        return lambda key: combo.setCurrentIndex(max(0, combo.findData(key)))

    return {"name": bar.search.setText, "state": choose(bar.state), "type": choose(bar.kind)}


def _timed(action: Any) -> float:
    started = time.perf_counter()
    action()
    QApplication.processEvents()
    return time.perf_counter() - started


def measure(window: Any, launched: float, shown: float) -> dict[str, Any]:
    pane = window.library
    view = pane.view
    result: dict[str, Any] = {
        "shown_s": shown - launched,
        "rows": pane.model.rowCount(),
        "rss_mb": psutil.Process().memory_info().rss / 1e6,
    }
    bar = view.verticalScrollBar()
    step = max(1, bar.pageStep())
    pages = []
    for page in range(SCROLL_PAGES):
        target = min(bar.maximum(), int(page * bar.maximum() / (SCROLL_PAGES - 1)))
        pages.append(_timed(lambda t=target: (bar.setValue(t), view.viewport().repaint())))
    result["scroll_page_ms_median"] = statistics.median(pages) * 1000
    result["scroll_page_ms_max"] = max(pages) * 1000
    result["scroll_step"] = step
    filters = _filters(pane)
    timings: dict[str, float] = {}
    for key, value in (("name", "open"), ("state", "waiting"), ("type", "pdf")):
        if key in filters:
            timings[key] = _timed(lambda k=key, v=value: filters[k](v))
            timings[f"{key} cleared"] = _timed(lambda k=key: filters[k](""))
    result["filter_s"] = timings
    # The refresh every two seconds: the rows read on a worker, then handed to the list on the
    # event loop (here one of them changed, as when a digest finishes a document).
    started = time.perf_counter()
    rows = window.backend.documents()
    result["refresh_read_s"] = time.perf_counter() - started
    changed = [*rows[:-1], replace(rows[-1], state="ready")]
    result["refresh_rows_s"] = _timed(lambda: pane.set_rows(changed))
    result["rss_after_mb"] = psutil.Process().memory_info().rss / 1e6
    return result


def main(launched: float) -> int:
    app = make_application()
    scheduler = len(sys.argv) > 3 and sys.argv[3] == "scheduler"
    window = open_window(Settings.load(), start_scheduler=scheduler)
    if window is None:
        print(json.dumps({"error": "the window did not open"}))
        return 1
    window.show()
    deadline = time.monotonic() + TIMEOUT_S
    expected = int(sys.argv[2]) if len(sys.argv) > 2 else 1

    def check() -> None:
        rows = window.library.model.rowCount()
        if rows >= expected and window.isVisible():
            shown = time.time()
            print(json.dumps(measure(window, launched, shown)), flush=True)
            window.quit_app()
        elif time.monotonic() > deadline:
            print(json.dumps({"error": f"only {rows} rows after {TIMEOUT_S:.0f} s"}), flush=True)
            window.quit_app()
        else:
            QTimer.singleShot(10, check)

    QTimer.singleShot(0, check)
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(main(float(sys.argv[1])))
