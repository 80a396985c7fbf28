"""README screenshots of the real window under Xvfb, as a new user gets it: "Try the sample
documents" pressed on the welcome page, then nothing: the window's own scheduler digests the
library by itself (the first, low-budget digest, with the bundled model, once the machine is
quiet), then three questions are answered and the window is saved in light and dark at
1400×900 and in light at 1000×700 (screenshot_app.py). Slow (a real digest).

The PNGs go to a temporary folder, or to `$NOCTURNE_SCREENSHOTS` when set (`make screenshots`
sets it to docs/screenshots), so an ordinary test run never rewrites the README's images.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

pytestmark = [pytest.mark.gui, pytest.mark.slow, pytest.mark.integration]


def run(args: list[str], env: dict[str, str], timeout: float) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-2000:]
    said = [line for line in done.stderr.splitlines() if line.startswith("digested by itself")]
    print(*said, sep="\n")  # how long the digest took to start and run, and the decisions


def test_screenshots_of_a_digested_sample_library(
    xvfb_display: str, home: Path, tmp_path: Path
) -> None:
    target = os.environ.get("NOCTURNE_SCREENSHOTS")
    out = Path(target) if target else tmp_path / "screenshots"
    env = dict(os.environ, NOCTURNE_HOME=str(home), DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb")
    env.pop("NOCTURNE_ENGINE", None)
    out.mkdir(parents=True, exist_ok=True)
    wait_s = float(os.environ.get("NOCTURNE_SCREENSHOT_WAIT_S", "2400"))
    env["NOCTURNE_SCREENSHOT_WAIT_S"] = str(wait_s)
    run(
        [sys.executable, str(Path(__file__).with_name("screenshot_app.py")), str(out)],
        env,
        wait_s + 900,
    )
    for name, scheme, size in (
        ("nocturne-light.png", "light", (1400, 900)),
        ("nocturne-dark.png", "dark", (1400, 900)),
        ("nocturne-light-1000x700.png", "light", (1000, 700)),
    ):
        image = QImage(str(out / name))
        assert (image.width(), image.height()) == size, name
        window = image.pixelColor(5, image.height() // 2)
        assert (window.lightness() > 128) == (scheme == "light")
