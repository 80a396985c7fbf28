"""Run the real window as a new user would, let it digest the sample library by itself, ask
questions, save PNGs of it.

Used by test_screenshots.py in a subprocess under Xvfb: `python screenshot_app.py OUT_DIR`.
On an empty library it presses "Try the sample documents" on the welcome page and then waits,
pressing nothing else: the window's own scheduler (the same rules as the daemon) starts the
first, low-budget digest once the machine is quiet (issue 12: nobody should have to find
"Digest now"). When every document is ready it asks the questions (answers from the configured
engine) and writes nocturne-light.png and nocturne-dark.png at 1400×900 (the README's) and
nocturne-light-1000x700.png, the smallest size the layout is meant for. It fails if "Digest now"
was used, if no digest started by itself, or if the digest did not finish within
NOCTURNE_SCREENSHOT_WAIT_S (default 2400: a busy machine makes the first digest wait).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer

from nocturne.settings import Settings
from nocturne.ui.app import make_application
from nocturne.ui.background_digest import CoreBackground
from nocturne.ui.core_calls import Backend
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


WAIT_S = float(os.environ.get("NOCTURNE_SCREENSHOT_WAIT_S", "2400"))


def main(out_dir: Path) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    app = make_application()
    settings = Settings.load()
    backend = Backend(settings)
    background = CoreBackground(settings, backend.store)  # its scheduler decides when
    window = MainWindow(backend, background, settings, Tray())
    window.resize(*SIZE)
    window.show()
    pending = list(QUESTIONS)
    failures: list[str] = []
    decisions: list[str] = []  # the scheduler's decision codes, in order, without repeats
    started = time.monotonic()
    said = [0.0]

    def digested_by_itself() -> None:
        """Wait until the scheduler has started a digest and every document is ready."""
        decision = background.scheduler.last_decision
        if decision is not None and (not decisions or decisions[-1] != decision.code):
            decisions.append(decision.code)
        rows = window.library.model.rows
        ready = bool(rows) and all(row.state == "ready" for row in rows)
        waited = time.monotonic() - started
        if waited - said[0] >= 60:
            said[0] = waited
            print(
                f"[{waited:.0f} s] {window.digest_status.label.full_text()}",
                file=sys.stderr,
                flush=True,
            )
        if background._manual is not None:
            failures.append("a digest was started with Digest now")
        elif ready and window.snapshot.phase != "digesting" and "first-digest" in decisions:
            print(f"digested by itself in {waited:.0f} s: {decisions}", file=sys.stderr)
            QTimer.singleShot(500, ask_next)
            return
        elif waited > WAIT_S:
            failures.append(
                f"not digested by itself within {WAIT_S:.0f} s: "
                f"{window.digest_status.label.full_text()} (decisions {decisions})"
            )
        else:
            QTimer.singleShot(1000, digested_by_itself)
            return
        window.quit_app()

    def try_the_samples() -> None:
        if window.library.is_welcome and not window.library.model.rows:
            window.library.welcome.samples_button.click()  # what a new user presses
        QTimer.singleShot(1000, digested_by_itself)

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

    QTimer.singleShot(1500, try_the_samples)
    app.exec()
    if failures:
        print("failed:", failures, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
