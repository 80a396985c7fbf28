"""Screenshots of three kinds of answer in the real window: a summary, a comparison citing two
documents, and a low-confidence answer ("best guess — check the source").

Run under Xvfb on a library already added and digested (the sample documents):
`python screenshot_answers.py OUT_DIR`. Each answer is asked in a new conversation and the window
is grabbed at 1400×900 once it is complete, into answer-summary.png, answer-comparison.png and
answer-low-confidence.png. It fails (exit 1) when an answer is not of the kind its picture is
meant to show, so a README picture never shows something else than its caption says.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer

from nocturne.settings import Settings
from nocturne.ui.app import make_application
from nocturne.ui.background_digest import CoreBackground
from nocturne.ui.core_calls import Backend
from nocturne.ui.main_window import MainWindow
from nocturne.ui.tray import Tray

SIZE = (1400, 900)


def _is_summary(record: dict[str, Any]) -> str:
    route = str(record.get("route", ""))
    return "" if route.startswith("summary:") and route != "summary:pending" else route


def _cites_two_documents(record: dict[str, Any]) -> str:
    documents = {c["document"] for c in record.get("citations", [])}
    return "" if len(documents) >= 2 else f"cites {sorted(documents)}"


def _is_low(record: dict[str, Any]) -> str:
    low = record.get("confidence") == "low" and not record.get("abstained")
    return "" if low else f"confidence {record.get('confidence')}"


SHOTS: tuple[tuple[str, str, Callable[[dict[str, Any]], str]], ...] = (
    ("answer-summary.png", "Summarize the lease agreement", _is_summary),
    (
        "answer-comparison.png",
        "Compare the espresso machine manual and the community garden handbook",
        _cites_two_documents,
    ),
    ("answer-low-confidence.png", "What number do I call when the boiler breaks?", _is_low),
)


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
    pending = list(SHOTS)
    failures: list[str] = []

    def ask_next() -> None:
        if not pending:
            window.quit_app()
            return
        _name, question, _check = pending[0]
        window.new_conversation()
        window.ask(question, "auto")
        QTimer.singleShot(300, wait_for_answer)

    def wait_for_answer() -> None:
        if window.chat.busy:
            QTimer.singleShot(200, wait_for_answer)
            return
        QTimer.singleShot(1500, grab)  # the savings pane and the layout settle

    def grab() -> None:
        name, question, check = pending.pop(0)
        app.processEvents()
        card = window.chat.cards[-1]
        if card.record is None:
            failures.append(f"{question!r} failed: {card.body.text()}")
        elif problem := check(card.record):
            failures.append(f"{name}: {question!r} is not what it should show ({problem})")
        if (window.width(), window.height()) != SIZE:
            failures.append(f"{name}: the window is {window.width()}×{window.height()}")
        if not window.grab().save(str(out_dir / name)):
            failures.append(f"could not write {name} into {out_dir}")
        ask_next()

    QTimer.singleShot(1000, ask_next)
    app.exec()
    if failures:
        print("screenshots failed:", *failures, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
