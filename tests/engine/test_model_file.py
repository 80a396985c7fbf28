import os
import subprocess
import sys
from pathlib import Path

import pytest

from nocturne.engine.local import LocalEngine
from nocturne.engine.model_file import bundled_model_path, check_model_file, resolve_model_path
from nocturne.errors import ModelError

from support import cli_env


def test_bundled_model_is_found_without_importing_llm() -> None:
    path = bundled_model_path()
    assert path is not None and path.name.endswith(".gguf")
    assert "llm" not in sys.modules


def test_environment_overrides_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOCTURNE_MODEL", "/models/other.gguf")
    assert resolve_model_path("/models/setting.gguf") == Path("/models/other.gguf")
    monkeypatch.delenv("NOCTURNE_MODEL")
    assert resolve_model_path("/models/setting.gguf") == Path("/models/setting.gguf")


def test_missing_model(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="model file not found"):
        check_model_file(tmp_path / "nope.gguf")


def test_not_a_gguf(tmp_path: Path) -> None:
    fake = tmp_path / "model.bin"
    fake.write_bytes(b"PK\x03\x04" + b"\x00" * 5_000_000)
    with pytest.raises(ModelError, match="not a GGUF model file"):
        check_model_file(fake)


def test_truncated_gguf_header_only(tmp_path: Path) -> None:
    stub = tmp_path / "tiny.gguf"
    stub.write_bytes(b"GGUF" + b"\x00" * 100)
    with pytest.raises(ModelError, match="truncated"):
        check_model_file(stub)


@pytest.mark.integration
def test_truncated_gguf_does_not_load(tmp_path: Path, model_path: Path) -> None:
    cut = tmp_path / "cut.gguf"
    with model_path.open("rb") as source:
        cut.write_bytes(source.read(os.path.getsize(model_path) // 2))
    with pytest.raises(ModelError, match="could not load this model"):
        LocalEngine(cut)


@pytest.mark.integration
def test_cli_with_a_broken_model_says_so_without_traceback(home: Path, tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_text("The rent is 900 euros.")
    bad = tmp_path / "broken.gguf"
    bad.write_text("hello")
    env = cli_env(home, NOCTURNE_MODEL=str(bad))
    run = subprocess.run(
        [sys.executable, "-m", "nocturne", "add", str(tmp_path / "doc.txt")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 1
    assert "broken.gguf: not a GGUF model file" in run.stderr
    assert "Traceback" not in run.stderr
