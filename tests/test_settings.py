from pathlib import Path

import pytest

from nocturne import keychain
from nocturne.errors import KnownError
from nocturne.settings import SETTINGS, Settings


def test_defaults_round_trip_through_the_file(home: Path) -> None:
    settings = Settings.load()
    assert settings.idle_minutes == 10 and settings.digest_budget == "medium"
    settings.set("idle_minutes", "25")
    settings.set("allow_on_battery", "yes")
    settings.save()
    again = Settings.load()
    assert again.idle_minutes == 25 and again.allow_on_battery is True
    assert (home / "config" / "settings.json").exists()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("digest_budget", "huge", "must be one of low, medium, high"),
        ("threads", -1, "must be at least 0"),
        ("night_start", "25:00", "must be a time like 01:30"),
        ("nonexistent", 1, "there is no setting called"),
    ],
)
def test_bad_values_are_refused(name: str, value: object, message: str) -> None:
    with pytest.raises(KnownError, match=message):
        Settings().set(name, value)


def test_every_setting_is_documented() -> None:
    for setting in SETTINGS:
        assert setting.label and setting.description.endswith(".")
        assert isinstance(setting.default, setting.type)


def test_api_key_goes_to_the_keyring_only(home: Path, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    keychain.set_secret("sk-test-123")
    assert memory_keyring.passwords[("nocturne", "remote_api_key")] == "sk-test-123"
    Settings.load().save()
    assert "sk-test" not in (home / "config" / "settings.json").read_text()
    keychain.set_secret(None)
    assert keychain.get_secret() is None


def test_data_dir_setting_moves_the_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nocturne import paths

    monkeypatch.delenv("NOCTURNE_HOME")
    monkeypatch.setattr(paths.platformdirs, "user_config_dir", lambda *a, **k: str(tmp_path / "c"))
    monkeypatch.setattr(paths.platformdirs, "user_data_dir", lambda *a, **k: str(tmp_path / "d"))
    assert paths.data_dir() == tmp_path / "d"
    settings = Settings.load()
    settings.set("data_dir", str(tmp_path / "elsewhere"))
    settings.save()
    assert paths.db_path() == tmp_path / "elsewhere" / "library.sqlite3"


def test_every_setting_is_a_typed_attribute_and_every_attribute_a_setting() -> None:
    from nocturne.settings import SETTINGS, Settings, _Value

    attributes = {name: v for name, v in vars(Settings).items() if isinstance(v, _Value)}
    assert set(attributes) == {s.name for s in SETTINGS}
    values = Settings()
    for setting in SETTINGS:
        assert isinstance(getattr(values, setting.name), setting.type), setting.name
    with pytest.raises(AttributeError):
        _ = values.no_such_setting  # type: ignore[attr-defined]
