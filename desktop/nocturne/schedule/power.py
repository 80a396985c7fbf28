"""Is the machine on mains power? The digest runs only then, unless the person allows battery.

psutil answers `None` when there is no battery at all: a desktop or a server, hence mains. When a
battery exists but psutil cannot tell whether it is charging (`power_plugged is None`), or psutil
fails, we say "unknown" and the policy treats that like battery: a laptop left unplugged should
not be drained on a guess.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PowerReading:
    """`on_ac` is True on mains, False on battery, None when it cannot be told."""

    on_ac: bool | None
    battery_percent: float | None = None
    has_battery: bool = True

    def describe(self) -> str:
        if not self.has_battery:
            return "on mains power (no battery)"
        percent = (
            f", battery {self.battery_percent:.0f} %" if self.battery_percent is not None else ""
        )
        if self.on_ac is None:
            return f"power source unknown{percent}"
        return f"on mains power{percent}" if self.on_ac else f"on battery{percent}"


PowerProbe = Callable[[], PowerReading]


def _psutil_battery() -> Any:
    import psutil

    sensors = getattr(psutil, "sensors_battery", None)
    return sensors() if sensors is not None else None


def read_power(sensors_battery: Callable[[], Any] = _psutil_battery) -> PowerReading:
    """Read the battery state now (cheap: psutil reads /sys or asks the OS)."""
    try:
        battery = sensors_battery()
    except Exception as exc:  # psutil raises OS-specific errors; all mean "cannot tell"
        log.debug("cannot read the battery: %s", exc)
        return PowerReading(on_ac=None)
    if battery is None:
        return PowerReading(on_ac=True, has_battery=False)
    percent = getattr(battery, "percent", None)
    plugged = getattr(battery, "power_plugged", None)
    return PowerReading(
        on_ac=None if plugged is None else bool(plugged),
        battery_percent=float(percent) if percent is not None else None,
    )
