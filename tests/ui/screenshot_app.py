"""Run the real window on the library in NOCTURNE_HOME, ask questions, save PNGs of it.

Used by test_screenshots.py in a subprocess under Xvfb: `python screenshot_app.py OUT_DIR`.
The library must already be added and digested; the answers come from the configured engine.
Writes nocturne-light.png and nocturne-dark.png at 1400×900 (the README's) and
nocturne-light-1000x700.png, the smallest size the layout is meant for.
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
    "How long does the descaling program take?",
    "When does the return flight leave Lisbon?",
)
SIZE = (1400, 900)
SMALL = (1000, 700)
SHOTS = (("light", SIZE, "nocturne-light.png"), ("dark", SIZE, "nocturne-dark.png"))
SMALL_SHOT = ("light", SMALL, "nocturne-light-1000x700.png")


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

    shots = [*SHOTS, SMALL_SHOT]

    def shoot() -> None:
        """One PNG per call: set scheme and size, let the layout settle, grab, then the next."""
        if not shots:
            window.quit_app()
            return
        scheme, size, _name = shots[0]
        os.environ["NOCTURNE_COLOR_SCHEME"] = scheme
        apply_theme(app)
        window.resize(*size)
        QTimer.singleShot(700, grab)

    def grab() -> None:
        _scheme, size, name = shots.pop(0)
        app.processEvents()
        if (window.width(), window.height()) != size:
            failures.append(f"{name}: the window is {window.width()}×{window.height()}, not {size}")
        if not window.grab().save(str(out_dir / name)):
            failures.append(f"could not write {name} into {out_dir}")
        shoot()

    QTimer.singleShot(1000, ask_next)
    app.exec()
    if failures:
        print("answers failed:", failures, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
