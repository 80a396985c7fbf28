"""A damaged library, met when the window starts: say what happened and offer the ways back.

`RepairDialog` says in plain words that the library file is damaged and that the documents are
not, then offers what `nocturne restore` and `nocturne rebuild` do (`library/backups.py`):
"Restore the backup of <date>" (only when a good backup is kept), "Rebuild from my documents",
and "Quit". Either way back first keeps the damaged file as `library.sqlite3.damaged-<time>`.

A rebuild only moves the damaged file aside here; the window then opens on a new, empty library
and `AddAgain` adds the documents and watched folders again in its disk worker, with a progress
bar in the status bar, so the window is usable (and the documents appear one by one) while it
runs. What Nocturne had learned is digested again at the next digest. Where the damage took the
list of documents itself (and no backup lists them), it says so, in the status bar and a box
with "Add documents…" and "Add a folder…", instead of opening on an empty library in silence.

Damage met while the window is open (a query reads a damaged page further in the file) is
offered once by `DamageNotice`: "Restart and repair" quits and starts Nocturne again with
`gui --repair`, whose start-up runs SQLite's full quick check and so opens `RepairDialog`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nocturne import paths
from nocturne.errors import KnownError
from nocturne.library.backups import Backup, Recovery, restore_backup, start_rebuild
from nocturne.library.ingest import IngestResult, discover
from nocturne.library.kept_history import KeptHistory, carry_history
from nocturne.ui.core_calls import Backend
from nocturne.ui.workers import TaskRunner


def backup_date(backup: Backup) -> str:
    """When a backup was taken, in local time, as the button says it."""
    return f"{backup.taken_at.astimezone():%Y-%m-%d %H:%M}"


class RepairDialog(QDialog):
    """The three ways on from a damaged library. `recovery` is set when one of the two ways
    back has been taken (the dialog is then accepted); Quit rejects it and changes nothing."""

    def __init__(self, problem: str, backup: Backup | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Nocturne's library is damaged")
        self.backup = backup
        self.recovery: Recovery | None = None
        database = paths.display_path(paths.db_path())
        self.message = QLabel(
            f"Nocturne cannot read its library: the file {database} is damaged. "
            "Your documents themselves are not affected."
        )
        self.message.setStyleSheet("font-weight: 600;")
        self.detail = QLabel(self._ways_back())
        self.problem = QLabel(f"Details: {problem}")
        self.problem.setObjectName("muted")
        self.error = QLabel("")
        self.error.hide()
        for label in (self.message, self.detail, self.problem, self.error):
            label.setWordWrap(True)
        layout = QVBoxLayout(self)
        for label in (self.message, self.detail, self.problem, self.error):
            layout.addWidget(label)
        self.restore_button = QPushButton(
            f"Restore the backup of {backup_date(backup)}" if backup else "Restore a backup"
        )
        self.restore_button.setVisible(backup is not None)
        self.rebuild_button = QPushButton("Rebuild from my documents")
        self.quit_button = QPushButton("Quit")
        for button in (self.restore_button, self.rebuild_button, self.quit_button):
            button.setAccessibleName(button.text())
            layout.addWidget(button)
        (self.restore_button if backup else self.rebuild_button).setDefault(True)
        self.restore_button.clicked.connect(self.restore)
        self.rebuild_button.clicked.connect(self.rebuild)
        self.quit_button.clicked.connect(self.reject)
        self.setMinimumWidth(520)

    def _ways_back(self) -> str:
        rebuild = (
            "Rebuilding starts a new library and adds again, from where they are, the "
            "documents and folders the damaged file still lists; where it can no longer tell "
            "them, Nocturne says so and you add them again. What Nocturne had learned is "
            "learned again at the next digest."
        )
        kept = (
            "Either way, your conversations are kept as far as the damaged file still holds "
            "them, and the file itself is kept beside the library, not deleted."
        )
        if self.backup is None:
            return f"There is no backup to restore. {rebuild} {kept}"
        return (
            f"Restoring puts back the library as it was on {backup_date(self.backup)}: the "
            "documents and what Nocturne had learned then. "
            f"{rebuild} {kept}"
        )

    def restore(self) -> None:
        self._take(lambda: restore_backup(self.backup))

    def rebuild(self) -> None:
        self._take(start_rebuild)

    def _take(self, way_back: Callable[[], Recovery]) -> None:
        """Both ways back are a file copy or rename: quick enough to do here."""
        try:
            self.recovery = way_back()
        except (KnownError, OSError) as exc:
            self.error.setText(f"That did not work: {exc}")
            self.error.show()
            return
        self.accept()


REPAIR_ARGS = ["gui", "--repair"]


class DamageNotice:
    """Says once that the library is damaged, and offers to restart into the repair dialog."""

    def __init__(self, parent: QWidget, restart: Callable[[], None]) -> None:
        self.parent = parent
        self.restart = restart
        self.box: QMessageBox | None = None

    def show(self, message: str) -> None:
        if self.box is not None:  # said once: every later query fails the same way
            return
        box = QMessageBox(self.parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("The library is damaged")
        box.setText(message)
        box.setInformativeText(
            "Your documents are not affected. Restart Nocturne to get the library back: "
            "restore its latest backup, or rebuild it from your documents. "
            "The damaged file is kept either way."
        )
        self.restart_button = box.addButton("Restart and repair", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
        box.setModal(False)
        box.buttonClicked.connect(self._clicked)
        self.box = box
        box.show()

    def _clicked(self, button: QAbstractButton) -> None:
        if button is self.restart_button:
            self.restart()


class AddAgain:
    """A rebuilt library's documents added again through the window's disk worker, with a
    progress bar in the status bar; the rows appear as each file is read."""

    def __init__(
        self,
        window: QMainWindow,
        backend: Backend,
        disk: TaskRunner,
        refresh: Callable[[], None],
        show_error: Callable[[str], None],
        refresh_conversations: Callable[[], None] = lambda: None,
        add_files: Callable[[], None] = lambda: None,
        add_folder: Callable[[], None] = lambda: None,
    ) -> None:
        self.window = window
        self.add_files = add_files  # the window's Add documents… and Add a folder…
        self.add_folder = add_folder
        self.box: QMessageBox | None = None
        self.backend = backend
        self.disk = disk
        self.refresh = refresh
        self.refresh_conversations = refresh_conversations
        self.show_error = show_error
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Rebuilding the library")
        self.bar.setMaximumWidth(220)
        self.total = 0
        self.done = 0
        self.finished = False
        self.results: list[IngestResult] = []
        self.history = KeptHistory()

    def start(self, recovery: Recovery) -> None:
        again = recovery.paths_to_add()
        status = self.window.statusBar()
        if not again:

            def kept(history: KeptHistory) -> None:
                self.history = history
                self.finished = True
                status.showMessage(recovery.nothing_to_add(), 60000)
                self.nothing_listed(history, recovery.nothing_to_add())
                self.refresh_conversations()

            self.disk.submit(
                lambda _report: carry_history(self.backend.store(), recovery.kept_as),
                kept,
                self._failed,
            )
            return
        status.addPermanentWidget(self.bar)
        self.bar.setRange(0, 0)  # busy until the files are counted
        status.showMessage("Rebuilding the library: finding your documents…")

        def work(report: Callable[[Any], None]) -> tuple[list[IngestResult], KeptHistory]:
            report(sum(1 for _ in discover(again)))
            results = self.backend.add(again, report)
            # after the documents, so that each answer finds the documents it used
            return results, carry_history(self.backend.store(), recovery.kept_as)

        self.disk.submit(work, self._finished, self._failed, self._progress)

    def nothing_listed(self, history: KeptHistory, why: str) -> QMessageBox:
        """No documents or folders could be read from the damaged file (nor a backup): say so
        in a box that offers to add them."""
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Nocturne",
            why + ".",
            QMessageBox.StandardButton.Close,
            self.window,
        )
        kept = f"; {history.line()}" if history.line() else ""
        box.setInformativeText(
            f"A new library was started{kept}. Your documents themselves are not affected: "
            "they are where they were."
        )
        self.add_files_button = box.addButton("Add documents…", QMessageBox.ButtonRole.ActionRole)
        self.add_folder_button = box.addButton("Add a folder…", QMessageBox.ButtonRole.ActionRole)
        self.add_files_button.clicked.connect(lambda: self.add_files())
        self.add_folder_button.clicked.connect(lambda: self.add_folder())
        box.setModal(False)
        box.show()
        self.box = box
        return box

    def _progress(self, value: Any) -> None:
        if isinstance(value, int):
            self.total = value
            self.bar.setRange(0, max(1, value))
            return
        self.done += 1
        self.bar.setValue(min(self.done, self.bar.maximum()))
        name = Path(value.path).name
        self.window.statusBar().showMessage(
            f"Rebuilding the library: {self.done} of {self.total} ({name})"
        )
        self.refresh()

    def _finished(self, outcome: tuple[list[IngestResult], KeptHistory]) -> None:
        results, self.history = outcome
        self.results = results
        self.finished = True
        self.window.statusBar().removeWidget(self.bar)
        added = sum(1 for r in results if r.status in ("added", "updated"))
        failed = sum(1 for r in results if r.failed)
        text = f"Library rebuilt: {added} document{'s' if added != 1 else ''} added again"
        if failed:
            text += f", {failed} could not be read"
        if self.history.line():
            text += f"; {self.history.line()}"
        self.window.statusBar().showMessage(
            text + "; what Nocturne learned is learned again at the next digest", 30000
        )
        self.refresh()
        self.refresh_conversations()

    def _failed(self, message: str) -> None:
        self.finished = True
        self.window.statusBar().removeWidget(self.bar)
        self.show_error(f"The library could not be rebuilt: {message}")
