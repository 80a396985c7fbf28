"""The settings dialog: built from the declaration, round trip, model check, keyring only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QTime

from nocturne import keychain, paths
from nocturne.settings import SETTINGS, Settings
from nocturne.ui.settings_dialog import PathEditor


def open_dialog(window: Any, qtbot: Any) -> Any:
    dialog = window.open_settings()
    qtbot.waitUntil(lambda: dialog.key_loaded, timeout=5000)
    return dialog


def test_every_declared_setting_has_an_editor(window: Any, qtbot: Any) -> None:
    dialog = open_dialog(window, qtbot)
    assert set(dialog.editors) == {s.name for s in SETTINGS}
    groups = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert groups == list(dict.fromkeys(s.group for s in SETTINGS))
    dialog.reject()


def test_settings_and_api_key_round_trip(window: Any, qtbot: Any, memory_keyring: Any) -> None:
    dialog = open_dialog(window, qtbot)
    dialog.editors["threads"].setValue(3)
    dialog.editors["night_start"].setTime(QTime(23, 30))
    dialog.editors["allow_on_battery"].setChecked(True)
    dialog.editors["digest_budget"].setCurrentText("high")
    dialog.editors["reference_price_per_million"].setValue(5.0)
    dialog.editors["remote_url"].setText("http://gpu-box:8080/v1")
    dialog.api_key.setText("sk-very-secret")
    with qtbot.waitSignal(dialog.applied, timeout=5000):
        dialog.save()
    saved = Settings.load()
    assert (
        saved.threads,
        saved.night_start,
        saved.allow_on_battery,
        saved.digest_budget,
        saved.reference_price_per_million,
        saved.remote_url,
    ) == (3, "23:30", True, "high", 5.0, "http://gpu-box:8080/v1")
    assert window.settings.threads == 3
    assert keychain.get_secret() == "sk-very-secret"
    assert ("nocturne", keychain.REMOTE_API_KEY) in memory_keyring.passwords
    for path in paths.data_dir().rglob("*"):
        if path.is_file():
            assert b"sk-very-secret" not in path.read_bytes(), path

    again = open_dialog(window, qtbot)
    assert again.api_key.text() == "sk-very-secret"
    assert again.editors["threads"].value() == 3
    again.api_key.setText("")
    with qtbot.waitSignal(again.applied, timeout=5000):
        again.save()
    assert keychain.get_secret() is None


def test_an_invalid_value_is_explained_and_not_saved(window: Any, qtbot: Any) -> None:
    dialog = open_dialog(window, qtbot)
    dialog.editors["night_end"].setTime(QTime(6, 0))
    dialog.editors["data_dir"].edit.setText("")
    dialog.editors["remote_model"].setText("x")
    dialog.editors["digest_engine"].setCurrentText("remote")
    dialog.editors["model_path"].edit.setText(str(Path("/nonexistent/model.gguf")))
    dialog.save()
    assert dialog.error.isVisible()
    assert "model file not found" in dialog.error.text()
    assert Settings.load().digest_engine == "local"
    dialog.reject()


def test_a_model_file_is_checked_when_chosen(window: Any, qtbot: Any, tmp_path: Path) -> None:
    dialog = open_dialog(window, qtbot)
    editor: PathEditor = dialog.editors["model_path"]
    fake = tmp_path / "notamodel.gguf"
    fake.write_bytes(b"PK\x03\x04" + b"0" * 100)
    assert not editor.choose(str(fake))
    assert "not a GGUF" in editor.error.text() and editor.value() == ""
    truncated = tmp_path / "tiny.gguf"
    truncated.write_bytes(b"GGUF" + b"\0" * 100)
    assert not editor.choose(str(truncated))
    assert "truncated" in editor.error.text()
    dialog.reject()


def test_restore_defaults(window: Any, qtbot: Any) -> None:
    dialog = open_dialog(window, qtbot)
    dialog.editors["threads"].setValue(7)
    dialog.restore_defaults()
    assert dialog.values()["threads"] == 0
    dialog.reject()


def test_the_remote_connection_test_reports_a_clear_error(window: Any, qtbot: Any) -> None:
    dialog = open_dialog(window, qtbot)
    dialog.editors["remote_url"].setText("http://127.0.0.1:9/v1")  # the discard port: refused
    dialog.test_connection()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=20000)
    assert dialog.test_result.text() not in ("", "Testing…")
    assert "127.0.0.1" in dialog.test_result.text() or "connect" in dialog.test_result.text()
    dialog.reject()


def test_shortcuts(window: Any) -> None:
    from PySide6.QtGui import QKeySequence

    assert window.add_action.shortcut() == QKeySequence("Ctrl+O")
    assert window.settings_action.shortcut() == QKeySequence("Ctrl+,")
    assert window.quit_action.shortcut() == QKeySequence("Ctrl+Q")
