"""Power readings from psutil's battery sensor, faked per case."""

from __future__ import annotations

from types import SimpleNamespace

from nocturne.schedule.power import PowerReading, read_power


def test_no_battery_means_mains() -> None:
    reading = read_power(lambda: None)
    assert reading == PowerReading(on_ac=True, has_battery=False)
    assert "mains" in reading.describe()


def test_plugged_and_unplugged_laptop() -> None:
    plugged = read_power(lambda: SimpleNamespace(percent=80.0, power_plugged=True, secsleft=-2))
    assert plugged.on_ac is True
    assert plugged.battery_percent == 80.0
    unplugged = read_power(lambda: SimpleNamespace(percent=41.6, power_plugged=False, secsleft=99))
    assert unplugged.on_ac is False
    assert unplugged.describe() == "on battery, battery 42 %"


def test_unknown_state_is_not_taken_for_mains() -> None:
    assert read_power(lambda: SimpleNamespace(percent=50, power_plugged=None)).on_ac is None

    def broken() -> None:
        raise OSError("no /sys")

    reading = read_power(broken)
    assert reading.on_ac is None
    assert reading.describe() == "power source unknown"


def test_real_psutil_answers_something() -> None:
    assert read_power().on_ac in (True, False, None)
