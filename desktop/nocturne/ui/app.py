"""Starting the desktop app: one instance, theme, tray, main window, and the background digest.

`run_gui(args)` is what `nocturne` / `nocturne gui` calls. With `args.smoke_test` it opens the
real window, lets it load, closes it and returns 0 (the installer's check that the app starts);
a smoke test neither starts the scheduler nor takes the single-instance socket.
"""

from __future__ import annotations

import logging
import signal
import sys
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from nocturne import __version__, paths
from nocturne.errors import KnownError
from nocturne.settings import Settings
from nocturne.ui.backend import Backend
from nocturne.ui.background import CoreBackground
from nocturne.ui.crash import install_excepthook
from nocturne.ui.icons import app_icon
from nocturne.ui.main_window import MainWindow
from nocturne.ui.single_instance import SingleInstance
from nocturne.ui.style import apply_theme, follow_system_scheme
from nocturne.ui.tray import Tray

SMOKE_TEST_MS = 1500


def make_application() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Nocturne")
    app.setApplicationDisplayName("Nocturne")
    app.setOrganizationName("Nocturne")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("io.github.nocturne.Nocturne")  # installer/*.desktop
    app.setWindowIcon(app_icon())
    apply_theme(app)
    follow_system_scheme(app)
    return app


def _log_to_file() -> None:
    handler = logging.FileHandler(paths.log_dir() / "gui.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def _quit_on_signals(window: MainWindow) -> QTimer:
    """Ctrl-C in the terminal (`make run`) and SIGTERM quit cleanly, finishing the digest step.

    Python runs signal handlers only between bytecodes, so a slow timer gives it the chance while
    Qt's loop is waiting."""

    def handle(_signum: int, _frame: Any) -> None:
        QTimer.singleShot(0, window.quit_app)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, handle)
    timer = QTimer()
    timer.timeout.connect(lambda: None)
    timer.start(300)
    return timer


def run_gui(args: Any) -> int:
    smoke = bool(getattr(args, "smoke_test", False))
    app = make_application()
    instance = SingleInstance()
    if not smoke:
        if instance.notify_running():
            print("nocturne: already running; its window was brought to the front")
            return 0
        instance.listen()
        _log_to_file()
        install_excepthook(paths.log_dir() / "gui.log")  # a bug: logged and shown
    try:
        settings = Settings.load()
        backend = Backend(settings)
        backend.store()  # open (and migrate) the library before the window shows it
        background = CoreBackground(settings, backend.store, start_scheduler=not smoke)
    except KnownError as exc:
        QMessageBox.critical(None, "Nocturne cannot start", str(exc))
        return 1
    tray = Tray()
    window = MainWindow(backend, background, settings, tray)
    instance.raise_requested.connect(window.bring_to_front)
    app.setQuitOnLastWindowClosed(not tray.available)
    window.show()
    if smoke:
        QTimer.singleShot(SMOKE_TEST_MS, window.quit_app)
    keep_alive = _quit_on_signals(window)
    code = app.exec()
    keep_alive.stop()
    instance.close()
    return int(code)
