"""A damaged library opened in the window (issue 14): the real file is damaged (its first 16
bytes overwritten), the window's start-up code meets it, the repair dialog says what happened,
and each choice is taken: the backup restored, the library rebuilt from the documents, or Quit.
After a way back the window opens on the library, its documents listed, and the damaged file is
kept aside as `library.sqlite3.damaged-*`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from nocturne import paths
from nocturne.library.backups import list_backups, make_backup
from nocturne.settings import Settings
from nocturne.ui.app import open_window
from nocturne.ui.core_calls import Backend
from nocturne.ui.repair import RepairDialog

from support import FAKE_ENGINE, damage_pages_of

DOCUMENTS = {
    "lease.txt": "The deposit is 2,500 euros and is returned within 30 days.",
    "trip.md": "The return flight TP 672 leaves Lisbon at 18:40.",
}


def damage(database: Path) -> None:
    """Overwrite the file's header: SQLite then says "file is not a database"."""
    data = bytearray(database.read_bytes())
    data[0:16] = b"garbage garbage!"
    database.write_bytes(bytes(data))


@pytest.fixture
def library(settings: Settings, tmp_path: Path) -> Path:
    """A library of two documents (a watched folder), closed, and then damaged."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in DOCUMENTS.items():
        (docs / name).write_text(text, encoding="utf-8")
    backend = Backend(settings)
    assert all(r.status == "added" for r in backend.add([docs]))
    backend.close()  # the last connection checkpoints the WAL into the file
    return docs


def close_and_damage(settings: Settings, *, backup: bool) -> None:
    with Backend(settings).store() as store:
        if backup:
            make_backup(store, "daily")
    damage(paths.db_path())


def choosing(qtbot: Any, button: str, seen: list[RepairDialog]) -> Callable[[RepairDialog], None]:
    """Instead of `exec()`: show the dialog, press one of its buttons, wait until it closed."""

    def repair(dialog: RepairDialog) -> None:
        seen.append(dialog)
        qtbot.addWidget(dialog)
        dialog.open()
        getattr(dialog, button).click()
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)

    return repair


def listed(window: Any) -> list[str]:
    return sorted(row.name for row in window.library.model.rows)


def kept_aside() -> list[Path]:
    return sorted(paths.data_dir().glob("library.sqlite3.damaged-*"))


def test_restore_the_backup_from_the_window(qtbot: Any, settings: Settings, library: Path) -> None:
    close_and_damage(settings, backup=True)
    seen: list[RepairDialog] = []
    window = open_window(
        settings, start_scheduler=False, repair=choosing(qtbot, "restore_button", seen)
    )
    (dialog,) = seen
    assert "is damaged" in dialog.message.text()
    assert "Your documents themselves are not affected" in dialog.message.text()
    assert "not a database" in dialog.problem.text()
    (backup,) = list_backups()
    date = f"{backup.taken_at.astimezone():%Y-%m-%d %H:%M}"
    assert dialog.restore_button.text() == f"Restore the backup of {date}"
    assert not dialog.restore_button.isHidden()
    assert window is not None
    qtbot.addWidget(window)
    window.quit_hook = lambda: None
    window.show()
    try:
        qtbot.waitUntil(lambda: listed(window) == sorted(DOCUMENTS), timeout=10000)
        assert window.statusBar().currentMessage().startswith(f"Restored the backup of {date}")
        assert len(kept_aside()) == 1
    finally:
        window.shutdown()


def test_a_restore_in_the_window_says_the_conversations_it_kept(
    qtbot: Any, settings: Settings, library: Path
) -> None:
    from nocturne.library import conversations as chats

    with Backend(settings).store() as store:
        make_backup(store, "daily")
        chat = chats.create_conversation(store)  # since the backup: only the damaged file has it
        chats.add_message(store, chat, "user", "How much is the deposit?", title="The deposit")
        chats.add_message(store, chat, "assistant", "2,500 euros.", {"mode": "auto"})
    damage_pages_of(paths.db_path(), "chunks")  # damaged part way in: the chats still read
    seen: list[RepairDialog] = []
    window = open_window(
        settings,
        start_scheduler=False,
        repair=choosing(qtbot, "restore_button", seen),
        thorough=True,
    )
    assert window is not None and len(seen) == 1
    qtbot.addWidget(window)
    window.quit_hook = lambda: None
    window.show()
    try:
        (backup,) = list_backups()
        said = window.statusBar().currentMessage()
        date = f"{backup.taken_at.astimezone():%Y-%m-%d %H:%M}"
        assert said.startswith(f"Restored the backup of {date}; the damaged file was kept as ")
        assert said.endswith("; kept 1 conversation from the old library")
        qtbot.waitUntil(lambda: window.conversations.list.count() == 1, timeout=10000)
    finally:
        window.shutdown()


def test_rebuild_from_the_documents_in_the_window(
    qtbot: Any, settings: Settings, library: Path
) -> None:
    close_and_damage(settings, backup=True)  # the header is gone: the paths come from the backup
    seen: list[RepairDialog] = []
    window = open_window(
        settings, start_scheduler=False, repair=choosing(qtbot, "rebuild_button", seen)
    )
    assert window is not None
    qtbot.addWidget(window)
    window.quit_hook = lambda: None
    window.show()
    try:
        adding = window.adding_again
        qtbot.waitUntil(lambda: adding.finished, timeout=20000)
        assert adding.total == 2 and adding.done == 2
        assert (
            window.statusBar()
            .currentMessage()
            .startswith("Library rebuilt: 2 documents added again")
        )
        qtbot.waitUntil(lambda: listed(window) == sorted(DOCUMENTS), timeout=10000)
        assert len(kept_aside()) == 1
        from nocturne.schedule.folders import watched_folders

        assert watched_folders(window.backend.store()) == [library]  # watched again
    finally:
        window.shutdown()


def test_without_a_backup_only_rebuild_and_quit_are_offered(
    qtbot: Any, settings: Settings, library: Path
) -> None:
    close_and_damage(settings, backup=False)
    seen: list[RepairDialog] = []
    assert open_window(settings, repair=choosing(qtbot, "quit_button", seen)) is None
    (dialog,) = seen
    assert dialog.restore_button.isHidden()
    assert not dialog.rebuild_button.isHidden() and not dialog.quit_button.isHidden()
    assert "There is no backup to restore" in dialog.detail.text()
    # Quit changes nothing: the damaged file is where it was, nothing was moved aside.
    assert kept_aside() == []
    assert paths.db_path().read_bytes()[:16] == b"garbage garbage!"


def test_the_smoke_test_reports_a_damaged_library_without_a_dialog(
    home: Path, settings: Settings, library: Path
) -> None:
    close_and_damage(settings, backup=False)
    env = dict(
        os.environ,
        NOCTURNE_HOME=str(home),
        QT_QPA_PLATFORM="offscreen",
        NOCTURNE_ENGINE=FAKE_ENGINE,
    )
    done = subprocess.run(
        [sys.executable, "-m", "nocturne", "gui", "--smoke-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert f"the library database {paths.db_path()} is damaged" in done.stderr
    assert "not a database" in done.stderr and "nocturne restore" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_rebuild_in_the_window_keeps_the_conversations(
    qtbot: Any, settings: Settings, library: Path
) -> None:
    from nocturne.library import conversations as chats

    with Backend(settings).store() as store:
        chat = chats.create_conversation(store)
        chats.add_message(store, chat, "user", "How much is the deposit?", title="The deposit")
        chats.add_message(store, chat, "assistant", "2,500 euros.", {"mode": "auto"})
    damage_pages_of(paths.db_path(), "chunks")  # damaged part way in: the chats still read
    seen: list[RepairDialog] = []
    window = open_window(
        settings,
        start_scheduler=False,
        repair=choosing(qtbot, "rebuild_button", seen),
        thorough=True,  # as `gui --repair`: the quick check finds damage past the header
    )
    assert window is not None and len(seen) == 1
    qtbot.addWidget(window)
    window.quit_hook = lambda: None
    window.show()
    try:
        adding = window.adding_again
        qtbot.waitUntil(lambda: adding.finished, timeout=20000)
        assert "kept 1 conversation from the old library" in window.statusBar().currentMessage()
        items = window.conversations.list
        qtbot.waitUntil(lambda: items.count() == 1, timeout=5000)
        assert items.item(0).text() == "The deposit"
    finally:
        window.shutdown()


def test_a_rebuild_that_cannot_read_the_list_of_documents_says_so_and_offers_add(
    qtbot: Any, settings: Settings, library: Path, monkeypatch: Any
) -> None:
    """No backup, and the damage over the documents table (and the index that also tells their
    paths) and the watched folders': the window opened on an empty library in silence, though
    the dialog had promised to read the documents again."""
    for table in ("documents", "watched_folders"):
        damage_pages_of(paths.db_path(), table)
        damage_pages_of(paths.db_path(), f"sqlite_autoindex_{table}_1")  # path is UNIQUE
    seen: list[RepairDialog] = []
    window = open_window(
        settings,
        start_scheduler=False,
        repair=choosing(qtbot, "rebuild_button", seen),
        thorough=True,
    )
    assert window is not None and len(seen) == 1
    promise = seen[0].detail.text()
    assert "reads your documents again" not in promise
    assert "still lists" in promise and "Nocturne says so and you add them again" in promise
    qtbot.addWidget(window)
    window.quit_hook = lambda: None
    chosen: list[str] = []
    monkeypatch.setattr(window, "choose_files", lambda: chosen.append("files"))
    window.show()
    try:
        adding = window.adding_again
        qtbot.waitUntil(lambda: adding.finished, timeout=20000)
        nothing_listed = (
            "The list of your documents could not be read from the damaged file; add your "
            "documents or folders again"
        )
        assert window.statusBar().currentMessage() == nothing_listed
        assert window.notice.isVisible() and window.notice.full_text == nothing_listed  # seen
        box = adding.box
        assert box is not None and box.isVisible() and box.text() == nothing_listed + "."
        assert "A new library was started" in box.informativeText()
        assert adding.add_folder_button.text() == "Add a folder…"
        adding.add_files_button.click()
        qtbot.waitUntil(lambda: chosen == ["files"], timeout=5000)
        assert listed(window) == [] and kept_aside()  # the damaged file, kept
    finally:
        window.shutdown()
