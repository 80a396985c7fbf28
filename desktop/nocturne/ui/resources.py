"""Finding the resources folder (icons, sample documents, stylesheet) wherever Nocturne runs.

Three layouts exist: a source checkout (`<repo>/resources` next to `desktop/`), an installed wheel
that carries `nocturne/resources`, and a PyInstaller bundle that unpacks into `sys._MEIPASS`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # desktop/nocturne


def resource_roots() -> list[Path]:
    roots: list[Path] = []
    override = os.environ.get("NOCTURNE_RESOURCES")
    if override:
        roots.append(Path(override))
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        roots += [Path(bundle) / "resources", Path(bundle) / "nocturne" / "resources"]
    roots += [PACKAGE_DIR / "resources", PACKAGE_DIR.parent.parent / "resources"]
    return roots


def resource_path(*parts: str) -> Path | None:
    """The first existing `resources/<parts>` in the known layouts, or None."""
    for root in resource_roots():
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    return None


def samples_dir() -> Path | None:
    folder = resource_path("samples")
    if folder is None or not folder.is_dir() or not any(folder.iterdir()):
        return None
    return folder


def icon_files(name: str = "nocturne") -> list[Path]:
    """PNG sizes and the SVG of an icon, whichever exist (the tray and window pick the best)."""
    folder = resource_path("icons")
    if folder is None:
        return []
    found = sorted(folder.glob(f"{name}*.png")) + sorted(folder.glob(f"{name}*.svg"))
    return [path for path in found if path.is_file()]
