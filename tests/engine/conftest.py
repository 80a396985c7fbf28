"""Fixtures for the remote-engine unit tests: a scripted server on 127.0.0.1, backoff recorded.

The same two as tests/remote/conftest.py (whose real llama.cpp servers stay with the scenarios
there); the helpers come from tests/remote/remote_servers.py, which is on pytest's pythonpath.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from remote_servers import ScriptedServer, SleepRecorder


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    server = ScriptedServer()
    yield server
    server.close()


@pytest.fixture
def no_wait() -> SleepRecorder:
    return SleepRecorder()
