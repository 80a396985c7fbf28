"""Draws the Nocturne icon: a crescent moon over a page, on a night-blue tile.

Writes `resources/icons/nocturne.svg` and the PNG sizes Linux desktops, Windows and macOS ask for
(16-512 px), rasterised from that same SVG with Qt so every size is the same picture. The colours
match the icon the window paints for itself (`nocturne.ui.icons`).

    .venv/bin/python installer/make_icons.py
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"

NIGHT_TOP = "#2b2f6b"
NIGHT_BOTTOM = "#151733"
MOON = "#f6d67a"
PAGE = "#f4f1e8"
PAGE_FOLD = "#d9d4c4"
INK = "#8d93b8"


def crescent_path(outer: tuple[float, float, float], bite: tuple[float, float, float]) -> str:
    """The part of the `outer` circle outside the `bite` circle, as an SVG path of two arcs.

    Drawn as a path (not a mask) because Qt's SVG renderer implements SVG Tiny, without masks.
    """
    (x1, y1, r1), (x2, y2, r2) = outer, bite
    d = math.hypot(x2 - x1, y2 - y1)
    a = (r1 * r1 - r2 * r2 + d * d) / (2 * d)
    h = math.sqrt(r1 * r1 - a * a)
    mx, my = x1 + a * (x2 - x1) / d, y1 + a * (y2 - y1) / d
    px, py = mx + h * (y2 - y1) / d, my - h * (x2 - x1) / d
    qx, qy = mx - h * (y2 - y1) / d, my + h * (x2 - x1) / d
    return (
        f"M {px:.2f} {py:.2f} "
        f"A {r1:g} {r1:g} 0 1 0 {qx:.2f} {qy:.2f} "
        f"A {r2:g} {r2:g} 0 0 1 {px:.2f} {py:.2f} Z"
    )


def icon_svg() -> str:
    moon = crescent_path((170.0, 84.0, 50.0), (194.0, 64.0, 42.0))
    lines = "\n".join(
        f'    <rect x="76" y="{y}" width="{w}" height="9" rx="4.5" fill="{INK}"/>'
        for y, w in ((150, 76), (170, 86), (190, 62))
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="256" height="256"
     viewBox="0 0 256 256">
  <title>Nocturne</title>
  <defs>
    <linearGradient id="night" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="{NIGHT_TOP}"/>
      <stop offset="1" stop-color="{NIGHT_BOTTOM}"/>
    </linearGradient>
  </defs>
  <rect x="8" y="8" width="240" height="240" rx="54" fill="url(#night)"/>
  <g>
    <path d="M 56 120 L 150 120 L 182 152 L 182 228 L 56 228 Z" fill="{PAGE}"/>
    <path d="M 150 120 L 150 152 L 182 152 Z" fill="{PAGE_FOLD}"/>
{lines}
  </g>
  <path d="{moon}" fill="{MOON}"/>
  <circle cx="62" cy="60" r="6" fill="#ffffff"/>
  <circle cx="98" cy="34" r="4" fill="#ffffff"/>
  <circle cx="222" cy="132" r="4.5" fill="#ffffff"/>
</svg>
"""


def rasterise(svg: Path, size: int, target: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"Qt cannot read {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    if not image.save(str(target), "PNG"):
        raise SystemExit(f"cannot write {target}")


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    ICONS.mkdir(parents=True, exist_ok=True)
    svg = ICONS / "nocturne.svg"
    svg.write_text(icon_svg(), encoding="utf-8")
    for size in SIZES:
        rasterise(svg, size, ICONS / f"nocturne-{size}.png")
    del app
    print(f"wrote {svg} and {len(SIZES)} PNG sizes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
