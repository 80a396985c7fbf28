"""Starting the desktop app: one instance, theme, tray, main window, and the background digest.

`run_gui(args)` is what `nocturne` / `nocturne gui` calls. With `args.smoke_test` it opens the
real window, lets it load, closes it and returns 0 (the installer's check that the app starts);
a smoke test neither starts the scheduler nor takes the single-instance socket. A damaged
library (`ui/repair.py`) first asks whether to restore its backup, rebuild it or quit.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from nocturne import __version__, paths
from nocturne.errors import KnownError, StoreError
from nocturne.library.backups import Backup, Recovery, database_problem, newest_good_backup
from nocturne.settings import Settings
from nocturne.ui.background_digest import CoreBackground
from nocturne.ui.core_calls import Backend
from nocturne.ui.crash import install_excepthook
from nocturne.ui.icons import app_icon
from nocturne.ui.main_window import MainWindow
from nocturne.ui.repair import RepairDialog, backup_date
from nocturne.ui.single_instance import SingleInstance
from nocturne.ui.style import apply_theme, follow_system_scheme
from nocturne.ui.tray import Tray

SMOKE_TEST_MS = 1500
log = logging.getLogger(__name__)


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
    handler = logging.FileHandler(
        # a file name that is not UTF-8 is logged with \x escapes, never a "Logging error"
        paths.log_dir() / "gui.log",
        encoding="utf-8",
        errors="backslashreplace",
    )
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


def damage_of_library(backend: Backend, *, thorough: bool = False) -> str:
    """'' when the library opens and migrates, else what is wrong with it (its connections
    then closed, so the file can be moved aside). Only the header and schema are checked unless
    `thorough` (`gui --repair`): a quick check would read the whole file on every start."""
    problem = database_problem(thorough=thorough)
    if not problem:
        try:
            backend.store().documents()  # open (and migrate) before the window shows it
        except StoreError as exc:
            if exc.condition != "damaged":
                raise
            problem = str(exc)
    if problem:
        backend.close()
    return problem


def ask_how_to_repair(dialog: RepairDialog) -> None:
    dialog.exec()


def restored_message(recovery: Recovery, source: Backup) -> str:
    """What the window says after "Restore the backup": the backup's date, where the damaged
    file went, and what history was carried over from it ("kept 2 conversations from the old
    library"), when any was."""
    kept = f"; the damaged file was kept as {recovery.kept_as.name}" if recovery.kept_as else ""
    history = recovery.history.line()
    return f"Restored the backup of {backup_date(source)}{kept}" + (
        f"; {history}" if history else ""
    )


def open_window(
    settings: Settings,
    *,
    start_scheduler: bool = True,
    repair: Callable[[RepairDialog], None] = ask_how_to_repair,
    thorough: bool = False,
) -> MainWindow | None:
    """The main window on the library; a damaged library first asks how to get it back
    (`repair` runs the dialog: `exec()` here, a click in tests). None: the person chose Quit.
    A `KnownError` (the library cannot be opened for another reason) is the caller's."""
    backend = Backend(settings)
    problem = damage_of_library(backend, thorough=thorough)
    recovery: Recovery | None = None
    if problem:
        log.warning("the library is damaged: %s", problem)
        dialog = RepairDialog(problem, newest_good_backup())
        repair(dialog)
        recovery = dialog.recovery
        if recovery is None:
            return None
        log.info("library kept aside as %s", recovery.kept_as)
        backend = Backend(settings)
        backend.store()  # the restored backup, or a new library: opened and migrated
    background = CoreBackground(settings, backend.store, start_scheduler=start_scheduler)
    window = MainWindow(backend, background, settings, Tray())
    # Damage the daily backup finds is said as a query's is: once, with "Restart and repair"
    # (the signal carries it from the worker to the window's thread).
    background.on_damage = window.disk.library_damaged.emit
    if recovery is not None and recovery.source is None:  # rebuilt: add the documents again
        window.add_again(recovery)
    elif recovery is not None and recovery.source is not None:
        window.statusBar().showMessage(restored_message(recovery, recovery.source), 30000)
    return window


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
        if smoke:  # no one to answer a dialog: say what is wrong and stop
            probe = Backend(settings)
            problem = damage_of_library(probe)
            probe.close()
            if problem:
                print(
                    f"nocturne: error: the library database {paths.db_path()} is damaged "
                    f"({problem}); `nocturne restore` or `nocturne rebuild` gets it back",
                    file=sys.stderr,
                )
                return 1
        window = open_window(
            settings, start_scheduler=not smoke, thorough=bool(getattr(args, "repair", False))
        )
    except KnownError as exc:
        QMessageBox.critical(None, "Nocturne cannot start", str(exc))
        return 1
    if window is None:  # a damaged library, and the person chose Quit
        return 1
    if window.tray is not None:
        app.setQuitOnLastWindowClosed(not window.tray.available)
    instance.raise_requested.connect(window.bring_to_front)
    window.show()
    if smoke:
        QTimer.singleShot(SMOKE_TEST_MS, window.quit_app)
    keep_alive = _quit_on_signals(window)
    code = app.exec()
    keep_alive.stop()
    instance.close()
    if window.restart_args:  # "Restart and repair": this instance has let go of the library
        start_again(window.restart_args)
    return int(code)


def start_again(args: list[str]) -> None:
    """Start Nocturne anew with `args`, detached from this process, which is about to exit."""
    log.info("starting Nocturne again: %s", " ".join(args))
    subprocess.Popen([sys.executable, "-m", "nocturne", *args], start_new_session=True)
