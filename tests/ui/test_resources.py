"""Finding the resources folder in a checkout, a wheel, a PyInstaller bundle or an override."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from nocturne.ui import resources

from support import REPO


def test_resources_are_found_in_a_pyinstaller_bundle(monkeypatch: Any, tmp_path: Path) -> None:
    (tmp_path / "resources" / "samples").mkdir(parents=True)
    (tmp_path / "resources" / "samples" / "note.txt").write_text("hi", encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.samples_dir() == tmp_path / "resources" / "samples"


def test_the_samples_are_found_in_the_checkout() -> None:
    folder = resources.samples_dir()
    assert folder is not None and any(folder.glob("*.pdf"))
    assert folder == REPO / "resources" / "samples"


def test_the_override_comes_first_then_the_bundle_then_the_package_and_the_checkout(
    monkeypatch: Any, tmp_path: Path
) -> None:
    monkeypatch.setenv("NOCTURNE_RESOURCES", str(tmp_path / "override"))
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "bundle"), raising=False)
    assert resources.resource_roots() == [
        tmp_path / "override",
        tmp_path / "bundle" / "resources",
        tmp_path / "bundle" / "nocturne" / "resources",
        resources.PACKAGE_DIR / "resources",
        REPO / "resources",
    ]


def test_without_override_or_bundle_only_the_package_and_the_checkout_are_searched(
    monkeypatch: Any,
) -> None:
    monkeypatch.delenv("NOCTURNE_RESOURCES", raising=False)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert resources.resource_roots() == [resources.PACKAGE_DIR / "resources", REPO / "resources"]


def test_the_first_root_holding_the_file_wins(monkeypatch: Any, tmp_path: Path) -> None:
    override = tmp_path / "override"
    (override / "icons").mkdir(parents=True)
    monkeypatch.setenv("NOCTURNE_RESOURCES", str(override))
    assert resources.resource_path("icons") == override / "icons"
    # Not in the override: the checkout's own file is found instead.
    assert resources.resource_path("icons", "nocturne.svg") == REPO / "resources/icons/nocturne.svg"
    assert resources.resource_path("no-such-thing.txt") is None


def test_an_empty_samples_folder_is_no_samples(monkeypatch: Any, tmp_path: Path) -> None:
    (tmp_path / "samples").mkdir()
    monkeypatch.setattr(resources, "resource_roots", lambda: [tmp_path])
    assert resources.samples_dir() is None
    (tmp_path / "samples").rmdir()
    (tmp_path / "samples").write_text("a file, not a folder", encoding="utf-8")
    assert resources.samples_dir() is None


def test_icon_files_are_the_pngs_then_the_svg_of_that_icon_only(
    monkeypatch: Any, tmp_path: Path
) -> None:
    icons = tmp_path / "icons"
    icons.mkdir()
    for name in ("nocturne-32.png", "nocturne-16.png", "nocturne.svg", "other-16.png"):
        (icons / name).write_bytes(b"")
    (icons / "nocturne-dir.png").mkdir()  # not a file: left out
    monkeypatch.setattr(resources, "resource_roots", lambda: [tmp_path])
    assert [p.name for p in resources.icon_files()] == [
        "nocturne-16.png",
        "nocturne-32.png",
        "nocturne.svg",
    ]
    assert [p.name for p in resources.icon_files("other")] == ["other-16.png"]


def test_no_icons_folder_means_no_icon_files(monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.setattr(resources, "resource_roots", lambda: [tmp_path])
    assert resources.icon_files() == []
