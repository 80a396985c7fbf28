"""The real window on a big library, timed: run by test_scale_bench.py in a subprocess.

`python scale_window_probe.py STARTED` (STARTED: time.time() when the parent launched this
process) opens the window the way `nocturne gui` does (`open_window`, scheduler off so no digest
starts), and once it is shown with the library list filled prints one JSON line: seconds from
launch to shown-and-filled, resident memory then (psutil), and the library list's responsiveness
— a filter by name, by state and by type when the pane offers them, and scrolling the list from
top to bottom a page at a time, each page painted.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from typing import Any

import psutil
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from nocturne.settings import Settings
from nocturne.ui.app import make_application, open_window

SCROLL_PAGES = 40
TIMEOUT_S = 120.0


def _filters(pane: Any) -> dict[str, Any]:
    """The pane's filter entry points, whichever of them this version has."""
    found: dict[str, Any] = {}
    for name in ("set_filter", "set_name_filter", "apply_filter"):
        if callable(getattr(pane, name, None)):
            found["name"] = getattr(pane, name)
            break
    for name in ("set_state_filter", "set_kind_filter", "set_type_filter"):
        if callable(getattr(pane, name, None)):
            found[name] = getattr(pane, name)
    return found


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
    if "name" in filters:
        timings["name"] = _timed(lambda: filters["name"]("open"))
        timings["name_cleared"] = _timed(lambda: filters["name"](""))
    for key, call in filters.items():
        if key == "name":
            continue
        value = "ready" if "state" in key else "pdf"
        try:
            timings[key] = _timed(lambda c=call, v=value: c(v))
            _timed(lambda c=call: c(""))
        except Exception as exc:  # an API other than guessed: say so, measure the rest
            timings[key] = float("nan")
            result.setdefault("filter_errors", []).append(f"{key}: {exc}")
    result["filter_s"] = timings
    result["rss_after_mb"] = psutil.Process().memory_info().rss / 1e6
    return result


def main(launched: float) -> int:
    app = make_application()
    window = open_window(Settings.load(), start_scheduler=False)
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
