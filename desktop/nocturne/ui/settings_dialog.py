"""The settings dialog, built from the declaration in `nocturne.settings.SETTINGS`.

One tab per group, one editor per setting chosen from its type and widget hint, its description
under it. A model file is checked the moment it is chosen. The remote API key is read from and
written to the system keyring only (through a worker: the keyring may be a D-Bus service), never
to the settings file or a log.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from nocturne import keychain, paths
from nocturne.engine.model_file import check_model_file
from nocturne.errors import KnownError
from nocturne.settings import SETTINGS, Setting, Settings
from nocturne.ui.workers import TaskRunner

MODEL_FILES = {"model_path", "embedding_model_path"}
API_KEY_LABEL = "API key"


class PathEditor(QWidget):
    """A path with a Browse button; model files are validated when chosen."""

    def __init__(self, setting: Setting, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setting = setting
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setAccessibleName(setting.label)
        self.edit.setPlaceholderText(
            f"the default: {default_data_dir()}"
            if setting.widget == "folder"
            else "the bundled model"
            if setting.name == "model_path"
            else "none"
        )
        browse = QPushButton("Browse…")
        browse.setAccessibleName(f"Browse for {setting.label}")
        browse.clicked.connect(self.browse)
        layout.addWidget(self.edit, 1)
        layout.addWidget(browse)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #e5484d;")
        self.error.setWordWrap(True)
        self.error.hide()

    def browse(self) -> None:
        if self.setting.widget == "folder":
            chosen = QFileDialog.getExistingDirectory(self, self.setting.label, self.edit.text())
        else:
            filters = (
                "GGUF models (*.gguf);;All files (*)"
                if self.setting.name in MODEL_FILES
                else "All files (*)"
            )
            chosen, _ = QFileDialog.getOpenFileName(
                self, self.setting.label, self.edit.text(), filters
            )
        if chosen:
            self.choose(chosen)

    def choose(self, path: str) -> bool:
        """Set the path, checking a model file at once; False (and a message) if unusable."""
        if self.setting.name in MODEL_FILES and path:
            try:
                check_model_file(Path(path))
            except KnownError as exc:
                self.error.setText(exc.message)
                self.error.show()
                return False
        self.error.hide()
        self.edit.setText(path)
        return True

    def value(self) -> str:
        return self.edit.text().strip()


def default_data_dir() -> str:
    """The platform's folder, used when the setting is empty (and NOCTURNE_HOME is not set)."""
    import platformdirs

    return platformdirs.user_data_dir(paths.APP_NAME, appauthor=False)


def data_folder_in_use() -> str:
    """Which folder the running library is in, and why that one, in a sentence."""
    override = paths.home_override()
    folder = str(paths.data_dir())
    if override is not None:
        return f"In use now: {folder} (set by NOCTURNE_HOME, which overrides this setting)."
    return f"In use now: {folder}."


def make_editor(setting: Setting) -> QWidget:
    editor: QWidget
    if setting.widget in ("file", "folder"):
        editor = PathEditor(setting)
    elif setting.widget == "time":
        editor = QTimeEdit()
        editor.setDisplayFormat("HH:mm")
    elif setting.choices:
        editor = QComboBox()
        labels = setting.choice_labels or setting.choices
        for value, label in zip(setting.choices, labels, strict=True):
            editor.addItem(label, value)
    elif setting.type is bool:
        editor = QCheckBox(setting.label)
    elif setting.type is int:
        editor = QSpinBox()
        editor.setRange(int(setting.minimum or 0), int(setting.maximum or 2_000_000_000))
        editor.setGroupSeparatorShown(True)
    elif setting.type is float:
        editor = QDoubleSpinBox()
        editor.setDecimals(2)
        editor.setRange(float(setting.minimum or 0.0), float(setting.maximum or 1e9))
    else:
        editor = QLineEdit()
    if isinstance(editor, (QSpinBox, QDoubleSpinBox, QTimeEdit, QComboBox)):
        editor.setMinimumWidth(140)
    editor.setAccessibleName(setting.label)
    editor.setToolTip(setting.description)
    return editor


def set_editor_value(editor: QWidget, value: Any) -> None:
    if isinstance(editor, PathEditor):
        editor.edit.setText(str(value))
    elif isinstance(editor, QTimeEdit):
        editor.setTime(QTime.fromString(str(value), "HH:mm"))
    elif isinstance(editor, QComboBox):
        index = editor.findData(str(value))
        if index >= 0:
            editor.setCurrentIndex(index)
        else:
            editor.setCurrentText(str(value))
    elif isinstance(editor, QCheckBox):
        editor.setChecked(bool(value))
    elif isinstance(editor, (QSpinBox, QDoubleSpinBox)):
        editor.setValue(value)
    elif isinstance(editor, QLineEdit):
        editor.setText(str(value))


def editor_value(editor: QWidget) -> Any:
    if isinstance(editor, PathEditor):
        return editor.value()
    if isinstance(editor, QTimeEdit):
        return editor.time().toString("HH:mm")
    if isinstance(editor, QComboBox):
        data = editor.currentData()
        return data if data is not None else editor.currentText()
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, (QSpinBox, QDoubleSpinBox)):
        return editor.value()
    if isinstance(editor, QLineEdit):
        return editor.text().strip()
    raise TypeError(editor)


class SettingsDialog(QDialog):
    """Edits a copy of the settings; `applied` fires after they and the key are saved."""

    applied = Signal()

    def __init__(
        self, settings: Settings, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Nocturne Settings")
        self.setAccessibleName("Settings")
        self.settings = settings
        self.runner = runner
        self.editors: dict[str, QWidget] = {}
        self.tabs = QTabWidget()
        forms: dict[str, QFormLayout] = {}
        for setting in SETTINGS:
            form = forms.get(setting.group)
            if form is None:
                page = QWidget()
                form = QFormLayout(page)
                form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
                form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
                forms[setting.group] = form
                scroll = QScrollArea()
                scroll.setWidgetResizable(True)
                scroll.setFrameShape(QScrollArea.Shape.NoFrame)
                scroll.setWidget(page)
                self.tabs.addTab(scroll, setting.group)
            editor = make_editor(setting)
            self.editors[setting.name] = editor
            field = QWidget()
            field.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            column = QVBoxLayout(field)
            column.setContentsMargins(0, 0, 0, 8)
            column.setSpacing(2)
            wide = isinstance(editor, (PathEditor, QLineEdit))
            column.addWidget(editor, 0, Qt.AlignmentFlag(0) if wide else Qt.AlignmentFlag.AlignLeft)
            if isinstance(editor, PathEditor):
                column.addWidget(editor.error)
            if setting.name == "data_dir":
                self.data_in_use = QLabel(data_folder_in_use())
                self.data_in_use.setWordWrap(True)
                self.data_in_use.setTextInteractionFlags(
                    Qt.TextInteractionFlag.TextSelectableByMouse
                )
                self.data_in_use.setAccessibleName("Data folder in use")
                column.addWidget(self.data_in_use)
            note = QLabel(setting.description)
            note.setObjectName("muted")
            note.setWordWrap(True)
            column.addWidget(note)
            form.addRow("" if setting.type is bool else setting.label, field)
            if setting.name == "remote_url":
                self.api_key = QLineEdit()
                self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
                self.api_key.setAccessibleName("Remote API key")
                self.api_key.setPlaceholderText("loading from the keyring…")
                self.api_key.setEnabled(False)
                key_note = QLabel("Kept in the system keyring, never in a file.")
                key_note.setObjectName("muted")
                key_field = QWidget()
                key_column = QVBoxLayout(key_field)
                key_column.setContentsMargins(0, 0, 0, 6)
                key_column.addWidget(self.api_key)
                key_column.addWidget(key_note)
                form.addRow(API_KEY_LABEL, key_field)
        if "Remote" in forms:
            forms["Remote"].addRow("", self._connection_test_row())
        self.error = QLabel("")
        self.error.setStyleSheet("color: #e5484d;")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        restore = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.clicked.connect(self.restore_defaults)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(700, 600)
        for setting in SETTINGS:
            set_editor_value(self.editors[setting.name], settings.get(setting.name))
        self._original_key: str | None = None
        self.key_loaded = False
        runner.submit(lambda _report: keychain.get_secret(), self._key_loaded, self._key_failed)

    def _connection_test_row(self) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        self.test_button = QPushButton("Test connection")
        self.test_button.setAccessibleName("Test the remote connection")
        self.test_button.setToolTip(
            "One short request to the server above, with the API key saved in the keyring"
        )
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = QLabel("")
        self.test_result.setWordWrap(True)
        layout.addWidget(self.test_button)
        layout.addWidget(self.test_result, 1)
        return row

    def test_connection(self) -> None:
        """Check the server with the URL and model typed here (in a worker: it is network)."""
        candidate = Settings(self.settings.as_dict(), self.settings.path)
        try:
            for name in ("remote_url", "remote_model", "remote_timeout_s", "context_size"):
                candidate.set(name, editor_value(self.editors[name]))
        except KnownError as exc:
            self.test_result.setText(exc.message)
            return
        self.test_button.setEnabled(False)
        self.test_result.setText("Testing…")

        def check(_report: Any) -> Any:
            from nocturne.engine.engine_report import check_remote

            return check_remote(candidate)

        def shown(result: Any) -> None:
            self.test_button.setEnabled(True)
            colour = "#30a46c" if result.ok else "#e5484d"
            self.test_result.setStyleSheet(f"color: {colour};")
            self.test_result.setText(result.message)

        def failed(message: str) -> None:
            self.test_button.setEnabled(True)
            self.test_result.setText(message)

        self.runner.submit(check, shown, failed)

    def _key_loaded(self, key: str | None) -> None:
        self._original_key = key
        self.api_key.setText(key or "")
        self.api_key.setPlaceholderText("none")
        self.api_key.setEnabled(True)
        self.key_loaded = True

    def _key_failed(self, message: str) -> None:
        # Only the remote engine needs a key: say it at the field, not as an error on opening.
        self.api_key.setPlaceholderText("no system keyring available; the key cannot be stored")
        self.api_key.setToolTip(message)

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def restore_defaults(self) -> None:
        for setting in SETTINGS:
            set_editor_value(self.editors[setting.name], setting.default)

    def values(self) -> dict[str, Any]:
        return {name: editor_value(editor) for name, editor in self.editors.items()}

    def save(self) -> None:
        """Validate every value, then save the file and the key in a worker."""
        candidate = Settings(self.settings.as_dict(), self.settings.path)
        try:
            for name, value in self.values().items():
                candidate.set(name, value)
        except KnownError as exc:
            self._show_error(exc.message)
            return
        for name, editor in self.editors.items():
            if (
                isinstance(editor, PathEditor)
                and name in MODEL_FILES
                and editor.value()
                and not editor.choose(editor.value())
            ):
                self._show_error(f"{editor.setting.label}: {editor.error.text()}")
                return
        key = self.api_key.text() if self.key_loaded else None
        write_key = key is not None and key != (self._original_key or "")
        self.buttons.setEnabled(False)

        def persist(_report: Any) -> None:
            candidate.save()
            if write_key:
                keychain.set_secret(key)

        self.runner.submit(persist, lambda _r: self._saved(candidate), self._save_failed)

    def _saved(self, candidate: Settings) -> None:
        for name, value in candidate.items():
            self.settings.set(name, value)
        self.applied.emit()
        self.accept()

    def _save_failed(self, message: str) -> None:
        self.buttons.setEnabled(True)
        self._show_error(message)
