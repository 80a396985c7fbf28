"""README screenshots of the real window under Xvfb: the sample library digested with the bundled
model, three questions answered, in light and dark at 1400×900 and in light at 1000×700. Slow (a
real digest).

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
REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "resources" / "samples"


def run(args: list[str], env: dict[str, str], timeout: float) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-2000:]


def test_screenshots_of_a_digested_sample_library(
    xvfb_display: str, home: Path, tmp_path: Path
) -> None:
    target = os.environ.get("NOCTURNE_SCREENSHOTS")
    out = Path(target) if target else tmp_path / "screenshots"
    env = dict(os.environ, NOCTURNE_HOME=str(home), DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb")
    env.pop("NOCTURNE_ENGINE", None)
    run([sys.executable, "-m", "nocturne", "add", str(SAMPLES)], env, 300)
    # The README's screenshots (`make screenshots`) show a fully digested library; the test
    # suite checks the same window after the quick first digest, which is what takes minutes.
    budget = "medium" if target else "low"
    run([sys.executable, "-m", "nocturne", "digest", "--budget", budget], env, 1800)
    out.mkdir(parents=True, exist_ok=True)
    run([sys.executable, str(Path(__file__).with_name("screenshot_app.py")), str(out)], env, 900)
    for name, scheme, size in (
        ("nocturne-light.png", "light", (1400, 900)),
        ("nocturne-dark.png", "dark", (1400, 900)),
        ("nocturne-light-1000x700.png", "light", (1000, 700)),
    ):
        image = QImage(str(out / name))
        assert (image.width(), image.height()) == size, name
        window = image.pixelColor(5, image.height() // 2)
        assert (window.lightness() > 128) == (scheme == "light")
