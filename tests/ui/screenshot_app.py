"""Run the real window on the library in NOCTURNE_HOME, ask questions, save light and dark PNGs.

Used by test_screenshots.py in a subprocess under Xvfb: `python screenshot_app.py OUT_DIR`.
The library must already be added and digested; the answers come from the configured engine.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QTimer

from nocturne.settings import Settings
from nocturne.ui.app import make_application
from nocturne.ui.backend import Backend
from nocturne.ui.background import CoreBackground
from nocturne.ui.main_window import MainWindow
from nocturne.ui.style import apply_theme
from nocturne.ui.tray import Tray

QUESTIONS = (
    "What is the yearly fee for a garden plot?",
    "How often should I descale the espresso machine?",
    "When does the return flight leave Lisbon?",
)
SIZE = (1360, 860)


def main(out_dir: Path) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    app = make_application()
    settings = Settings.load()
    backend = Backend(settings)
    window = MainWindow(
        backend, CoreBackground(settings, backend.store, start_scheduler=False), settings, Tray()
    )
    window.resize(*SIZE)
    window.show()
    pending = list(QUESTIONS)
    failures: list[str] = []

    def ask_next() -> None:
        if window.chat.busy:
            QTimer.singleShot(200, ask_next)
            return
        if window.chat.cards and window.chat.cards[-1].record is None:
            failures.append(window.chat.cards[-1].body.text())
        if pending:
            window.ask(pending.pop(0), "auto")
            QTimer.singleShot(200, ask_next)
        else:
            QTimer.singleShot(2500, shoot)  # let the library and savings refresh

    def shoot() -> None:
        os.environ["NOCTURNE_COLOR_SCHEME"] = "light"
        apply_theme(app)
        app.processEvents()
        saved = window.grab().save(str(out_dir / "nocturne-light.png"))
        os.environ["NOCTURNE_COLOR_SCHEME"] = "dark"
        apply_theme(app)
        app.processEvents()
        saved &= window.grab().save(str(out_dir / "nocturne-dark.png"))
        if not saved:
            failures.append(f"could not write the PNGs into {out_dir}")
        window.quit_app()

    QTimer.singleShot(1000, ask_next)
    app.exec()
    if failures:
        print("answers failed:", failures, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
