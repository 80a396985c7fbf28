"""Damage met while the window is open (issue 14): the library file's header and schema are
fine, so the window opened, but a query reads a damaged page further in. The window says so
once, in a box that offers "Restart and repair"; the restart runs `gui --repair`, whose start-up
runs SQLite's full check and so meets the damage the quick start-up check cannot see."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox

from nocturne import paths
from nocturne.errors import StoreError
from nocturne.library.backups import database_problem
from nocturne.settings import Settings
from nocturne.ui.app import open_window
from nocturne.ui.core_calls import Backend
from nocturne.ui.repair import REPAIR_ARGS, RepairDialog


def damaged_box(window: Any) -> QMessageBox | None:
    return window.damage.box


def test_damage_met_by_a_query_offers_restart_and_repair_once(
    qtbot: Any, settings: Settings
) -> None:
    window = open_window(settings, start_scheduler=False)
    assert window is not None
    qtbot.addWidget(window)
    quits: list[bool] = []
    window.quit_hook = lambda: quits.append(True)
    window.show()

    def query_meets_damage(_report: Any) -> None:
        raise StoreError(
            f"The library database {paths.db_path()} is damaged (database disk image is "
            "malformed).",
            condition="damaged",
        )

    try:
        for runner in (window.disk, window.model, window.disk):  # any task, any runner
            runner.submit(query_meets_damage, on_failed=lambda _message: None)
        qtbot.waitUntil(lambda: damaged_box(window) is not None, timeout=10000)
        box = damaged_box(window)
        assert box is not None and box.isVisible()
        assert "is damaged" in box.text()
        assert "Your documents are not affected" in box.informativeText()
        qtbot.wait(200)  # the later failures arrive: still one box
        assert damaged_box(window) is box
        assert [b.text() for b in box.buttons()].count("Restart and repair") == 1
        assert window.restart_args is None and not quits
        window.damage.restart_button.click()
        assert window.restart_args == REPAIR_ARGS == ["gui", "--repair"]
        assert quits == [True]
    finally:
        window.shutdown()


def test_an_ordinary_failure_offers_no_repair(qtbot: Any, settings: Settings) -> None:
    window = open_window(settings, start_scheduler=False)
    assert window is not None
    qtbot.addWidget(window)
    window.quit_hook = lambda: None
    failures: list[str] = []

    def locked(_report: Any) -> None:
        raise StoreError("The library database is busy.", condition="locked")

    try:
        window.disk.submit(locked, on_failed=failures.append)
        qtbot.waitUntil(lambda: failures == ["The library database is busy."], timeout=10000)
        assert damaged_box(window) is None
    finally:
        window.shutdown()


def damage_a_table_page(database: Path, table: str) -> None:
    """Overwrite the root page of `table` (not the header, not the schema page)."""
    conn = sqlite3.connect(database)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    conn.close()
    assert root > 1
    with database.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xff" * page_size)


def test_gui_repair_runs_the_full_check_and_opens_the_repair_dialog(
    qtbot: Any, settings: Settings, tmp_path: Path
) -> None:
    doc = tmp_path / "notes.txt"
    doc.write_text(
        "\n\n".join(f"Paragraph {n} says the meter reading was {n * 7}." for n in range(400)),
        encoding="utf-8",
    )
    backend = Backend(settings)
    assert backend.add([doc])[0].status == "added"
    backend.close()
    damage_a_table_page(paths.db_path(), "chunks")
    # What a normal start sees: the header and schema are fine, the documents can be listed.
    assert database_problem(thorough=False) == ""
    quick = open_window(settings, start_scheduler=False, repair=lambda _d: None)
    assert quick is not None
    qtbot.addWidget(quick)
    quick.quit_hook = lambda: None
    quick.shutdown()
    # What the restart into repair sees: the full check, then the dialog.
    seen: list[RepairDialog] = []

    def repair(dialog: RepairDialog) -> None:
        seen.append(dialog)
        qtbot.addWidget(dialog)

    assert open_window(settings, start_scheduler=False, repair=repair, thorough=True) is None
    (dialog,) = seen  # the person closed it without choosing: nothing was changed
    assert "is damaged" in dialog.message.text()
    assert paths.db_path().exists()


class Scheduling:
    """Stands for the window's scheduler: the window runs the schedule, so it takes the
    daily backup (`CoreBackground.daily_backup`)."""

    last_decision = None

    def tick(self) -> None:
        pass

    def shutdown(self, stop_digest: bool = True) -> None:
        pass


def test_damage_the_daily_backup_finds_at_start_offers_restart_and_repair(
    qtbot: Any, settings: Settings, tmp_path: Path
) -> None:
    from nocturne.library.backups import list_backups

    from support import damage_pages_of

    doc = tmp_path / "notes.txt"
    doc.write_text(
        "\n\n".join(f"Paragraph {n} says the meter reading was {n * 7}." for n in range(400)),
        encoding="utf-8",
    )
    backend = Backend(settings)
    assert backend.add([doc])[0].status == "added"
    backend.close()
    damage_pages_of(paths.db_path(), "chunks")  # part way in: the window opens
    window = open_window(settings, start_scheduler=False, repair=lambda _d: None)
    assert window is not None
    qtbot.addWidget(window)
    quits: list[bool] = []
    window.quit_hook = lambda: quits.append(True)
    window.background.scheduler = Scheduling()
    window.show()
    try:
        # The first poll's housekeeping asks for the daily backup, whose check meets the damage.
        qtbot.waitUntil(lambda: damaged_box(window) is not None, timeout=10000)
        box = damaged_box(window)
        assert box is not None and box.isVisible()
        assert "is damaged" in box.text() and "no backup was taken" in box.text()
        assert list_backups() == []  # no damaged copy over the good ones
        window.damage.restart_button.click()
        assert window.restart_args == REPAIR_ARGS and quits == [True]
    finally:
        window.shutdown()
