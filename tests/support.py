"""Constants and helpers shared by tests (import as `from support import ...`)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SAMPLES = REPO / "resources" / "samples"


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    """Environment for running `python -m nocturne` in a subprocess against `home`."""
    env = dict(os.environ)
    env["NOCTURNE_HOME"] = str(home)
    env.pop("NOCTURNE_ENGINE", None)
    env.pop("NOCTURNE_MODEL", None)
    env.update(extra)
    return env
