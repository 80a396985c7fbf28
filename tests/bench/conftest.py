"""Everything in tests/bench is a benchmark: run by `make bench`, never by `make test`."""

from __future__ import annotations

from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BENCH_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.bench)
